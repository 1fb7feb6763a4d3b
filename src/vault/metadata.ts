/**
 * What the vault keeps about a token, built from whatever the platform said
 * about it (a who-am-i answer, or the description in a redeem answer), in a
 * form the server vault accepts:
 *
 * - `name`: 1–256 printable characters, trimmed (the server derives the
 *   label from it);
 * - `issuer`: 0–256 printable characters, trimmed;
 * - `role`: `USER` or `ADMIN`;
 * - `expires_at`: null or `YYYY-MM-DDTHH:MM:SSZ` between the years 1 and 9999.
 *
 * "Printable" is the server's (Python's `str.isprintable()`): no character
 * of the Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs, the ASCII
 * space excepted. Lengths count code points, as Python does.
 *
 * Nothing here fails: a description that says too little or too much gives
 * metadata all the same, so that a token is never lost over what the
 * platform said about it.
 */

import type { ITokenMetadata, Role } from './types';

/** Longest name or issuer the server keeps (its `NAME_MAX_LENGTH`). */
export const METADATA_TEXT_MAX_LENGTH = 256;

/** The name kept when the platform gave none that can be kept. */
export const DEFAULT_TOKEN_NAME = 'access-token';

/** Characters Python's `str.isprintable()` refuses, but the ASCII space. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Characters that separate words: kept as a space rather than dropped. */
const SEPARATOR = /[\t\n\v\f\r\p{Zl}\p{Zp}\p{Zs}]/u;

/** The earliest and the latest moment the server can keep, in ms. */
const EARLIEST = utc(1, 1, 1, 0, 0, 0);
const LATEST = utc(9999, 12, 31, 23, 59, 59);

/**
 * Date and time as platforms write them: RFC 3339 and its usual relaxations
 * (`t` or a space for `T`, a comma before the fraction, any number of
 * fraction digits, `+hhmm` or `+hh` offsets, no zone meaning UTC, a date
 * alone meaning its midnight in UTC).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)? ?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * How to build the metadata.
 */
export interface IMetadataOptions {
  /** The name to keep when the platform gave none that can be kept. */
  readonly fallbackName?: string;
  /**
   * Keep only ASCII characters in the name and the issuer. For a second
   * try when the server refused the first: its Unicode data may be older
   * than the browser's, so a character assigned lately is not printable
   * to it.
   */
  readonly asciiOnly?: boolean;
}

/**
 * The metadata to save for a token the platform described as `description`
 * (a `TokenInfo` by the contract, but anything is taken).
 */
export function metadataOf(
  description: unknown,
  options: IMetadataOptions = {}
): ITokenMetadata {
  const info: Record<string, unknown> =
    typeof description === 'object' &&
    description !== null &&
    !Array.isArray(description)
      ? (description as Record<string, unknown>)
      : {};
  const asciiOnly = options.asciiOnly ?? false;
  const fallback =
    printableText(options.fallbackName, asciiOnly) || DEFAULT_TOKEN_NAME;
  return {
    name: printableText(info.name, asciiOnly) || fallback,
    role: roleOf(info.type),
    issuer: printableText(info.issuer_name, asciiOnly),
    expires_at: expiryOf(info.exp)
  };
}

/**
 * `value` as printable text of at most 256 code points, trimmed: word
 * separators (tabs, line breaks, other spaces) become spaces, other
 * characters that are not printable are dropped. Not a string: ''.
 */
export function printableText(value: unknown, asciiOnly = false): string {
  if (typeof value !== 'string') {
    return '';
  }
  let text = '';
  for (const char of value) {
    if (SEPARATOR.test(char)) {
      text += ' ';
    } else if (
      !NOT_PRINTABLE.test(char) &&
      !(asciiOnly && char.codePointAt(0)! > 0x7e)
    ) {
      text += char;
    }
  }
  const points = Array.from(text.replace(/^ +| +$/g, ''));
  return points.slice(0, METADATA_TEXT_MAX_LENGTH).join('').replace(/ +$/, '');
}

/**
 * The role of a token described with `type`. `ADMIN` (any case, or
 * `Administrator`) is an Administrator token; anything else, including a
 * role this extension does not know, is kept as `USER`: the lesser role,
 * so the panel never offers what the token may not be allowed to do. The
 * platform decides what a token may do in any case, and the who-am-i check
 * made as soon as the token is active records what it says.
 */
export function roleOf(type: unknown): Role {
  const text = typeof type === 'string' ? type.trim().toUpperCase() : '';
  return text === 'ADMIN' || text === 'ADMINISTRATOR' ? 'ADMIN' : 'USER';
}

/**
 * The expiry to keep for `exp`, in UTC as `YYYY-MM-DDTHH:MM:SSZ` (the
 * fraction dropped, as the server does). A date-time (see `DATE_TIME`) or
 * seconds since 1970 (as in a JWT's `exp`) are read; a moment before the
 * year 1 or after 9999 is kept as the nearest one the server can keep.
 * Null, or anything that is not a date that exists: null, which the vault
 * shows as "never expires" — the platform still ends the token when it
 * expires, and the who-am-i check records the expiry it reports.
 */
export function expiryOf(exp: unknown): string | null {
  let ms: number | null = null;
  if (typeof exp === 'number') {
    ms = Number.isFinite(exp) ? exp * 1000 : null;
  } else if (typeof exp === 'string') {
    ms = parseDateTime(exp.trim());
  }
  if (ms === null) {
    return null;
  }
  const kept = new Date(Math.min(LATEST, Math.max(EARLIEST, ms)));
  return kept.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseDateTime(text: string): number | null {
  const match = DATE_TIME.exec(text);
  if (!match) {
    return null;
  }
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map(part => Number(part ?? 0));
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 60 ||
    // Under a day, as the server reads offsets (`+00:90` is an hour and a half).
    offsetHours * 60 + offsetMinutes >= 24 * 60
  ) {
    return null;
  }
  const sign = match[8] === '-' ? -1 : 1;
  // A leap second is kept as the second before it.
  return (
    utc(year, month, day, hour, minute, Math.min(second, 59)) -
    sign * (offsetHours * 60 + offsetMinutes) * 60_000
  );
}

/** Milliseconds of a UTC date-time; unlike `Date.UTC`, years 0–99 are those years. */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number
): number {
  const moment = new Date(0);
  moment.setUTCFullYear(year, month - 1, day);
  moment.setUTCHours(hour, minute, second, 0);
  return moment.getTime();
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
    month - 1
  ];
}
