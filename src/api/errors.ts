/**
 * Typed errors thrown by the ML Platform client.
 *
 * Every error is an `MLPlatformError`; the UI turns each class into one
 * translated sentence. Messages are short English text built by this module
 * only: they never contain a token value, and neither does any property.
 */

/**
 * Structured facts carried by every client error.
 */
export interface IErrorDetails {
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** `errorCode` of the API's error body, or a client code such as `Timeout`. */
  code?: string;
  /** Field the error is about: the API's `errorParams.field` or an input name. */
  field?: string;
  /** Seconds the server asked us to wait (`Retry-After`). */
  retryAfterSeconds?: number;
  /**
   * Other short values of the API's `errorParams` (secrets removed), such
   * as `library_version`; never its English `message`.
   */
  params?: Readonly<Record<string, string | number>>;
  /** A sanitised description of the underlying failure. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by the client.
 */
export class MLPlatformError extends Error {
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
  /** API `errorCode` or a client code. */
  readonly code: string;
  /** API `errorParams.field` (secrets removed) or the input field name. */
  readonly field: string | undefined;
  /** Seconds the server asked us to wait, when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** Other values of the API's `errorParams`, such as `library_version`. */
  readonly params: Readonly<Record<string, string | number>>;

  constructor(message: string, details: IErrorDetails = {}) {
    super(
      message,
      details.cause === undefined ? undefined : { cause: details.cause }
    );
    // Keep `instanceof` working whatever the compilation target.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'MLPlatformError';
    this.status = details.status;
    this.code = details.code ?? 'MLPlatformError';
    this.field = details.field;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.params = details.params ?? {};
  }
}

/**
 * The access token (or registration token) is expired, deleted, already used
 * or unknown: the platform refused it, not a missing role.
 */
export class TokenRejectedError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'TokenRejected', ...details });
    this.name = 'TokenRejectedError';
  }
}

/**
 * The token is valid but lacks a scope (role) the call needs, e.g. a User
 * token calling an Administrator operation.
 */
export class PermissionDeniedError extends MLPlatformError {
  /** The first missing scope, e.g. `ml-platform:Manage`, when the API named it. */
  readonly missingScope: string | undefined;
  /** Every missing scope the API named. */
  readonly missingScopes: readonly string[];

  constructor(missingScopes: readonly string[], details: IErrorDetails = {}) {
    super(
      missingScopes.length > 0
        ? `The token lacks the scope ${missingScopes.join(', ')}`
        : 'The token lacks a role this operation needs',
      { code: 'PermissionDenied', ...details }
    );
    this.name = 'PermissionDeniedError';
    this.missingScopes = [...missingScopes];
    this.missingScope = missingScopes[0];
  }
}

/**
 * The input is invalid: found before sending, or refused by the API (400).
 */
export class ValidationError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'Validation', ...details });
    this.name = 'ValidationError';
  }
}

/**
 * The name is already used (409).
 */
export class ConflictError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'Conflict', ...details });
    this.name = 'ConflictError';
  }
}

/**
 * The named object does not exist (404).
 */
export class NotFoundError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'NotFound', ...details });
    this.name = 'NotFoundError';
  }
}

/**
 * Too many requests (429); `retryAfterSeconds` says when to try again.
 */
export class RateLimitError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'RateLimited', ...details });
    this.name = 'RateLimitError';
  }
}

/**
 * The service failed or is unavailable (5xx).
 */
export class ServerError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'ServerError', ...details });
    this.name = 'ServerError';
  }
}

/**
 * A request attempt took longer than the configured timeout.
 */
export class TimeoutError extends MLPlatformError {
  /** The per-attempt timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, details: IErrorDetails = {}) {
    super(`The ML Platform API did not answer within ${timeoutMs} ms`, {
      code: 'Timeout',
      ...details
    });
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The request could not be sent or the connection dropped.
 */
export class NetworkError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'Network', ...details });
    this.name = 'NetworkError';
  }
}

/**
 * The caller aborted the operation.
 */
export class AbortError extends MLPlatformError {
  constructor(details: IErrorDetails = {}) {
    super('The request was cancelled', { code: 'Aborted', ...details });
    this.name = 'AbortError';
  }
}

/**
 * The API answered with something the contract does not allow: a non-JSON
 * or malformed body, a missing field or an unexpected status.
 */
export class ProtocolError extends MLPlatformError {
  constructor(message: string, details: IErrorDetails = {}) {
    super(message, { code: 'Protocol', ...details });
    this.name = 'ProtocolError';
  }
}
