/**
 * TTL strings: hours, minutes and seconds parts in that order, at least one, total > 0
 * (`2h45m30s`, `90m`, `45s`).
 */

/** Longest registration-token TTL (`access_ttl`): 30 days. A guess; see api/openapi.yaml. */
export const REGISTRATION_TTL_MAX_SECONDS = 30 * 24 * 3600;

/** Longest access-token lifetime (`refresh_ttl`): 10 years of 365 days. A guess. */
export const ACCESS_TOKEN_LIFETIME_MAX_SECONDS = 87600 * 3600;

const TTL_PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Longer strings cannot be a TTL within the bounds; refusing them early keeps parsing cheap. */
const MAX_TTL_LENGTH = 40;

/**
 * Parse a TTL into seconds. Returns null when the text breaks the grammar or totals zero.
 */
export function parseTtl(text: string): number | null {
  if (text.length === 0 || text.length > MAX_TTL_LENGTH) {
    return null;
  }
  const match = TTL_PATTERN.exec(text);
  if (!match) {
    return null;
  }
  const [, hours, minutes, seconds] = match;
  const total =
    Number(hours ?? 0) * 3600 +
    Number(minutes ?? 0) * 60 +
    Number(seconds ?? 0);
  return total > 0 ? total : null;
}
