/**
 * HTTP over an injected `fetch`: one timeout per attempt, the caller's
 * AbortSignal, and retries of idempotent requests.
 */

import { Deadlines } from './deadlines';
import {
  AbortError,
  type MLPlatformError,
  NetworkError,
  TimeoutError
} from './errors';
import { sanitizeCause } from './redact';
import { type IHttpResult, isSuccess } from './response';
import {
  type IBackoffPolicy,
  parseRetryAfter,
  RETRY_STATUSES,
  retryDelay,
  type SleepFn
} from './retry';

/**
 * Settings of a transport.
 */
export interface ITransportOptions {
  /** API root; paths are appended to it. */
  baseUrl: string;
  /** The `fetch` to use. */
  fetch: typeof fetch;
  /** Time allowed to one attempt, headers and body included. */
  timeoutMs: number;
  /** Attempts of a retried request, the first one included. */
  maxTries: number;
  /** Backoff numbers. */
  backoff: IBackoffPolicy;
  /** Sleep between attempts. */
  sleep: SleepFn;
  /** Wall clock (milliseconds), for `Retry-After` dates. */
  now: () => number;
}

/**
 * One request.
 */
export interface ITransportRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the API root, already percent-encoded. */
  path: string;
  /** JSON body. */
  body?: unknown;
  /** Extra headers (e.g. the bearer). */
  headers?: Record<string, string>;
  /** Whether the request may be repeated after a failure. */
  retry: boolean;
  /** Values to keep out of errors. */
  secrets: readonly string[];
  /** The caller's signal. */
  signal?: AbortSignal;
}

/**
 * Sends requests; returns the final answer whatever its status, and throws
 * only `TimeoutError`, `NetworkError` or `AbortError`.
 */
export class Transport {
  constructor(options: ITransportOptions) {
    this._options = options;
    this._baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Send a request, repeating it when allowed: on a 429/502/503/504 answer,
   * a timeout or a network failure, at most `maxTries` attempts in total.
   */
  async send(request: ITransportRequest): Promise<IHttpResult> {
    const { maxTries, backoff } = this._options;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(request.signal);
      let delay: number | null = null;
      try {
        const result = await this._attempt(request);
        if (
          !request.retry ||
          attempt >= maxTries ||
          !RETRY_STATUSES.has(result.status)
        ) {
          return result;
        }
        delay = retryDelay(attempt, result.retryAfterSeconds, backoff);
        if (delay === null) {
          return result;
        }
      } catch (error) {
        const transient =
          error instanceof TimeoutError || error instanceof NetworkError;
        if (!transient || !request.retry || attempt >= maxTries) {
          throw error;
        }
        delay = retryDelay(attempt, undefined, backoff) ?? 0;
      }
      await this._pause(delay, request.signal);
    }
  }

  private async _pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this._options.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) {
        throw new AbortError();
      }
      throw error;
    }
    throwIfAborted(signal);
  }

  /**
   * One attempt: resolves with status and body text; rejects with
   * `AbortError`, `TimeoutError` or `NetworkError` — at its deadline or on
   * abort even if `fetch` ignores the signal.
   */
  private _attempt(request: ITransportRequest): Promise<IHttpResult> {
    const { timeoutMs } = this._options;
    const caller = request.signal;
    return new Promise<IHttpResult>((resolve, reject) => {
      // Every attempt gets its own signal so that a timeout or an abort
      // really cancels the request (and frees its connection), not just
      // stops waiting for it. In Node's undici this costs a few microseconds
      // per request; in browsers next to nothing.
      const controller = new AbortController();
      let settled = false;
      const settle = (): boolean => {
        if (settled) {
          return false;
        }
        settled = true;
        this._deadlines.remove(deadline);
        caller?.removeEventListener('abort', onAbort);
        return true;
      };
      const stop = (error: MLPlatformError): void => {
        if (settle()) {
          controller.abort();
          reject(error);
        }
      };
      const onAbort = (): void => stop(new AbortError());
      const deadline = this._deadlines.add(timeoutMs, () =>
        stop(new TimeoutError(timeoutMs))
      );
      caller?.addEventListener('abort', onAbort, { once: true });
      this._fetch(request, controller.signal).then(
        result => {
          if (settle()) {
            resolve(result);
          }
        },
        (error: unknown) => {
          if (settle()) {
            reject(
              new NetworkError('Could not reach the ML Platform API', {
                cause: sanitizeCause(error, request.secrets)
              })
            );
          }
        }
      );
    });
  }

  /** `fetch` and read the body. */
  private async _fetch(
    request: ITransportRequest,
    signal: AbortSignal
  ): Promise<IHttpResult> {
    const doFetch = this._options.fetch; // called unbound: window.fetch needs it
    const headers: Record<string, string> = Object.assign(
      { Accept: 'application/json' },
      request.headers
    );
    const init: RequestInit = { method: request.method, headers, signal };
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(request.body);
    }
    const response = await doFetch(this._baseUrl + request.path, init);
    const text = await response.text();
    const status = response.status;
    return {
      status,
      text,
      retryAfterSeconds: isSuccess(status)
        ? undefined
        : parseRetryAfter(
            response.headers.get('Retry-After'),
            this._options.now()
          )
    };
  }

  private readonly _options: ITransportOptions;
  private readonly _baseUrl: string;
  private readonly _deadlines = new Deadlines();
}

/** Throw `AbortError` if `signal` has aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw new AbortError();
  }
}
