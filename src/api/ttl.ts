/**
 * Lifetimes (TTLs) in the API's grammar: hours, minutes and seconds parts in
 * that order, at least one, total greater than zero (`2h45m30s`, `90m`, `45s`).
 */

import { ValidationError } from './errors';
import { TTL_MAX_SECONDS } from './limits';

const TTL_GRAMMAR = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Error codes of TTL validation, for the UI to pick a sentence. */
export const TtlErrorCode = {
  syntax: 'TtlSyntax',
  zero: 'TtlZero',
  tooLong: 'TtlTooLong'
} as const;

/**
 * Options of `parseTtl`.
 */
export interface IParseTtlOptions {
  /** Field name carried by the error (default `ttl`). */
  field?: string;
  /** Largest accepted total in seconds (default: the largest any field accepts). */
  maxSeconds?: number;
}

/**
 * Parse a TTL such as `2h45m30s` into seconds.
 *
 * @throws ValidationError when the text is empty, has spaces, other units,
 * parts out of order, a zero total, or a total above `maxSeconds`.
 */
export function parseTtl(text: string, options: IParseTtlOptions = {}): number {
  const field = options.field ?? 'ttl';
  const maxSeconds = options.maxSeconds ?? TTL_MAX_SECONDS;
  const match = typeof text === 'string' ? TTL_GRAMMAR.exec(text) : null;
  if (!match || text === '') {
    throw new ValidationError('Lifetime must look like 2h45m30s, 90m or 45s', {
      field,
      code: TtlErrorCode.syntax
    });
  }
  const [hours, minutes, seconds] = match.slice(1).map(part => {
    return part === undefined ? 0 : Number(part);
  });
  const total = hours * 3600 + minutes * 60 + seconds;
  if (total === 0) {
    throw new ValidationError('Lifetime must be longer than zero', {
      field,
      code: TtlErrorCode.zero
    });
  }
  if (!Number.isSafeInteger(total) || total > maxSeconds) {
    throw new ValidationError(
      `Lifetime must be at most ${formatTtl(maxSeconds)}`,
      { field, code: TtlErrorCode.tooLong }
    );
  }
  return total;
}

/**
 * Hours, minutes and seconds of a duration.
 */
export interface ITtlParts {
  hours: number;
  minutes: number;
  seconds: number;
}

/**
 * Split whole seconds into hours, minutes and seconds.
 *
 * @throws ValidationError when `total` is not a non-negative safe integer.
 */
export function splitTtl(total: number): ITtlParts {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new ValidationError('Lifetime must be a whole number of seconds', {
      field: 'ttl',
      code: TtlErrorCode.syntax
    });
  }
  return {
    hours: Math.floor(total / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60
  };
}

/**
 * Format seconds in the API's grammar, compactly: `9930` → `2h45m30s`,
 * `5400` → `1h30m`, `0` → `0s`. `parseTtl(formatTtl(n)) === n` for n > 0.
 */
export function formatTtl(total: number): string {
  const { hours, minutes, seconds } = splitTtl(total);
  const text =
    (hours ? `${hours}h` : '') +
    (minutes ? `${minutes}m` : '') +
    (seconds ? `${seconds}s` : '');
  return text || '0s';
}

/**
 * Unit labels for `formatTtlHuman`, e.g. translated ones.
 */
export interface ITtlUnitLabels {
  hours: string;
  minutes: string;
  seconds: string;
}

const DEFAULT_LABELS: ITtlUnitLabels = {
  hours: 'h',
  minutes: 'min',
  seconds: 's'
};

/**
 * Format seconds for people: `9930` → `2 h 45 min 30 s`, `0` → `0 s`.
 * Pass translated `labels` to localise the units.
 */
export function formatTtlHuman(
  total: number,
  labels: Partial<ITtlUnitLabels> = {}
): string {
  const unit = { ...DEFAULT_LABELS, ...labels };
  const parts = splitTtl(total);
  const words: string[] = [];
  for (const key of ['hours', 'minutes', 'seconds'] as const) {
    if (parts[key]) {
      words.push(`${parts[key]} ${unit[key]}`);
    }
  }
  return words.length > 0 ? words.join(' ') : `0 ${unit.seconds}`;
}
