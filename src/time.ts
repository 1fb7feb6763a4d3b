import type { TranslationBundle } from '@jupyterlab/translation';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The language the page is shown in, as JupyterLab tells it (`<html lang>`,
 * e.g. `ru-RU`), for dates and numbers; undefined (the browser's) when unset.
 */
export function displayLocale(): string | undefined {
  const lang =
    typeof document === 'undefined' ? '' : document.documentElement.lang;
  if (!lang) {
    return undefined;
  }
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([lang]).length > 0
      ? lang
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A formatter of dates and times in the page's language
 * (`5 мар. 2025 г., 10:00`); it gives back text that is not a date as it is.
 * Make one per list: building it is the slow part.
 */
export function dateTimeFormatter(): (iso: string) => string {
  const format = new Intl.DateTimeFormat(displayLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short'
  });
  return iso => {
    const time = Date.parse(iso);
    return Number.isFinite(time) ? format.format(time) : iso;
  };
}

/**
 * One date and time in the page's language.
 */
export function formatDateTime(iso: string): string {
  return dateTimeFormatter()(iso);
}

/**
 * A whole number in the page's language: `5 000`, `5,000`.
 */
export function formatCount(count: number): string {
  return count.toLocaleString(displayLocale());
}

/**
 * "expires in 3 days", "expires in 1 d 5 h", "expires in 2 h 45 min",
 * "expires in 12 minutes", "expired" or "never expires". Every part is
 * rounded down, so the reading never claims more time than is left.
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
  if (left >= DAY) {
    const hours = Math.floor((left - DAY) / HOUR);
    return hours > 0
      ? // TRANSLATORS: a short reading, "d" for days and "h" for hours.
        trans.__('expires in %1 d %2 h', 1, hours)
      : trans.__('expires in %1 d', 1);
  }
  if (left >= HOUR) {
    const hours = Math.floor(left / HOUR);
    const minutes = Math.floor((left - hours * HOUR) / MINUTE);
    return minutes > 0
      ? // TRANSLATORS: a short reading, "h" for hours and "min" for minutes.
        trans.__('expires in %1 h %2 min', hours, minutes)
      : trans.__('expires in %1 h', hours);
  }
  if (left < MINUTE) {
    return trans.__('expires in less than a minute');
  }
  return trans._n(
    'expires in %1 minute',
    'expires in %1 minutes',
    Math.floor(left / MINUTE)
  );
}
