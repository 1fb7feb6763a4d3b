/**
 * Reading HTTP answers: JSON bodies, the API's error body, and the mapping
 * of error statuses to typed errors.
 */

import {
  ConflictError,
  type MLPlatformError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TokenRejectedError,
  ValidationError
} from './errors';
import { redact } from './redact';

/**
 * What one HTTP exchange produced, once its body was read.
 */
export interface IHttpResult {
  status: number;
  /** The body as text ('' when empty). */
  text: string;
  /** `Retry-After` in seconds, when present and readable. */
  retryAfterSeconds?: number;
}

/** Which secret a refusal (401/403 `Forbidden`) is about. */
export type RefusedSecret = 'access-token' | 'registration-token';

const SCOPE_REFUSAL = /does not contain the following scopes:\s*\[([^\]]*)\]/;
const QUOTED = /'([^']*)'|"([^"]*)"/g;

/** Whether a status is a success. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Parse a success body as JSON.
 *
 * @throws ProtocolError when the body is empty or not JSON.
 */
export function parseJson(result: IHttpResult): unknown {
  try {
    return JSON.parse(result.text);
  } catch {
    // No body text in the message: it may hold a secret.
    throw new ProtocolError(
      'Unexpected answer from the ML Platform API: the body is not JSON',
      { status: result.status }
    );
  }
}

/**
 * The `errorCode` and `errorParams.field` of an error body, if it has them.
 * The field has every known secret removed.
 */
export function readApiError(
  result: IHttpResult,
  secrets: readonly string[]
): {
  code?: string;
  field?: string;
  params?: Readonly<Record<string, string | number>>;
} {
  let body: unknown;
  try {
    body = JSON.parse(result.text);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null) {
    return {};
  }
  const {
    errorCode,
    errorParams,
    params: extra
  } = body as {
    errorCode?: unknown;
    errorParams?: { field?: unknown } | null;
    params?: unknown;
  };
  const field = errorParams?.field;
  const params: Record<string, string | number> = {};
  // This server's own additions come as `params` beside `errorParams`.
  for (const source of [errorParams, extra]) {
    if (typeof source !== 'object' || source === null) {
      continue;
    }
    for (const [key, value] of Object.entries(source)) {
      if (key === 'field' || key === 'message') {
        continue;
      }
      if (typeof value === 'string' && value.length <= 200) {
        params[key] = redact(value, secrets);
      } else if (typeof value === 'number' && Number.isFinite(value)) {
        params[key] = value;
      }
    }
  }
  return {
    code:
      typeof errorCode === 'string' ? redact(errorCode, secrets) : undefined,
    field: typeof field === 'string' ? redact(field, secrets) : undefined,
    ...(Object.keys(params).length > 0 ? { params } : {})
  };
}

/**
 * Scopes named by a missing-scope 403 (`... does not contain the following
 * scopes: ['ml-platform:Manage']`), or `null` when the field is not one.
 */
export function parseMissingScopes(field: string | undefined): string[] | null {
  const match = field === undefined ? null : SCOPE_REFUSAL.exec(field);
  if (!match) {
    return null;
  }
  return [...match[1].matchAll(QUOTED)].map(m => m[1] ?? m[2]);
}

/**
 * Whether an answer refuses the bearer itself (401, or a 403 that is not
 * about a missing scope), so that a new bearer might help.
 */
export function refusesBearer(
  result: IHttpResult,
  secrets: readonly string[]
): boolean {
  if (result.status === 401) {
    return true;
  }
  if (result.status !== 403) {
    return false;
  }
  return parseMissingScopes(readApiError(result, secrets).field) === null;
}

/**
 * The typed error for a non-success answer.
 */
export function errorFromResponse(
  result: IHttpResult,
  secrets: readonly string[],
  refused: RefusedSecret = 'access-token'
): MLPlatformError {
  const { status, retryAfterSeconds } = result;
  const { code, field, params } = readApiError(result, secrets);
  const details = {
    status,
    field,
    ...(code ? { code } : {}),
    ...(params ? { params } : {})
  };
  switch (status) {
    case 400:
      return new ValidationError(
        field
          ? `The ML Platform API refused the value of ${field}`
          : 'The ML Platform API refused the request as invalid',
        details
      );
    case 401:
    case 403: {
      const scopes = status === 403 ? parseMissingScopes(field) : null;
      if (scopes !== null) {
        return new PermissionDeniedError(scopes, details);
      }
      return new TokenRejectedError(
        refused === 'registration-token'
          ? 'The registration token is unknown, has expired or was already used'
          : 'The access token has expired, was deleted or is unknown',
        details
      );
    }
    case 404:
      return new NotFoundError(
        field === 'path'
          ? 'The ML Platform API has no such path'
          : 'No access token has this name',
        details
      );
    case 409:
      return new ConflictError(
        'An access token with this name already exists',
        details
      );
    case 429:
      return new RateLimitError('The ML Platform API is limiting requests', {
        ...details,
        retryAfterSeconds
      });
    default:
      if (status >= 500 && status < 600) {
        return new ServerError(`The ML Platform API failed (HTTP ${status})`, {
          ...details,
          retryAfterSeconds
        });
      }
      return new ProtocolError(
        `Unexpected answer from the ML Platform API (HTTP ${status})`,
        details
      );
  }
}
