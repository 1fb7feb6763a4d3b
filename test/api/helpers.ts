/**
 * Shared fixtures of the client's unit tests: an undici MockAgent behind an
 * injected `fetch`, a counter of requests per path, a manual clock, and a
 * check that no secret leaks through a thrown error.
 */

import { inspect } from 'util';
import {
  fetch as undiciFetch,
  MockAgent,
  type Interceptable,
  type RequestInit as UndiciRequestInit
} from 'undici';

import { type IMLPlatformClientOptions, MLPlatformClient } from '../../src/api';

export const ORIGIN = 'http://mlp.test';

/** Values that must never appear in an error. */
export const REFRESH_TOKEN = 'mlp_rt_SECRET-refresh-0123456789abcdef';
export const BEARER =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.SECRETbearerSignature01';
export const BEARER_2 =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbjIifQ.SECRETbearerSignature02';
export const REGISTER_TOKEN = 'mlp_reg_SECRET-register-0123456789abcdef';
export const NEW_REFRESH_TOKEN = 'mlp_rt_SECRET-minted-fedcba9876543210';

export const TOKEN_INFO = {
  id: '0b6c2f4e-3a8e-4a43-9a43-2b1f0cde1f11',
  name: 'alice',
  type: 'ADMIN',
  issuer_name: 'console',
  created_at: '2026-01-01T00:00:00Z',
  exp: null
};

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** An API error body. */
export function apiError(
  status: number,
  errorCode: string,
  field: string
): string {
  return JSON.stringify({ status, errorCode, errorParams: { field } });
}

export const SCOPE_FIELD =
  "Token scopes ['ml-platform:Use'] does not contain the following scopes: ['ml-platform:Manage']";

/**
 * A MockAgent, the `fetch` that goes through it, and a log of requests.
 */
export interface IMockApi {
  agent: MockAgent;
  pool: Interceptable;
  fetch: typeof fetch;
  /** `METHOD path` of every request sent, in order. */
  requests: string[];
  /** Number of requests sent as `METHOD path`. */
  count(request: string): number;
}

export function mockApi(): IMockApi {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const requests: string[] = [];
  const wrapped = (input: unknown, init?: unknown): Promise<unknown> => {
    const options = (init ?? {}) as UndiciRequestInit;
    requests.push(
      `${options.method ?? 'GET'} ${new URL(String(input)).pathname}`
    );
    return undiciFetch(String(input), { ...options, dispatcher: agent });
  };
  return {
    agent,
    pool: agent.get(ORIGIN),
    fetch: wrapped as unknown as typeof fetch,
    requests,
    count: request => requests.filter(r => r === request).length
  };
}

/** Intercept `POST /auth/refresh` and answer with `bearer`. */
export function replyBearer(
  api: IMockApi,
  bearer = BEARER,
  expiresIn = 300,
  times = 1
): void {
  api.pool
    .intercept({ path: '/auth/refresh', method: 'POST' })
    .reply(
      200,
      { access_token: bearer, token_type: 'Bearer', expires_in: expiresIn },
      { headers: JSON_HEADERS }
    )
    .times(times);
}

/** A sleep that records its waits and returns at once (unless aborted). */
export function recordingSleep(): {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  waits: number[];
} {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      waits.push(ms);
      if (signal?.aborted) {
        throw new Error('aborted');
      }
    }
  };
}

/** A client over the mock API with small, test-friendly settings. */
export function makeClient(
  api: IMockApi,
  options: Partial<IMLPlatformClientOptions> = {}
): MLPlatformClient {
  return new MLPlatformClient({
    baseUrl: ORIGIN,
    refreshToken: REFRESH_TOKEN,
    fetch: api.fetch,
    timeoutMs: 1000,
    retryBaseDelayMs: 1,
    random: () => 0.5,
    ...options
  });
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the call to fail');
}

/**
 * Every way an error can be shown or logged: JSON, string, inspection with
 * hidden properties and its cause chain, stack.
 */
export function renderError(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [
    JSON.stringify(error),
    String(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    e.stack ?? '',
    e.cause === undefined
      ? ''
      : inspect(e.cause, { depth: Infinity, showHidden: true }),
    JSON.stringify(
      Object.getOwnPropertyNames(error).map(
        k => (error as Record<string, unknown>)[k]
      )
    )
  ].join('\n');
}

/** Fail if any secret appears in any rendering of `error`. */
export function expectNoSecrets(
  error: unknown,
  secrets: readonly string[] = [
    REFRESH_TOKEN,
    BEARER,
    BEARER_2,
    REGISTER_TOKEN,
    NEW_REFRESH_TOKEN
  ]
): void {
  const text = renderError(error);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
  }
  // The distinctive part of every test secret, in case a value was cut.
  expect(text).not.toContain('SECRET');
}
