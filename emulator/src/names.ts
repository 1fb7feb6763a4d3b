/** Access-token names: 1 to 64 characters of `A-Z a-z 0-9 . _ -`. */

export const NAME_MAX_LENGTH = 64;

export const NAME_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;

export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}
