/** @jest-environment node */
import {
  bearerFor,
  type BearerResponse,
  call,
  expectError,
  FORBIDDEN,
  type ITestEmulator,
  MISSING_MANAGE,
  startTestEmulator,
  type TokenInfo
} from './harness';

describe('emulator: bearers, roles and lifetimes', () => {
  let t: ITestEmulator;
  let url: string;

  beforeEach(async () => {
    t = await startTestEmulator({ bearerTtlSeconds: 300 });
    url = t.emulator.url;
  });

  afterEach(async () => {
    await t.dispose();
  });

  describe('POST /auth/refresh', () => {
    it('trades an access token for a JWT-like bearer carrying the role scopes', async () => {
      const admin = await t.emulator.seedAdmin('boss');
      const result = await call<BearerResponse>(url, 'POST', '/auth/refresh', {
        json: { refresh_token: admin }
      });
      expect(result.status).toBe(200);
      expect(result.body.token_type).toBe('Bearer');
      expect(result.body.expires_in).toBe(300);
      const parts = result.body.access_token.split('.');
      expect(parts).toHaveLength(3);
      const payload = JSON.parse(
        Buffer.from(parts[1], 'base64url').toString('utf8')
      );
      expect(payload).toMatchObject({
        name: 'boss',
        type: 'ADMIN',
        scopes: ['ml-platform:Use', 'ml-platform:Manage']
      });
      expect(payload.exp - payload.iat).toBeCloseTo(300, 3);
    });

    it('gives a USER token only ml-platform:Use', async () => {
      const user = await t.emulator.mintToken({
        name: 'u1',
        token_type: 'USER'
      });
      const bearer = await bearerFor(url, user.refresh_token);
      const payload = JSON.parse(
        Buffer.from(bearer.split('.')[1], 'base64url').toString('utf8')
      );
      expect(payload.scopes).toEqual(['ml-platform:Use']);
    });

    it('answers 403 Forbidden for an unknown token', async () => {
      await t.emulator.seedAdmin();
      const result = await call(url, 'POST', '/auth/refresh', {
        json: { refresh_token: 'mlp_rt_not-a-real-token' }
      });
      expectError(result, 403, FORBIDDEN);
    });

    it('answers 400 naming refresh_token when it is missing or not a string', async () => {
      expectError(
        await call(url, 'POST', '/auth/refresh', { json: {} }),
        400,
        'refresh_token'
      );
      expectError(
        await call(url, 'POST', '/auth/refresh', {
          json: { refresh_token: 42 }
        }),
        400,
        'refresh_token'
      );
      expectError(
        await call(url, 'POST', '/auth/refresh', {
          json: { refresh_token: '' }
        }),
        400,
        'refresh_token'
      );
    });

    it('answers 400 naming body for a body that is not a JSON object', async () => {
      expectError(
        await call(url, 'POST', '/auth/refresh', { raw: '{"refresh' }),
        400,
        'body'
      );
      expectError(
        await call(url, 'POST', '/auth/refresh', { raw: '[1, 2]' }),
        400,
        'body'
      );
    });

    it('never issues a bearer that outlives its access token', async () => {
      const short = await t.emulator.mintToken({
        name: 'short',
        refresh_ttl: '1m'
      });
      const result = await call<BearerResponse>(url, 'POST', '/auth/refresh', {
        json: { refresh_token: short.refresh_token }
      });
      expect(result.status).toBe(200);
      expect(result.body.expires_in).toBeLessThanOrEqual(60);
      expect(result.body.expires_in).toBeGreaterThanOrEqual(59);
    });
  });

  describe('Authorization header', () => {
    it('answers 401 Unauthorized when it is missing', async () => {
      expectError(await call(url, 'GET', '/tokens/me'), 401, 'Unauthorized');
    });

    it('answers 401 when it is not a bearer or the bearer is garbled', async () => {
      const admin = await t.emulator.seedAdmin();
      const bearer = await bearerFor(url, admin);
      for (const header of [
        `Basic ${bearer}`,
        'Bearer',
        'Bearer not.a.jwt',
        `Bearer ${bearer}x`,
        `Bearer ${bearer.split('.').slice(0, 2).join('.')}`,
        // an access token is not a bearer
        `Bearer ${admin}`
      ]) {
        const result = await call(url, 'GET', '/tokens/me', {
          headers: { Authorization: header }
        });
        expectError(result, 401, 'Unauthorized');
      }
    });

    it('answers 401 for a bearer whose payload was altered (signature check)', async () => {
      const user = await t.emulator.mintToken({
        name: 'plain',
        token_type: 'USER'
      });
      const bearer = await bearerFor(url, user.refresh_token);
      const [header, payload, signature] = bearer.split('.');
      const claims = JSON.parse(
        Buffer.from(payload, 'base64url').toString('utf8')
      );
      claims.scopes.push('ml-platform:Manage');
      const forged = [
        header,
        Buffer.from(JSON.stringify(claims)).toString('base64url'),
        signature
      ].join('.');
      expectError(
        await call(url, 'GET', '/tokens', { bearer: forged }),
        401,
        'Unauthorized'
      );
    });
  });

  describe('bearer expiry (emulated clock)', () => {
    it('works until expires_in, then answers 401, and a new bearer works again', async () => {
      const admin = await t.emulator.seedAdmin('me');
      const bearer = await bearerFor(url, admin);

      await t.emulator.advance(299);
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );

      await t.emulator.advance(1);
      expectError(
        await call(url, 'GET', '/tokens/me', { bearer }),
        401,
        'Unauthorized'
      );

      const fresh = await bearerFor(url, admin);
      const again = await call<TokenInfo>(url, 'GET', '/tokens/me', {
        bearer: fresh
      });
      expect(again.status).toBe(200);
      expect(again.body.name).toBe('me');
    });
  });

  describe('roles and scopes', () => {
    let userBearer: string;

    beforeEach(async () => {
      const user = await t.emulator.mintToken({
        name: 'analyst',
        token_type: 'USER'
      });
      userBearer = await bearerFor(url, user.refresh_token);
    });

    it('lets a USER token ask who it is', async () => {
      const result = await call<TokenInfo>(url, 'GET', '/tokens/me', {
        bearer: userBearer
      });
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({
        name: 'analyst',
        type: 'USER',
        exp: null
      });
    });

    it.each([
      ['GET', '/tokens', undefined],
      ['DELETE', '/tokens/analyst', undefined],
      [
        'POST',
        '/register-tokens',
        { client_name: 'x', access_ttl: '1h', token_type: 'USER' }
      ]
    ])(
      'answers %s %s from a USER token with 403 naming ml-platform:Manage',
      async (method, path, json) => {
        const result = await call(url, method, path, {
          bearer: userBearer,
          json
        });
        expectError(result, 403, MISSING_MANAGE);
      }
    );

    it('checks the scope before the body (403, not 400, for a USER with a bad body)', async () => {
      const result = await call(url, 'POST', '/register-tokens', {
        bearer: userBearer,
        json: { client_name: 'bad name!' }
      });
      expectError(result, 403, MISSING_MANAGE);
    });

    it('keeps the USER token working after the refusal', async () => {
      await call(url, 'GET', '/tokens', { bearer: userBearer });
      expect(
        (await call(url, 'GET', '/tokens/me', { bearer: userBearer })).status
      ).toBe(200);
    });
  });

  describe('access-token lifetime (emulated clock)', () => {
    it('expires the token and its bearers at exp with 403 Forbidden', async () => {
      const minted = await t.emulator.mintToken({
        name: 'temp',
        refresh_ttl: '1h'
      });
      const exp = Date.parse(minted.token.exp as string);
      expect(exp - Date.parse(minted.token.created_at)).toBe(3600 * 1000);

      await t.emulator.advance(3599);
      const bearer = await bearerFor(url, minted.refresh_token);
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );

      await t.emulator.advance(1);
      expectError(
        await call(url, 'GET', '/tokens/me', { bearer }),
        403,
        FORBIDDEN
      );
      expectError(
        await call(url, 'POST', '/auth/refresh', {
          json: { refresh_token: minted.refresh_token }
        }),
        403,
        FORBIDDEN
      );
    });

    it('never expires a token without a lifetime', async () => {
      const admin = await t.emulator.seedAdmin();
      await t.emulator.advance(20 * 365 * 24 * 3600);
      const bearer = await bearerFor(url, admin);
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );
    });
  });
});
