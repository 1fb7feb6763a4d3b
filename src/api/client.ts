/**
 * The typed ML Platform client: the only code that speaks the API.
 */

import { BearerCache, type IExchangedBearer } from './bearer';
import { ValidationError } from './errors';
import {
  errorFromResponse,
  type IHttpResult,
  isSuccess,
  parseJson,
  type RefusedSecret,
  refusesBearer
} from './response';
import { defaultSleep, type SleepFn } from './retry';
import {
  asBearerResponse,
  asMintedToken,
  asRegisterToken,
  asTokenInfo,
  asTokenList
} from './shape';
import type { IPlatformClient } from '../tokens';
import { Transport, type ITransportRequest } from './transport';
import type {
  CreateRegisterTokenRequest,
  IMintedToken,
  RegisterToken,
  TokenInfo,
  TokenType
} from './types';
import {
  type TtlInput,
  validateTokenName,
  validateTokenType,
  validateTokenValue,
  validateTtl
} from './validate';

/** Every field of `T`, the optional ones present too (maybe undefined). */
type AllFields<T> = { [K in keyof Required<T>]: T[K] };

/** Default time allowed to one request attempt. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Default attempts of a retried request, the first included. */
export const DEFAULT_MAX_TRIES = 3;
/** Default delay before the first retry (then doubled, with jitter). */
export const DEFAULT_RETRY_BASE_DELAY_MS = 300;
/** Default longest wait between attempts; a longer `Retry-After` is not waited for. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;

/**
 * Settings of an `MLPlatformClient`.
 */
export interface IMLPlatformClientOptions {
  /** API root, e.g. the emulator's URL or `<base>/mlplatform-tokens/upstream`. */
  baseUrl: string;
  /**
   * The access (refresh) token, or a function returning it, called at each
   * exchange for a bearer (e.g. to read it from the server vault on demand).
   */
  refreshToken?: string | (() => Promise<string>);
  /** The `fetch` to use (the page's, a Jupyter wrapper, or undici's in Node). */
  fetch: typeof fetch;
  /** Header that carries `Bearer <jwt>` (default `Authorization`). */
  authorizationHeader?: string;
  /** Time allowed to one request attempt in ms (default 15 000). */
  timeoutMs?: number;
  /** Attempts of a retried request, the first included (default 3). */
  maxTries?: number;
  /** Backoff base in ms (default 300): waits of ~base, ~2·base, … with jitter. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts in ms (default 10 000); a longer `Retry-After` ends the retries. */
  maxRetryDelayMs?: number;
  /** Sleep between attempts; must reject or return early when `signal` aborts. */
  sleep?: SleepFn;
  /** Clock in ms (default `Date.now`), for bearer expiry and `Retry-After` dates. */
  now?: () => number;
  /** Random number in [0, 1) for jitter (default `Math.random`). */
  random?: () => number;
}

/**
 * Per-call options.
 */
export interface IRequestOptions {
  /** Aborts the call, including any pending retry wait. */
  signal?: AbortSignal;
}

/**
 * What an administrator fixes when creating a registration token.
 */
export interface IRegistrationTokenRequest {
  /** Name of the access token that redeeming will mint. */
  clientName: string;
  /** Role of that access token. */
  role: TokenType;
  /** How long the registration token stays redeemable (`2h45m30s` or seconds). */
  accessTtl: TtlInput;
  /** Lifetime of the minted access token; omitted or null: never expires. */
  refreshTtl?: TtlInput | null;
}

/**
 * Client of the ML Platform token API over an injected `fetch`.
 *
 * Authenticated calls trade the access token for a bearer at
 * `POST /auth/refresh`, reuse it until shortly before it expires, and share
 * one exchange among concurrent callers. A refused bearer (401, or a 403
 * `Forbidden` on a cached bearer) is traded again once and the call repeated
 * once. Idempotent calls (GET, DELETE, and the exchange itself) are retried
 * on 429/502/503/504, timeouts and network failures; creating calls never are.
 */
