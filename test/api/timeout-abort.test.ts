/** @jest-environment node */

import {
  AbortError,
  MLPlatformClient,
  NetworkError,
  TimeoutError
} from '../../src/api';
import { Deadlines } from '../../src/api/deadlines';
import {
  expectNoSecrets,
  type IMockApi,
  JSON_HEADERS,
  makeClient,
  mockApi,
  ORIGIN,
  REFRESH_TOKEN,
  REGISTER_TOKEN,
  rejectionOf,
  replyBearer,
  TOKEN_INFO
} from './helpers';

describe('timeouts', () => {
  let api: IMockApi;

  beforeEach(() => {
    api = mockApi();
  });

  afterEach(async () => {
    await api.agent.close();
  });

  it('a slow answer → TimeoutError once every try timed out', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS })
      .delay(1000)
      .times(3);
    const started = Date.now();
    const error = await rejectionOf(
      makeClient(api, { timeoutMs: 40 }).whoAmI()
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(40);
    expect(api.count('GET /tokens/me')).toBe(3);
    expect(Date.now() - started).toBeLessThan(900);
    expectNoSecrets(error);
  });

  it('the exchange times out too', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(200, {})
      .delay(1000);
    const error = await rejectionOf(
      makeClient(api, { timeoutMs: 30, maxTries: 1 }).whoAmI()
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expectNoSecrets(error);
  });

  it('a body that stalls times out', async () => {
    const stalled: typeof fetch = async input => {
      if (String(input).endsWith('/auth/refresh')) {
        return new Response(
          JSON.stringify({
            access_token: 'bearer-value',
            token_type: 'Bearer',
            expires_in: 300
          })
        );
      }
      // Headers arrive, the body never ends.
      return new Response(new ReadableStream({ start: () => undefined }));
    };
    const client = new MLPlatformClient({
      baseUrl: ORIGIN,
      refreshToken: REFRESH_TOKEN,
      fetch: stalled,
      timeoutMs: 30,
      maxTries: 1
    });
    expect(await rejectionOf(client.whoAmI())).toBeInstanceOf(TimeoutError);
  });

  it('a fetch that ignores the signal still times out', async () => {
    const deaf: typeof fetch = () => new Promise<Response>(() => undefined);
    const client = new MLPlatformClient({
      baseUrl: ORIGIN,
      refreshToken: REFRESH_TOKEN,
      fetch: deaf,
      timeoutMs: 20,
      maxTries: 2,
      retryBaseDelayMs: 1
    });
    expect(await rejectionOf(client.whoAmI())).toBeInstanceOf(TimeoutError);
  });

  it('a connection dropped mid-body → NetworkError', async () => {
    const dropping: typeof fetch = async input => {
      if (String(input).endsWith('/auth/refresh')) {
        return new Response(
          JSON.stringify({
            access_token: 'bearer-value',
            token_type: 'Bearer',
            expires_in: 300
          })
        );
      }
      return new Response(
        new ReadableStream({
          start: controller => controller.error(new TypeError('terminated'))
        })
      );
    };
    const client = new MLPlatformClient({
      baseUrl: ORIGIN,
      refreshToken: REFRESH_TOKEN,
      fetch: dropping,
      maxTries: 1
    });
    const error = await rejectionOf(client.whoAmI());
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error & { cause?: Error }).cause?.message).toBe(
      'terminated'
    );
  });
});

describe('abort', () => {
  let api: IMockApi;

  beforeEach(() => {
    api = mockApi();
  });

  afterEach(async () => {
    await api.agent.close();
  });

  it('before the request → AbortError, nothing sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const client = makeClient(api);
    for (const call of [
      client.whoAmI({ signal: controller.signal }),
      client.listProjectTokens({ signal: controller.signal }),
      client.deleteToken('bob', { signal: controller.signal }),
      client.createRegistrationToken(
        { clientName: 'bob', role: 'USER', accessTtl: '1h' },
        { signal: controller.signal }
      ),
      client.redeemRegistrationToken(REGISTER_TOKEN, {
        signal: controller.signal
      })
    ]) {
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(AbortError);
      expectNoSecrets(error);
    }
    expect(api.requests).toEqual([]);
  });

  it('during the request → AbortError at once, no retry', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS })
      .delay(2000)
      .times(3);
    const controller = new AbortController();
    const client = makeClient(api, { timeoutMs: 5000 });
    const call = client.whoAmI({ signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    const error = await rejectionOf(call);
    expect(error).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(api.count('GET /tokens/me')).toBe(1);
    expectNoSecrets(error);
  });

  it('during the backoff wait → AbortError at once', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(503, 'unavailable', { headers: { 'retry-after': '5' } })
      .times(3);
    const controller = new AbortController();
    const client = makeClient(api);
    const call = client.whoAmI({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await rejectionOf(call);
    expect(error).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(api.count('GET /tokens/me')).toBe(1);
  });

  it('an injected sleep that ignores the signal still stops the retries', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(503, 'unavailable')
      .times(3);
    const controller = new AbortController();
    const client = makeClient(api, {
      sleep: async () => controller.abort()
    });
    const error = await rejectionOf(
      client.whoAmI({ signal: controller.signal })
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(api.count('GET /tokens/me')).toBe(1);
  });

  it('while waiting for a shared exchange → only that caller stops', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(
        200,
        { access_token: 'bearer-value', token_type: 'Bearer', expires_in: 300 },
        { headers: JSON_HEADERS }
      )
      .delay(100);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS });
    const controller = new AbortController();
    const client = makeClient(api);
    const aborted = client.whoAmI({ signal: controller.signal });
    const patient = client.whoAmI();
    setTimeout(() => controller.abort(), 10);
    expect(await rejectionOf(aborted)).toBeInstanceOf(AbortError);
    await expect(patient).resolves.toEqual(TOKEN_INFO);
    expect(api.count('POST /auth/refresh')).toBe(1);
    expect(api.count('GET /tokens/me')).toBe(1);
  });
});

describe('Deadlines', () => {
  const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

  it('fires each deadline once, earliest first, and never a removed one', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.add(60, () => fired.push('late'));
    const removed = deadlines.add(20, () => fired.push('removed'));
    deadlines.add(10, () => fired.push('early'));
    deadlines.remove(removed);
    await wait(100);
    expect(fired).toEqual(['early', 'late']);
  });

  it('serves many sequential deadlines with one timer', () => {
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      const deadlines = new Deadlines();
      for (let i = 0; i < 100; i++) {
        deadlines.remove(deadlines.add(15_000, () => undefined));
      }
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
