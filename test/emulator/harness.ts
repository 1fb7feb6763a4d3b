/**
 * Helpers for emulator tests: a started emulator with a temporary data file, and raw HTTP calls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { fetch } from 'undici';

import {
  type IEmulator,
  type IEmulatorOptions,
  startEmulator
} from '../../emulator/src';
import type { components } from '../../src/api/schema';

export type TokenInfo = components['schemas']['TokenInfo'];
export type TokenList = components['schemas']['TokenList'];
export type BearerResponse = components['schemas']['BearerResponse'];
export type RegisterToken = components['schemas']['RegisterToken'];
export type RedeemResponse = components['schemas']['RedeemResponse'];
export type ErrorBody = components['schemas']['Error'];

export interface ITestEmulator {
  /** The running emulator; a test that restarts it assigns the new one here. */
  emulator: IEmulator;
  dir: string;
  dataFile: string;
  /** Close the emulator and remove its folder. */
  dispose(): Promise<void>;
}

export async function startTestEmulator(
  options: IEmulatorOptions = {}
): Promise<ITestEmulator> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-emulator-'));
  const dataFile = path.join(dir, 'state.json');
  const started: ITestEmulator = {
    emulator: await startEmulator({ port: 0, dataFile, ...options }),
    dir,
    dataFile,
    // Closes whichever emulator `emulator` holds by then (tests restart it on the same file).
    dispose: async () => {
      await started.emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  };
  return started;
}

export interface ICallOptions {
  bearer?: string;
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface ICallResult<T = Record<string, unknown>> {
  status: number;
  headers: IHeaders;
  text: string;
  /** The parsed body, typed as the caller expects it; undefined when empty or not JSON. */
  body: T;
}

export interface IHeaders {
  get(name: string): string | null;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: ICallOptions = {}
): Promise<ICallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer !== undefined) {
    headers.Authorization = `Bearer ${options.bearer}`;
  }
  let body: string | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(baseUrl + urlPath, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: parsed as T
  };
}

/** Trade an access token for a bearer; fails the test if that does not work. */
export async function bearerFor(
  baseUrl: string,
  refreshToken: string
): Promise<string> {
  const result = await call<BearerResponse>(baseUrl, 'POST', '/auth/refresh', {
    json: { refresh_token: refreshToken }
  });
  if (result.status !== 200) {
    throw new Error(
      `POST /auth/refresh answered ${result.status}: ${result.text}`
    );
  }
  return result.body.access_token;
}

/** Create a registration token as `adminBearer`; returns the raw result. */
export function createRegisterToken(
  baseUrl: string,
  adminBearer: string,
  body: Record<string, unknown>
): Promise<ICallResult<RegisterToken>> {
  return call(baseUrl, 'POST', '/register-tokens', {
    bearer: adminBearer,
    json: body
  });
}

/** Redeem a registration token; returns the raw result. */
export function redeem(
  baseUrl: string,
  registerToken: string
): Promise<ICallResult<RedeemResponse>> {
  return call(baseUrl, 'POST', '/register-tokens/redeem', {
    json: { register_token: registerToken }
  });
}

const ERROR_CODES: Record<number, string> = {
  400: 'BadRequestException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  405: 'MethodNotAllowedException',
  409: 'ConflictException',
  429: 'TooManyRequestsException',
  503: 'ServiceUnavailableException'
};

/** The standard error body (`{status, errorCode, errorParams: {field}}`) for a status and field. */
export function expectError(
  result: ICallResult<unknown>,
  status: number,
  field: string
): void {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toMatch(/^application\/json/);
  expect(result.body).toEqual({
    status,
    errorCode: ERROR_CODES[status] ?? expect.any(String),
    errorParams: expect.objectContaining({ field })
  });
}

export const FORBIDDEN = 'Forbidden';
export const MISSING_MANAGE =
  "Token scopes ['ml-platform:Use'] does not contain the following scopes: ['ml-platform:Manage']";
