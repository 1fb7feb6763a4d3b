/** @jest-environment node */

import {
  ConflictError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError
} from '../../src/api';
import { parseRetryAfter, retryDelay } from '../../src/api/retry';
import {
  apiError,
  expectNoSecrets,
  type IMockApi,
  JSON_HEADERS,
  makeClient,
  mockApi,
  recordingSleep,
  REGISTER_TOKEN,
  rejectionOf,
  replyBearer,
  SCOPE_FIELD,
  TOKEN_INFO
} from './helpers';

const REDEEMED = {
  refresh_token: 'mlp_rt_SECRET-minted-fedcba9876543210',
  token: TOKEN_INFO
};
const REGISTERED = {
  register_token: REGISTER_TOKEN,
  client_name: 'bob',
  token_type: 'USER',
  expires_at: '2026-01-01T02:00:00Z',
  refresh_ttl: null
};

describe('retries', () => {
  let api: IMockApi;
  let sleeper: ReturnType<typeof recordingSleep>;

  beforeEach(() => {
    api = mockApi();
    sleeper = recordingSleep();
  });

  afterEach(async () => {
    await api.agent.close();
  });

  function client(options = {}) {
    return makeClient(api, { sleep: sleeper.sleep, ...options });
  }

  function failThenSucceed(
    path: string,
    method: string,
    status: number,
    headers: Record<string, string> = {},
    success: { status: number; body: object | string } = {
      status: 200,
      body: TOKEN_INFO
    }
  ): void {
    api.pool
      .intercept({ path, method })
      .reply(status, apiError(status, 'Exception', 'reason'), {
        headers: { ...JSON_HEADERS, ...headers }
      });
    api.pool
      .intercept({ path, method })
      .reply(success.status, success.body, { headers: JSON_HEADERS });
  }

  it.each([429, 502, 503, 504])(
    'GET is retried after %i and succeeds',
    async status => {
      replyBearer(api);
      failThenSucceed('/tokens/me', 'GET', status);
      await expect(client().whoAmI()).resolves.toEqual(TOKEN_INFO);
      expect(api.count('GET /tokens/me')).toBe(2);
      expect(sleeper.waits).toHaveLength(1);
    }
  );

  it.each([429, 502, 503, 504])(
    'DELETE is retried after %i and succeeds',
    async status => {
      replyBearer(api);
      failThenSucceed(
        '/tokens/bob',
        'DELETE',
        status,
        {},
        {
          status: 204,
          body: ''
        }
      );
      await expect(client().deleteToken('bob')).resolves.toBeUndefined();
      expect(api.count('DELETE /tokens/bob')).toBe(2);
    }
  );

  it('GET is retried after a network error', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens', method: 'GET' })
      .replyWithError(new Error('connection reset'));
    api.pool
      .intercept({ path: '/tokens', method: 'GET' })
      .reply(200, { tokens: [TOKEN_INFO] }, { headers: JSON_HEADERS });
    await expect(client().listProjectTokens()).resolves.toEqual([TOKEN_INFO]);
    expect(api.count('GET /tokens')).toBe(2);
  });

  it('GET is retried after a timeout', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS })
      .delay(500);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS });
    await expect(client({ timeoutMs: 50 }).whoAmI()).resolves.toEqual(
      TOKEN_INFO
    );
    expect(api.count('GET /tokens/me')).toBe(2);
  });

  it('stops after 3 tries in total and reports the last failure', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(503, apiError(503, 'ServiceUnavailableException', 'x'), {
        headers: JSON_HEADERS
      })
      .times(5);
    const error = await rejectionOf(client().whoAmI());
    expect(error).toBeInstanceOf(ServerError);
    expect(api.count('GET /tokens/me')).toBe(3);
    expect(sleeper.waits).toHaveLength(2);
  });

  it('stops after 3 network failures with NetworkError', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .replyWithError(new Error('connection reset'))
      .times(3);
    expect(await rejectionOf(client().whoAmI())).toBeInstanceOf(NetworkError);
    expect(api.count('GET /tokens/me')).toBe(3);
  });

  it('honours maxTries', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(502, 'bad gateway')
      .times(5);
    await rejectionOf(client({ maxTries: 5 }).whoAmI());
    expect(api.count('GET /tokens/me')).toBe(5);
  });

  it('backs off exponentially with jitter', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(502, 'bad gateway')
      .times(4);
    await rejectionOf(
      client({ maxTries: 4, retryBaseDelayMs: 100, random: () => 0.5 }).whoAmI()
    );
    // Half fixed, half random: base·2^(n-1)·(0.5 + 0.5·random).
    expect(sleeper.waits).toEqual([75, 150, 300]);
  });

  it('honours Retry-After in seconds', async () => {
    replyBearer(api);
    failThenSucceed('/tokens/me', 'GET', 429, { 'retry-after': '2' });
    await client().whoAmI();
    expect(sleeper.waits).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    replyBearer(api);
    failThenSucceed('/tokens/me', 'GET', 503, {
      'retry-after': new Date(now + 3000).toUTCString()
    });
    await client({ now: () => now }).whoAmI();
    expect(sleeper.waits).toEqual([3000]);
  });

  it('does not wait for a Retry-After beyond the cap', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(429, apiError(429, 'TooManyRequestsException', 'x'), {
        headers: { ...JSON_HEADERS, 'retry-after': '3600' }
      });
    const error = await rejectionOf(client().whoAmI());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(3600);
    expect(sleeper.waits).toEqual([]);
    expect(api.count('GET /tokens/me')).toBe(1);
  });

  it('uses the real sleep by default', async () => {
    replyBearer(api);
    failThenSucceed('/tokens/me', 'GET', 503, { 'retry-after': '0' });
    await expect(makeClient(api).whoAmI()).resolves.toEqual(TOKEN_INFO);
  });

  it.each([
    [400, 'BadRequestException', 'name', ValidationError],
    [403, 'ForbiddenException', SCOPE_FIELD, PermissionDeniedError],
    [404, 'NotFoundException', 'name', NotFoundError],
    [409, 'ConflictException', 'client_name', ConflictError],
    [500, 'InternalServerErrorException', 'x', ServerError]
  ])('never retries a %i', async (status, code, field, errorClass) => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/bob', method: 'DELETE' })
      .reply(status, apiError(status, code, field), { headers: JSON_HEADERS })
      .times(3);
    const error = await rejectionOf(client().deleteToken('bob'));
    expect(error).toBeInstanceOf(errorClass);
    expect(api.count('DELETE /tokens/bob')).toBe(1);
    expect(sleeper.waits).toEqual([]);
  });

  describe('creating requests are never retried', () => {
    const create = (c: ReturnType<typeof client>) =>
      c.createRegistrationToken({
        clientName: 'bob',
        role: 'USER',
        accessTtl: '2h'
      });
    const redeem = (c: ReturnType<typeof client>) =>
      c.redeemRegistrationToken(REGISTER_TOKEN);

    it.each([
      ['POST /register-tokens', create, 503, ServerError],
      ['POST /register-tokens', create, 429, RateLimitError],
      ['POST /register-tokens', create, 504, ServerError],
      ['POST /register-tokens/redeem', redeem, 503, ServerError],
      ['POST /register-tokens/redeem', redeem, 502, ServerError],
      ['POST /register-tokens/redeem', redeem, 429, RateLimitError]
    ] as const)('%s on %i', async (request, call, status, errorClass) => {
      replyBearer(api);
      const path = request.split(' ')[1];
      failThenSucceed(
        path,
        'POST',
        status,
        { 'retry-after': '1' },
        {
          status: 201,
          body: path.endsWith('redeem') ? REDEEMED : REGISTERED
        }
      );
      const error = await rejectionOf(call(client()));
      expect(error).toBeInstanceOf(errorClass);
      expect((error as ServerError).retryAfterSeconds).toBe(1);
      expect(api.count(request)).toBe(1);
      expect(sleeper.waits).toEqual([]);
      expectNoSecrets(error);
    });

    it.each([
      ['POST /register-tokens', create],
      ['POST /register-tokens/redeem', redeem]
    ] as const)('%s on a network error', async (request, call) => {
      replyBearer(api);
      const path = request.split(' ')[1];
      api.pool
        .intercept({ path, method: 'POST' })
        .replyWithError(new Error('connection reset'));
      const error = await rejectionOf(call(client()));
      expect(error).toBeInstanceOf(NetworkError);
      expect(api.count(request)).toBe(1);
      expectNoSecrets(error);
    });

    it('POST /register-tokens on a timeout', async () => {
      replyBearer(api);
      api.pool
        .intercept({ path: '/register-tokens', method: 'POST' })
        .reply(201, REGISTERED, { headers: JSON_HEADERS })
        .delay(500);
      const error = await rejectionOf(create(client({ timeoutMs: 30 })));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(api.count('POST /register-tokens')).toBe(1);
      expectNoSecrets(error);
    });
  });

  it('the exchange (POST /auth/refresh) is retried: it creates nothing lasting', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(503, 'unavailable', { headers: { 'retry-after': '1' } });
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS });
    await expect(client().whoAmI()).resolves.toEqual(TOKEN_INFO);
    expect(api.count('POST /auth/refresh')).toBe(2);
    expect(sleeper.waits).toEqual([1000]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');

  it.each([
    ['5', 5],
    [' 12 ', 12],
    ['0', 0],
    [new Date(now + 4500).toUTCString(), 4],
    [new Date(now - 60_000).toUTCString(), 0],
    ['soon', undefined],
    ['-3', undefined],
    ['1.5', undefined],
    [null, undefined]
  ])('reads %p as %p seconds', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});

describe('retryDelay', () => {
  const policy = { baseDelayMs: 300, maxDelayMs: 10_000, random: () => 1 };

  it('grows exponentially and stays under the cap', () => {
    expect([1, 2, 3, 10].map(n => retryDelay(n, undefined, policy))).toEqual([
      300, 600, 1200, 10_000
    ]);
  });

  it('keeps at least half of the exponential delay', () => {
    const low = { ...policy, random: () => 0 };
    expect(retryDelay(2, undefined, low)).toBe(300);
  });

  it('follows Retry-After exactly up to the cap', () => {
    expect(retryDelay(1, 10, policy)).toBe(10_000);
    expect(retryDelay(1, 11, policy)).toBeNull();
  });
});