export class MLPlatformClient implements IPlatformClient {
  constructor(options: IMLPlatformClientOptions) {
    this._refreshToken = options.refreshToken;
    this._authorizationHeader = options.authorizationHeader ?? 'Authorization';
    const now = options.now ?? Date.now;
    this._transport = new Transport({
      baseUrl: options.baseUrl,
      fetch: options.fetch,
      timeoutMs: Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      maxTries: Math.max(1, Math.floor(options.maxTries ?? DEFAULT_MAX_TRIES)),
      backoff: {
        baseDelayMs: Math.max(
          0,
          options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS
        ),
        maxDelayMs: Math.max(
          0,
          options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS
        ),
        random: options.random ?? Math.random
      },
      sleep: options.sleep ?? defaultSleep,
      now
    });
    this._bearer = new BearerCache(() => this._exchange(), now);
  }

  /**
   * Check a pasted access token: describe it with a client built for it.
   *
   * @throws ValidationError for a malformed value, TokenRejectedError when
   *   the platform refuses it.
   */
  static async verifyToken(
    options: Omit<IMLPlatformClientOptions, 'refreshToken'>,
    token: string,
    request: IRequestOptions = {}
  ): Promise<TokenInfo> {
    validateTokenValue(token, 'refresh_token');
    return new MLPlatformClient({ ...options, refreshToken: token }).whoAmI(
      request
    );
  }

  /**
   * Describe the access token in use (`GET /tokens/me`).
   */
  async whoAmI(request: IRequestOptions = {}): Promise<TokenInfo> {
    const result = await this._authorized({
      method: 'GET',
      path: '/tokens/me',
      retry: true,
      signal: request.signal
    });
    return asTokenInfo(parseJson(result));
  }

  /**
   * List the project's access tokens (`GET /tokens`, administrators only).
   */
  async listProjectTokens(request: IRequestOptions = {}): Promise<TokenInfo[]> {
    const result = await this._authorized({
      method: 'GET',
      path: '/tokens',
      retry: true,
      signal: request.signal
    });
    return asTokenList(parseJson(result)).tokens;
  }

  /**
   * Delete an access token by name (`DELETE /tokens/{name}`, administrators only).
   */
  async deleteToken(
    name: string,
    request: IRequestOptions = {}
  ): Promise<void> {
    validateTokenName(name, 'name');
    const result = await this._authorized({
      method: 'DELETE',
      path: `/tokens/${encodeURIComponent(name)}`,
      retry: true,
      signal: request.signal
    });
    // A success carries no body (204); anything else that does not parse
    // is not an answer we can trust the deletion from.
    if (result.text.trim() !== '') {
      parseJson(result);
    }
  }

  /**
   * Create a single-use registration token (`POST /register-tokens`,
   * administrators only). Never retried: a repeat could mint a second one.
   */
  async createRegistrationToken(
    input: IRegistrationTokenRequest,
    request: IRequestOptions = {}
  ): Promise<RegisterToken> {
    const body: CreateRegisterTokenRequest = {
      client_name: validateTokenName(input.clientName, 'client_name'),
      access_ttl: validateTtl(input.accessTtl, 'access_ttl'),
      token_type: validateTokenType(input.role, 'token_type')
    };
    if (input.refreshTtl !== undefined && input.refreshTtl !== null) {
      body.refresh_ttl = validateTtl(input.refreshTtl, 'refresh_ttl');
    }
    const result = await this._authorized({
      method: 'POST',
      path: '/register-tokens',
      body,
      retry: false,
      signal: request.signal
    });
    return asRegisterToken(parseJson(result));
  }

  /**
   * Redeem a registration token for a new access token
   * (`POST /register-tokens/redeem`, no authentication). Never retried.
   *
   * Only the new token's value is checked: once the platform has minted
   * it, an answer that describes it differently from the contract still
   * gives it (see `IMintedToken`).
   */
  async redeemRegistrationToken(
    value: string,
    request: IRequestOptions = {}
  ): Promise<IMintedToken> {
    validateTokenValue(value, 'register_token');
    const secrets = this._secrets([value]);
    const result = await this._transport.send({
      method: 'POST',
      path: '/register-tokens/redeem',
      body: { register_token: value },
      retry: false,
      secrets,
      signal: request.signal
    });
    this._throwUnlessSuccess(result, secrets, 'registration-token');
    return asMintedToken(parseJson(result));
  }

