import { badRequest } from './errors';
import { isValidName, NAME_MAX_LENGTH } from './names';
import { isTokenType, type TokenType } from './roles';
import { parseTtl } from './ttl';

/** Validators for request-body properties; each throws 400 naming the property. */

export function requiredSecret(
  body: Record<string, unknown>,
  field: string
): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw badRequest(field, `${field} must be a non-empty string`);
  }
  return value;
}

export function tokenName(
  body: Record<string, unknown>,
  field: string
): string {
  const value = body[field];
  if (!isValidName(value)) {
    throw badRequest(
      field,
      `${field} must be 1 to ${NAME_MAX_LENGTH} characters of A-Z a-z 0-9 . _ -`
    );
  }
  return value;
}

export function tokenType(
  body: Record<string, unknown>,
  field: string
): TokenType {
  const value = body[field];
  if (!isTokenType(value)) {
    throw badRequest(field, `${field} must be USER or ADMIN`);
  }
  return value;
}

/** A TTL of at most `maxSeconds`; returns its text and its length in seconds. */
export function ttl(
  body: Record<string, unknown>,
  field: string,
  maxSeconds: number
): { text: string; seconds: number } {
  const value = body[field];
  const seconds = typeof value === 'string' ? parseTtl(value) : null;
  if (seconds === null) {
    throw badRequest(
      field,
      `${field} must look like 2h45m30s, 90m or 45s (hours, minutes, seconds in that order, total above zero)`
    );
  }
  if (seconds > maxSeconds) {
    throw badRequest(field, `${field} must be at most ${maxSeconds / 3600}h`);
  }
  return { text: value as string, seconds };
}

/** Like `ttl`, but absent or null gives null. */
export function optionalTtl(
  body: Record<string, unknown>,
  field: string,
  maxSeconds: number
): { text: string; seconds: number } | null {
  const value = body[field];
  return value === undefined || value === null
    ? null
    : ttl(body, field, maxSeconds);
}
