/**
 * Checks run on every input before it is sent. Each failure is a
 * `ValidationError` naming the request field, with a message a person can
 * act on. Messages never repeat the value (it may be a secret).
 */

import { ValidationError } from './errors';
import {
  REGISTRATION_TTL_MAX_SECONDS,
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  TOKEN_NAME_PATTERN,
  TOKEN_TYPES,
  TOKEN_VALUE_MAX_LENGTH
} from './limits';
import { formatTtl, parseTtl } from './ttl';
import type { TokenType } from './types';

/** Printable ASCII without spaces (0x21–0x7E). */
const TOKEN_VALUE_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Check an access-token name (`client_name`, or a name to delete).
 */
export function validateTokenName(
  name: unknown,
  field = 'client_name'
): string {
  if (typeof name !== 'string' || !TOKEN_NAME_PATTERN.test(name)) {
    throw new ValidationError(
      "Name must be 1–64 characters of letters, digits, '.', '_' or '-'",
      { field, code: 'InvalidName' }
    );
  }
  return name;
}

/**
 * Check a role.
 */
export function validateTokenType(
  role: unknown,
  field = 'token_type'
): TokenType {
  if (!(TOKEN_TYPES as readonly unknown[]).includes(role)) {
    throw new ValidationError("Role must be 'USER' or 'ADMIN'", {
      field,
      code: 'InvalidRole'
    });
  }
  return role as TokenType;
}

/**
 * Whether `value` can be a token: 1 to 4096 printable ASCII characters
 * without spaces.
 */
export function isTokenValue(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= TOKEN_VALUE_MAX_LENGTH &&
    TOKEN_VALUE_PATTERN.test(value)
  );
}

/**
 * Check a secret token value (access or registration token).
 */
export function validateTokenValue(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('Token must not be empty', {
      field,
      code: 'EmptyToken'
    });
  }
  if (value.length > TOKEN_VALUE_MAX_LENGTH) {
    throw new ValidationError(
      `Token must be at most ${TOKEN_VALUE_MAX_LENGTH} characters`,
      { field, code: 'InvalidToken' }
    );
  }
  if (!TOKEN_VALUE_PATTERN.test(value)) {
    throw new ValidationError(
      'Token must be printable ASCII characters without spaces',
      { field, code: 'InvalidToken' }
    );
  }
  return value;
}

/**
 * A lifetime given as API text (`2h45m30s`) or as whole seconds.
 */
export type TtlInput = string | number;

/**
 * Check a lifetime against the field's bounds; return it as API text (a
 * string as given, seconds formatted compactly).
 */
export function validateTtl(
  ttl: TtlInput,
  field: 'access_ttl' | 'refresh_ttl'
): string {
  const maxSeconds =
    field === 'access_ttl'
      ? REGISTRATION_TTL_MAX_SECONDS
      : ACCESS_TOKEN_LIFETIME_MAX_SECONDS;
  if (typeof ttl === 'number') {
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new ValidationError(
        'Lifetime must be a whole number of seconds greater than zero',
        { field, code: 'TtlSyntax' }
      );
    }
    // Reuse the text path for the bound and its message.
    return formatTtl(parseTtl(formatTtl(ttl), { field, maxSeconds }));
  }
  parseTtl(ttl, { field, maxSeconds });
  return ttl;
}
