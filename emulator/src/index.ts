/** Public entry point of the ML Platform tokens API emulator. */
export { Clock } from './clock';
export type { IControlTarget, IMintRequest } from './control';
export type { FaultKind, IFault, IFaultSpec } from './faults';
export { EMULATOR_ISSUER, startEmulator } from './server';
export type { IEmulator, IEmulatorOptions } from './server';
export {
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  REGISTRATION_TTL_MAX_SECONDS
} from './ttl';
