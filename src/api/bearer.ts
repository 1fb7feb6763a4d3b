/**
 * The short-lived bearer: traded for the access token on demand, kept until
 * shortly before it expires, and traded at most once at a time however many
 * callers want one (single flight).
 */

import { AbortError } from './errors';
import { throwIfAborted } from './transport';

/** Longest safety margin before a bearer's expiry. */
export const BEARER_MARGIN_MAX_MS = 30_000;

/** Safety margin as a share of the bearer's lifetime, for short lifetimes. */
export const BEARER_MARGIN_SHARE = 0.1;

/**
 * A new bearer and its lifetime.
 */
export interface IExchangedBearer {
  value: string;
  /** `expires_in` in seconds. */
  expiresIn: number;
}

/**
 * A bearer handed to a caller.
 */
export interface IBearerLease {
  value: string;
  /** True when it came from the cache rather than from an exchange the caller waited for. */
  fromCache: boolean;
}

/**
 * Milliseconds a bearer living `expiresInSeconds` is used for: its lifetime
 * less min(30 s, 10 % of it).
 */
export function bearerUsableMs(expiresInSeconds: number): number {
  const lifetime = expiresInSeconds * 1000;
  return (
    lifetime - Math.min(BEARER_MARGIN_MAX_MS, lifetime * BEARER_MARGIN_SHARE)
  );
}

/**
 * Cache of one bearer with single-flight exchange.
 */
export class BearerCache {
  /**
   * @param exchange trades the access token for a bearer; it runs without
   *   any caller's signal, so one caller aborting does not fail the others.
   * @param now clock in milliseconds.
   */
  constructor(exchange: () => Promise<IExchangedBearer>, now: () => number) {
    this._exchange = exchange;
    this._now = now;
  }

  /**
   * The cached bearer if it is still usable, without waiting.
   */
  peek(): IBearerLease | null {
    const current = this._current;
    if (current && this._now() < current.usableUntil) {
      return { value: current.value, fromCache: true };
    }
    return null;
  }

  /**
   * A usable bearer: the cached one, or the result of the exchange in
   * flight, or of a new exchange.
   */
  async get(signal?: AbortSignal): Promise<IBearerLease> {
    throwIfAborted(signal);
    const cached = this.peek();
    if (cached) {
      return cached;
    }
    if (!this._pending) {
      this._pending = this._run();
    }
    const value = await raceAbort(this._pending, signal);
    return { value, fromCache: false };
  }

  /**
   * Forget `value` if it is still the cached bearer (it was refused). A
   * bearer already replaced by another caller's exchange stays.
   */
  invalidate(value: string): void {
    if (this._current?.value === value) {
      this._current = null;
    }
  }

  /**
   * Forget the cached bearer and ignore any exchange in flight (the access
   * token changed).
   */
  clear(): void {
    this._current = null;
    this._pending = null;
    this._generation++;
  }

  private async _run(): Promise<string> {
    const generation = this._generation;
    const startedAt = this._now();
    try {
      const bearer = await this._exchange();
      if (generation === this._generation) {
        this._current = {
          value: bearer.value,
          usableUntil: startedAt + bearerUsableMs(bearer.expiresIn)
        };
      }
      return bearer.value;
    } finally {
      if (generation === this._generation) {
        this._pending = null;
      }
    }
  }

  private readonly _exchange: () => Promise<IExchangedBearer>;
  private readonly _now: () => number;
  private _current: { value: string; usableUntil: number } | null = null;
  private _pending: Promise<string> | null = null;
  private _generation = 0;
}

/**
 * `promise`, or `AbortError` as soon as `signal` aborts (the promise itself
 * goes on for its other waiters).
 */
function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      }
    );
  });
}