  /**
   * Forget the cached bearer, e.g. after the access token behind a
   * `refreshToken` function changed.
   */
  forgetBearer(): void {
    this._bearer.clear();
  }

  /**
   * Send an authenticated request; on a refused bearer trade again once and
   * repeat once. Returns the successful answer, throws a typed error otherwise.
   */
  private async _authorized(
    request: Omit<ITransportRequest, 'headers' | 'secrets'>
  ): Promise<IHttpResult> {
    let lease = this._bearer.peek() ?? (await this._bearer.get(request.signal));
    let secrets = this._secrets([lease.value]);
    let result = await this._withBearer(request, lease.value, secrets);
    if (
      result.status === 401 ||
      (lease.fromCache && refusesBearer(result, secrets))
    ) {
      this._bearer.invalidate(lease.value);
      lease = await this._bearer.get(request.signal);
      secrets = this._secrets([lease.value]);
      result = await this._withBearer(request, lease.value, secrets);
    }
    this._throwUnlessSuccess(result, secrets, 'access-token');
    return result;
  }

  private _withBearer(
    request: Omit<ITransportRequest, 'headers' | 'secrets'>,
    bearer: string,
    secrets: readonly string[]
  ): Promise<IHttpResult> {
    const headers: Record<string, string> = {};
    headers[this._authorizationHeader] = `Bearer ${bearer}`;
    // Built field by field (a spread here is a measurable share of a call);
    // typed so that a field added to the request fails to compile until it
    // is passed on here.
    const sent: AllFields<ITransportRequest> = {
      method: request.method,
      path: request.path,
      body: request.body,
      retry: request.retry,
      signal: request.signal,
      headers,
      secrets
    };
    return this._transport.send(sent);
  }

  /** Trade the access token for a bearer (`POST /auth/refresh`). */
  private async _exchange(): Promise<IExchangedBearer> {
    const token = validateTokenValue(
      await this._refreshTokenValue(),
      'refresh_token'
    );
    this._lastRefreshToken = token;
    const secrets = this._secrets([]);
    // Retried like an idempotent request: a bearer is stateless and short-lived.
    const result = await this._transport.send({
      method: 'POST',
      path: '/auth/refresh',
      body: { refresh_token: token },
      retry: true,
      secrets
    });
    this._throwUnlessSuccess(result, secrets, 'access-token');
    const bearer = asBearerResponse(parseJson(result));
    return { value: bearer.access_token, expiresIn: bearer.expires_in };
  }

  private async _refreshTokenValue(): Promise<string> {
    const source = this._refreshToken;
    const value = typeof source === 'function' ? await source() : source;
    if (value === undefined || value === '') {
      throw new ValidationError('An access token is needed for this call', {
        field: 'refresh_token',
        code: 'MissingToken'
      });
    }
    return value;
  }

  /** Every secret this call could leak: the access token and `extra`. */
  private _secrets(extra: readonly string[]): readonly string[] {
    const secrets = [...extra];
    if (this._lastRefreshToken) {
      secrets.push(this._lastRefreshToken);
    }
    if (typeof this._refreshToken === 'string') {
      secrets.push(this._refreshToken);
    }
    return secrets;
  }

  private _throwUnlessSuccess(
    result: IHttpResult,
    secrets: readonly string[],
    refused: RefusedSecret
  ): void {
    if (!isSuccess(result.status)) {
      throw errorFromResponse(result, secrets, refused);
    }
  }

  private readonly _refreshToken: IMLPlatformClientOptions['refreshToken'];
  private readonly _authorizationHeader: string;
  private readonly _transport: Transport;
  private readonly _bearer: BearerCache;
  private _lastRefreshToken: string | undefined;
}
