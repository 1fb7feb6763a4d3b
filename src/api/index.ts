/**
 * The typed ML Platform client and what goes with it.
 */

export {
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_MAX_TRIES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
  MLPlatformClient
} from './client';
export type {
  IMLPlatformClientOptions,
  IRegistrationTokenRequest,
  IRequestOptions
} from './client';
export {
  AbortError,
  ConflictError,
  MLPlatformError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TokenRejectedError,
  ValidationError
} from './errors';
export type { IErrorDetails } from './errors';
export {
  REGISTRATION_TTL_MAX_SECONDS,
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  TOKEN_NAME_MAX_LENGTH,
  TOKEN_NAME_PATTERN,
  TOKEN_TYPES,
  TOKEN_VALUE_MAX_LENGTH,
  TTL_MAX_SECONDS
} from './limits';
export { redact, REDACTED } from './redact';
export type { SleepFn } from './retry';
export {
  formatTtl,
  formatTtlHuman,
  parseTtl,
  splitTtl,
  TtlErrorCode
} from './ttl';
export type { IParseTtlOptions, ITtlParts, ITtlUnitLabels } from './ttl';
export type {
  ApiErrorBody,
  BearerResponse,
  CreateRegisterTokenRequest,
  IMintedToken,
  RedeemResponse,
  RegisterToken,
  Scope,
  TokenInfo,
  TokenList,
  TokenType
} from './types';
export {
  isTokenValue,
  validateTokenName,
  validateTokenType,
  validateTokenValue,
  validateTtl
} from './validate';
export type { TtlInput } from './validate';
