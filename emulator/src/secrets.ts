import { createHash, randomBytes } from 'node:crypto';

/** Prefix of access-token (refresh-token) values. */
export const ACCESS_TOKEN_PREFIX = 'mlp_rt_';
/** Prefix of registration-token values. */
export const REGISTER_TOKEN_PREFIX = 'mlp_reg_';

function randomPart(): string {
  return randomBytes(32).toString('base64url');
}

export function newAccessTokenValue(): string {
  return ACCESS_TOKEN_PREFIX + randomPart();
}

export function newRegisterTokenValue(): string {
  return REGISTER_TOKEN_PREFIX + randomPart();
}

/** A fresh HMAC key for signing bearers (base64url). */
export function newSigningKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The only form in which secrets are kept: hex SHA-256 of the value. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A short random suffix for generated names, e.g. `admin-3f9a1c`. */
export function shortId(): string {
  return randomBytes(3).toString('hex');
}
