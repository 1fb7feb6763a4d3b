/** @jest-environment node */

import {
  MLPlatformClient,
  PermissionDeniedError,
  TokenRejectedError
} from '../../src/api';
import { bearerUsableMs } from '../../src/api/bearer';
import {
  apiError,
  BEARER,
  BEARER_2,
  expectNoSecrets,
  type IMockApi,
  JSON_HEADERS,
  makeClient,
  mockApi,
  REFRESH_TOKEN,
  rejectionOf,
  replyBearer,
  SCOPE_FIELD,
  TOKEN_INFO
} from './helpers';

/** Header `name` of a request seen by a MockAgent reply callback. */
function header(
  headers: Headers | Record<string, string> | undefined,
  name: string
): string | undefined {
  if (!headers) {
    return undefined;
  }
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const entry = Object.entries(headers).find(
    ([key]) => key.toLowerCase() === name.toLowerCase()
  );
  return entry?.[1];
}

describe('bearer exchange', () => {
  let api: IMockApi;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    api = mockApi();
    clock = Date.parse('2026-03-01T10:00:00Z');
  });

  afterEach(async () => {
    await api.agent.close();
  });

  /** Answer `GET /tokens/me` `times` times, recording the Authorization header. */
  function replyMe(times: number, seen: string[] = [], name = 'authorization') {
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(opts => {
        seen.push(header(opts.headers, name) ?? '');
        return {
          statusCode: 200,
          data: TOKEN_INFO,
          responseOptions: { headers: JSON_HEADERS }
        };
      })
      .times(times);
    return seen;
  }

  it('trades the access token, sent in the body, for a bearer', async () => {
    let body = '';
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(opts => {
        body = String(opts.body);
        return {
          statusCode: 200,
          data: { access_token: BEARER, token_type: 'Bearer', expires_in: 300 },
          responseOptions: { headers: JSON_HEADERS }
        };
      });
    const seen = replyMe(1);
    await makeClient(api).whoAmI();
    expect(JSON.parse(body)).toEqual({ refresh_token: REFRESH_TOKEN });
    expect(seen).toEqual([`Bearer ${BEARER}`]);
  });

  it('50 concurrent calls share exactly one exchange', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(
        200,
        { access_token: BEARER, token_type: 'Bearer', expires_in: 300 },
        { headers: JSON_HEADERS }
      )
      .delay(20)
      .times(50);
    const seen = replyMe(50);
    const client = makeClient(api, { now });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.whoAmI())
    );
    expect(results).toHaveLength(50);
    expect(api.count('POST /auth/refresh')).toBe(1);
    expect(api.count('GET /tokens/me')).toBe(50);
    expect(new Set(seen)).toEqual(new Set([`Bearer ${BEARER}`]));
  });

  it('reuses the bearer until shortly before it expires', async () => {
    replyBearer(api, BEARER, 300);
    replyBearer(api, BEARER_2, 300);
    const seen = replyMe(4);
    const client = makeClient(api, { now });
    await client.whoAmI();
    clock += 200_000;
    await client.whoAmI();
    // 300 s lifetime, 30 s margin: still used at 269.999 s ...
    clock += 69_999;
    await client.whoAmI();
    expect(api.count('POST /auth/refresh')).toBe(1);
    // ... and replaced at 270 s.
    clock += 1;
    await client.whoAmI();
    expect(api.count('POST /auth/refresh')).toBe(2);
    expect(seen).toEqual([
      `Bearer ${BEARER}`,
      `Bearer ${BEARER}`,
      `Bearer ${BEARER}`,
      `Bearer ${BEARER_2}`
    ]);
  });

  it('keeps a 10 % margin for short-lived bearers', () => {
    expect(bearerUsableMs(300)).toBe(270_000);
    expect(bearerUsableMs(60)).toBe(54_000);
    expect(bearerUsableMs(1)).toBe(900);
    expect(bearerUsableMs(3600)).toBe(3_570_000);
  });

  it('a 60 s bearer is replaced after 54 s', async () => {
    replyBearer(api, BEARER, 60);
    replyBearer(api, BEARER_2, 60);
    replyMe(3);
    const client = makeClient(api, { now });
    await client.whoAmI();
    clock += 53_999;
    await client.whoAmI();
    expect(api.count('POST /auth/refresh')).toBe(1);
    clock += 1;
    await client.whoAmI();
    expect(api.count('POST /auth/refresh')).toBe(2);
  });

  it('1,000 sequential calls within a lifetime make one exchange', async () => {
    replyBearer(api, BEARER, 300);
    replyMe(1000);
    const client = makeClient(api, { now });
    for (let i = 0; i < 1000; i++) {
      await client.whoAmI();
      clock += 100; // 100 s in all: well inside the lifetime
    }
    expect(api.count('POST /auth/refresh')).toBe(1);
  });

  it('a 401 on a cached bearer → one new exchange and one repeat', async () => {
    replyBearer(api, BEARER);
    replyBearer(api, BEARER_2);
    const seen = replyMe(1);
    api.pool.intercept({ path: '/tokens/me', method: 'GET' }).reply(opts => {
      seen.push(header(opts.headers, 'authorization') ?? '');
      return {
        statusCode: 401,
        data: apiError(401, 'UnauthorizedException', 'Unauthorized')
      };
    });
    replyMe(1, seen);
    const client = makeClient(api, { now });
    await client.whoAmI();
    await expect(client.whoAmI()).resolves.toEqual(TOKEN_INFO);
    expect(api.count('POST /auth/refresh')).toBe(2);
    expect(seen).toEqual([
      `Bearer ${BEARER}`,
      `Bearer ${BEARER}`,
      `Bearer ${BEARER_2}`
    ]);
  });

  it('a 401 on a fresh bearer is also answered by one new exchange', async () => {
    replyBearer(api, BEARER);
    replyBearer(api, BEARER_2);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(401, apiError(401, 'UnauthorizedException', 'Unauthorized'));
    replyMe(1);
    await expect(makeClient(api).whoAmI()).resolves.toEqual(TOKEN_INFO);
    expect(api.count('POST /auth/refresh')).toBe(2);
    expect(api.count('GET /tokens/me')).toBe(2);
  });

  it('a second 401 → TokenRejectedError, no third try', async () => {
    replyBearer(api, BEARER);
    replyBearer(api, BEARER_2);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(401, apiError(401, 'UnauthorizedException', 'Unauthorized'))
      .times(3);
    const error = await rejectionOf(makeClient(api).whoAmI());
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(api.count('POST /auth/refresh')).toBe(2);
    expect(api.count('GET /tokens/me')).toBe(2);
    expectNoSecrets(error);
  });

  it('a 403 Forbidden on a cached bearer → re-exchange; refused → TokenRejectedError', async () => {
    replyBearer(api, BEARER);
    replyMe(1);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(403, apiError(403, 'ForbiddenException', 'Forbidden'));
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(403, apiError(403, 'ForbiddenException', 'Forbidden'));
    const client = makeClient(api, { now });
    await client.whoAmI();
    const error = await rejectionOf(client.whoAmI());
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(api.requests).toEqual([
      'POST /auth/refresh',
      'GET /tokens/me',
      'GET /tokens/me',
      'POST /auth/refresh'
    ]);
    expectNoSecrets(error);
  });

  it('a 403 Forbidden on a cached bearer → re-exchange; accepted → the call succeeds', async () => {
    replyBearer(api, BEARER);
    replyMe(1);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(403, apiError(403, 'ForbiddenException', 'Forbidden'));
    replyBearer(api, BEARER_2);
    const seen = replyMe(1);
    const client = makeClient(api, { now });
    await client.whoAmI();
    await expect(client.whoAmI()).resolves.toEqual(TOKEN_INFO);
    expect(seen).toEqual([`Bearer ${BEARER_2}`]);
  });

  it('a missing scope is never answered by a new exchange', async () => {
    replyBearer(api, BEARER);
    replyMe(1);
    api.pool
      .intercept({ path: '/tokens', method: 'GET' })
      .reply(403, apiError(403, 'ForbiddenException', SCOPE_FIELD));
    const client = makeClient(api, { now });
    await client.whoAmI();
    const error = await rejectionOf(client.listProjectTokens());
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(api.count('POST /auth/refresh')).toBe(1);
    expect(api.count('GET /tokens')).toBe(1);
  });

  it('50 concurrent calls refused with 401 share one re-exchange', async () => {
    replyBearer(api, BEARER);
    replyMe(1);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(401, apiError(401, 'UnauthorizedException', 'Unauthorized'))
      .times(50);
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(
        200,
        { access_token: BEARER_2, token_type: 'Bearer', expires_in: 300 },
        { headers: JSON_HEADERS }
      )
      .times(50);
    const seen = replyMe(50);
    const client = makeClient(api, { now });
    await client.whoAmI();
    await Promise.all(Array.from({ length: 50 }, () => client.whoAmI()));
    expect(api.count('POST /auth/refresh')).toBe(2);
    expect(new Set(seen)).toEqual(new Set([`Bearer ${BEARER_2}`]));
  });

  it('a refused exchange is not cached: the next call tries again', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(403, apiError(403, 'ForbiddenException', 'Forbidden'));
    replyBearer(api, BEARER);
    replyMe(1);
    const client = makeClient(api, { now });
    expect(await rejectionOf(client.whoAmI())).toBeInstanceOf(
      TokenRejectedError
    );
    await expect(client.whoAmI()).resolves.toEqual(TOKEN_INFO);
  });

  it('sends the bearer in the configured header', async () => {
    replyBearer(api);
    const seen = replyMe(1, [], 'x-mlplatform-authorization');
    await makeClient(api, {
      authorizationHeader: 'X-MLPlatform-Authorization'
    }).whoAmI();
    expect(seen).toEqual([`Bearer ${BEARER}`]);
  });

  it('reads the access token from a function at each exchange', async () => {
    const bodies: string[] = [];
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(opts => {
        bodies.push(JSON.parse(String(opts.body)).refresh_token);
        return {
          statusCode: 200,
          data: { access_token: BEARER, token_type: 'Bearer', expires_in: 300 },
          responseOptions: { headers: JSON_HEADERS }
        };
      })
      .times(2);
    replyMe(3);
    let current = 'mlp_rt_first';
    const source = jest.fn(async () => current);
    const client = makeClient(api, { now, refreshToken: source });
    await client.whoAmI();
    await client.whoAmI();
    expect(source).toHaveBeenCalledTimes(1);
    current = 'mlp_rt_second';
    client.forgetBearer();
    await client.whoAmI();
    expect(bodies).toEqual(['mlp_rt_first', 'mlp_rt_second']);
  });

  it('verifyToken describes a pasted token', async () => {
    replyBearer(api);
    replyMe(1);
    await expect(
      MLPlatformClient.verifyToken(
        { baseUrl: 'http://mlp.test/', fetch: api.fetch },
        REFRESH_TOKEN
      )
    ).resolves.toEqual(TOKEN_INFO);
  });
});
