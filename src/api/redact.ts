/**
 * Removal of secrets from text that may end up in an error.
 */

/** What replaces a secret. */
export const REDACTED = '****';

/** Shortest value treated as a secret; shorter strings are too common to mask. */
const MIN_SECRET_LENGTH = 4;

/** A JWT-like value (three base64url parts), whoever it belongs to. */
const JWT_LIKE = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/**
 * Return `text` with every occurrence of each secret, and anything that looks
 * like a JWT, replaced by `****`.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text.replace(JWT_LIKE, REDACTED);
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) {
      out = out.split(secret).join(REDACTED);
    }
  }
  return out;
}

/**
 * A plain, secret-free stand-in for an underlying failure, to carry as an
 * error's `cause`: its name, message and code only (no request, headers,
 * socket or nested cause objects).
 */
export function sanitizeCause(
  error: unknown,
  secrets: Iterable<string>
): Error {
  const list = [...secrets];
  const source = error as
    | { name?: unknown; message?: unknown; code?: unknown; cause?: unknown }
    | null
    | undefined;
  const describe = (value: unknown): string =>
    typeof value === 'string' ? redact(value, list) : '';
  const name = describe(source?.name) || 'Error';
  let message = describe(source?.message) || describe(error);
  // undici wraps the socket error ("other side closed") in "fetch failed".
  const inner = source?.cause as
    { message?: unknown; code?: unknown } | null | undefined;
  const innerMessage = describe(inner?.message);
  if (innerMessage) {
    message = message ? `${message}: ${innerMessage}` : innerMessage;
  }
  const result = new Error(message);
  result.name = name;
  const code = describe(source?.code) || describe(inner?.code);
  if (code) {
    (result as Error & { code?: string }).code = code;
  }
  // No stack: it would only point into the fetch implementation.
  delete result.stack;
  return result;
}
