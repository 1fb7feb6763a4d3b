import { TranslationBundle } from '@jupyterlab/translation';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "in 3 days", "in 5 h", "in 12 min", "expired" or "never expires".
 */
export function describeExpiry(
  expiresAt: string | null,
  trans: TranslationBundle,
  now: number = Date.now()
): string {
  if (expiresAt === null) {
    return trans.__('never expires');
  }
  const left = Date.parse(expiresAt) - now;
  if (isNaN(left)) {
    return trans.__('unknown expiry');
  }
  if (left <= 0) {
    return trans.__('expired');
  }
  if (left >= 2 * DAY) {
    return trans._n(
      'expires in %1 day',
      'expires in %1 days',
      Math.floor(left / DAY)
    );
  }
  if (left >= 2 * HOUR) {
    return trans._n(
      'expires in %1 hour',
      'expires in %1 hours',
      Math.floor(left / HOUR)
    );
  }
  return trans._n(
    'expires in %1 minute',
    'expires in %1 minutes',
    Math.max(1, Math.floor(left / MINUTE))
  );
}

/**
 * The role as the vendor names it.
 */
export function describeRole(role: string, trans: TranslationBundle): string {
  return role === 'ADMIN' ? trans.__('Administrator') : trans.__('User');
}
