/** Public entry point of the ML Platform tokens API emulator. */
export { Clock } from './clock';
export type { IConnectionStats, IControlTarget, IMintRequest } from './control';
export type { FaultKind, IFault, IFaultSpec } from './faults';
export { EMULATOR_ISSUER, startEmulator } from './server';
export type { IEmulator, IEmulatorOptions } from './server';
export { makeTestCertificates } from './tls';
export type { ICertificatePair, ITestCertificates } from './tls';
export {
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  REGISTRATION_TTL_MAX_SECONDS
} from './ttl';
