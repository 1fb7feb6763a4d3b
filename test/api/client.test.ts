/** @jest-environment node */

import { MLPlatformClient } from '../../src/api';
import {
  BEARER,
  JSON_HEADERS,
  type IMockApi,
  makeClient,
  mockApi,
  NEW_REFRESH_TOKEN,
  REFRESH_TOKEN,
  REGISTER_TOKEN,
  replyBearer,
  TOKEN_INFO
} from './helpers';

interface ISeen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

describe('MLPlatformClient calls', () => {
  let api: IMockApi;

  beforeEach(() => {
    api = mockApi();
  });

  afterEach(async () => {
    await api.agent.close();
  });

  /** Answer one request and record what was sent. */
  function answer(
    method: string,
    path: string,
    status: number,
    data: object | string
  ): ISeen[] {
    const seen: ISeen[] = [];
    api.pool.intercept({ method, path }).reply(opts => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(
        (opts.headers ?? {}) as Record<string, string>
      )) {
        headers[key.toLowerCase()] = value;
      }
      seen.push({
        method: opts.method,
        path: opts.path,
        headers,
        body: opts.body ? JSON.parse(String(opts.body)) : undefined
      });
      return {
        statusCode: status,
        data,
        responseOptions: { headers: JSON_HEADERS }
      };
    });
    return seen;
  }

  it('whoAmI describes the token in use', async () => {
    replyBearer(api);
    const seen = answer('GET', '/tokens/me', 200, TOKEN_INFO);
    await expect(makeClient(api).whoAmI()).resolves.toEqual(TOKEN_INFO);
    expect(seen[0].headers).toMatchObject({
      accept: 'application/json',
      authorization: `Bearer ${BEARER}`
    });
    expect(seen[0].body).toBeUndefined();
  });

  it('listProjectTokens returns the tokens', async () => {
    replyBearer(api);
    const other = { ...TOKEN_INFO, name: 'bob', exp: '2027-01-01T00:00:00Z' };
    answer('GET', '/tokens', 200, { tokens: [TOKEN_INFO, other] });
    await expect(makeClient(api).listProjectTokens()).resolves.toEqual([
      TOKEN_INFO,
      other
    ]);
  });

  it('deleteToken sends DELETE /tokens/{name}', async () => {
    replyBearer(api);
    const seen = answer('DELETE', '/tokens/team-ml.admin_2', 204, '');
    await expect(
      makeClient(api).deleteToken('team-ml.admin_2')
    ).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it('createRegistrationToken sends the contract body', async () => {
    replyBearer(api);
    const created = {
      register_token: REGISTER_TOKEN,
      client_name: 'bob',
      token_type: 'ADMIN',
      expires_at: '2026-01-01T02:45:30Z',
      refresh_ttl: '720h'
    };
    const seen = answer('POST', '/register-tokens', 201, created);
    await expect(
      makeClient(api).createRegistrationToken({
        clientName: 'bob',
        role: 'ADMIN',
        accessTtl: '2h45m30s',
        refreshTtl: 720 * 3600
      })
    ).resolves.toEqual(created);
    expect(seen[0].body).toEqual({
      client_name: 'bob',
      access_ttl: '2h45m30s',
      token_type: 'ADMIN',
      refresh_ttl: '720h'
    });
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it('createRegistrationToken leaves out a missing access-token lifetime', async () => {
    replyBearer(api);
    const seen = answer('POST', '/register-tokens', 201, {
      register_token: REGISTER_TOKEN,
      client_name: 'bob',
      token_type: 'USER',
      expires_at: '2026-01-01T00:01:30Z',
      refresh_ttl: null
    });
    await makeClient(api).createRegistrationToken({
      clientName: 'bob',
      role: 'USER',
      accessTtl: 90,
      refreshTtl: null
    });
    expect(seen[0].body).toEqual({
      client_name: 'bob',
      access_ttl: '1m30s',
      token_type: 'USER'
    });
  });

  it('redeemRegistrationToken needs no bearer', async () => {
    const redeemed = { refresh_token: NEW_REFRESH_TOKEN, token: TOKEN_INFO };
    const seen = answer('POST', '/register-tokens/redeem', 201, redeemed);
    const client = makeClient(api, { refreshToken: undefined });
    await expect(
      client.redeemRegistrationToken(REGISTER_TOKEN)
    ).resolves.toEqual(redeemed);
    expect(seen[0].body).toEqual({ register_token: REGISTER_TOKEN });
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(api.requests).toEqual(['POST /register-tokens/redeem']);
  });

  it('appends paths to a base URL with a prefix', async () => {
    const prefixed = api.agent.get('http://jupyter.test');
    prefixed
      .intercept({
        path: '/lab/mlplatform-tokens/upstream/auth/refresh',
        method: 'POST'
      })
      .reply(
        200,
        { access_token: BEARER, token_type: 'Bearer', expires_in: 300 },
        { headers: JSON_HEADERS }
      );
    prefixed
      .intercept({
        path: '/lab/mlplatform-tokens/upstream/tokens/me',
        method: 'GET'
      })
      .reply(200, TOKEN_INFO, { headers: JSON_HEADERS });
    const client = makeClient(api, {
      baseUrl: 'http://jupyter.test/lab/mlplatform-tokens/upstream/'
    });
    await expect(client.whoAmI()).resolves.toEqual(TOKEN_INFO);
  });

  it('calls the injected fetch unbound, as window.fetch requires', async () => {
    const receivers: unknown[] = [];
    function pickyFetch(
      this: unknown,
      input: RequestInfo | URL,
      init?: RequestInit
    ): Promise<Response> {
      receivers.push(this);
      return api.fetch(input, init);
    }
    replyBearer(api);
    answer('GET', '/tokens/me', 200, TOKEN_INFO);
    const client = new MLPlatformClient({
      baseUrl: 'http://mlp.test',
      refreshToken: REFRESH_TOKEN,
      fetch: pickyFetch
    });
    await client.whoAmI();
    expect(receivers).toEqual([undefined, undefined]);
  });
});
