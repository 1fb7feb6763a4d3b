import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { isTokenType, type TokenType } from './roles';

/** Claims carried by a bearer (JWT-like, HS256). */
export interface IBearerClaims {
  /** Id of the access token the bearer was issued from. */
  sub: string;
  name: string;
  type: TokenType;
  scopes: string[];
  /** Issued at, seconds since the epoch (emulated clock; may have a fraction). */
  iat: number;
  /** Expires at, seconds since the epoch (emulated clock; may have a fraction). */
  exp: number;
  jti: string;
}

const HEADER = Buffer.from(
  JSON.stringify({ alg: 'HS256', typ: 'JWT' })
).toString('base64url');

const BEARER_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function sign(input: string, key: string): Buffer {
  return createHmac('sha256', Buffer.from(key, 'base64url'))
    .update(input)
    .digest();
}

export function newBearerId(): string {
  return randomBytes(12).toString('base64url');
}

/** Sign claims into `header.payload.signature`. */
export function signBearer(claims: IBearerClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign(input, key).toString('base64url')}`;
}

function isClaims(value: unknown): value is IBearerClaims {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const claims = value as Record<string, unknown>;
  return (
    typeof claims.sub === 'string' &&
    typeof claims.name === 'string' &&
    isTokenType(claims.type) &&
    Array.isArray(claims.scopes) &&
    claims.scopes.every(scope => typeof scope === 'string') &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number' &&
    typeof claims.jti === 'string'
  );
}

/**
 * Check a bearer's shape and signature and return its claims, or null when it is malformed or
 * not signed with `key`. Expiry is the caller's business (it owns the clock).
 */
export function verifyBearer(
  bearer: string,
  key: string
): IBearerClaims | null {
  if (!BEARER_PATTERN.test(bearer)) {
    return null;
  }
  const [header, payload, signature] = bearer.split('.');
  if (header !== HEADER) {
    return null;
  }
  const expected = sign(`${header}.${payload}`, key);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return null;
  }
  try {
    const claims: unknown = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8')
    );
    return isClaims(claims) ? claims : null;
  } catch {
    return null;
  }
}
