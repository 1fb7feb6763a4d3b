/**
 * Retry policy: which answers are retried, how long to wait, and an
 * abortable sleep.
 */

import { AbortError } from './errors';

/** Statuses worth repeating an idempotent request for. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([
  429, 502, 503, 504
]);

const HTTP_DATE_START = /^[A-Za-z]+,? /;

/** Wait `ms`; reject when `signal` aborts. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Read a `Retry-After` header: delta-seconds or an HTTP date. Returns whole
 * seconds (0 for a date in the past), or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number
): number | undefined {
  if (header === null || header === undefined) {
    return undefined;
  }
  const text = header.trim();
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  // HTTP dates start with a day name; `Date.parse` alone accepts '-3' or '1.5'.
  const date = HTTP_DATE_START.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Backoff policy numbers.
 */
export interface IBackoffPolicy {
  /** Delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** Longest wait ever taken, from backoff or `Retry-After`. */
  maxDelayMs: number;
  /** Uniform random number in [0, 1). */
  random: () => number;
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, or `null` to give up
 * because the server asked for a longer wait than `maxDelayMs`.
 *
 * Without `Retry-After`: exponential (`base`, `2·base`, `4·base`, …) with
 * "equal jitter" (half fixed, half random), capped at `maxDelayMs`.
 * With `Retry-After`: exactly that long.
 */
export function retryDelay(
  attempt: number,
  retryAfterSeconds: number | undefined,
  policy: IBackoffPolicy
): number | null {
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms > policy.maxDelayMs ? null : ms;
  }
  const exponential = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** (attempt - 1)
  );
  return Math.round(exponential / 2 + (exponential / 2) * policy.random());
}

/**
 * `setTimeout` as a promise that rejects with `AbortError` when `signal`
 * aborts, clearing its timer.
 */
export const defaultSleep: SleepFn = (ms, signal) => {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
};
