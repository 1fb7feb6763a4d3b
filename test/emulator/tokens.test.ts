/** @jest-environment node */
import {
  bearerFor,
  call,
  expectError,
  FORBIDDEN,
  type ITestEmulator,
  startTestEmulator,
  type TokenInfo,
  type TokenList
} from './harness';

describe('emulator: project access tokens', () => {
  let t: ITestEmulator;
  let url: string;
  let adminBearer: string;

  beforeEach(async () => {
    t = await startTestEmulator();
    url = t.emulator.url;
    adminBearer = await bearerFor(url, await t.emulator.seedAdmin('root'));
  });

  afterEach(async () => {
    await t.dispose();
  });

  describe('GET /tokens', () => {
    it('lists every access token, oldest first, without values', async () => {
      await t.emulator.advance(1);
      const user = await t.emulator.mintToken({
        name: 'u',
        token_type: 'USER',
        refresh_ttl: '1h'
      });
      const result = await call<TokenList>(url, 'GET', '/tokens', {
        bearer: adminBearer
      });
      expect(result.status).toBe(200);
      expect(result.body.tokens.map(token => token.name)).toEqual([
        'root',
        'u'
      ]);
      expect(result.body.tokens[1]).toEqual(user.token);
      expect(result.text).not.toContain(user.refresh_token);
      expect(result.text).not.toContain('mlp_rt_');
    });

    it('describes tokens with RFC 3339 times and exp null for no lifetime', async () => {
      const result = await call<TokenList>(url, 'GET', '/tokens', {
        bearer: adminBearer
      });
      const [root] = result.body.tokens;
      expect(root).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'root',
        type: 'ADMIN',
        issuer_name: 'emulator',
        created_at: expect.stringMatching(
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/
        ),
        exp: null
      });
    });

    it('keeps listing expired tokens until they are deleted', async () => {
      await t.emulator.mintToken({ name: 'brief', refresh_ttl: '1s' });
      await t.emulator.advance(10);
      const fresh = await bearerFor(url, await t.emulator.seedAdmin('root2'));
      const result = await call<TokenList>(url, 'GET', '/tokens', {
        bearer: fresh
      });
      expect(result.body.tokens.map(token => token.name)).toContain('brief');
    });
  });

  describe('DELETE /tokens/{name}', () => {
    it('answers 204 and the token and the bearers issued from it stop working at once', async () => {
      const victim = await t.emulator.mintToken({
        name: 'victim',
        token_type: 'ADMIN'
      });
      const victimBearer = await bearerFor(url, victim.refresh_token);
      expect(
        (await call(url, 'GET', '/tokens', { bearer: victimBearer })).status
      ).toBe(200);

      const result = await call(url, 'DELETE', '/tokens/victim', {
        bearer: adminBearer
      });
      expect(result.status).toBe(204);
      expect(result.text).toBe('');

      expectError(
        await call(url, 'GET', '/tokens/me', { bearer: victimBearer }),
        403,
        FORBIDDEN
      );
      expectError(
        await call(url, 'POST', '/auth/refresh', {
          json: { refresh_token: victim.refresh_token }
        }),
        403,
        FORBIDDEN
      );
      const list = await call<TokenList>(url, 'GET', '/tokens', {
        bearer: adminBearer
      });
      expect(list.body.tokens.map(token => token.name)).toEqual(['root']);
    });

    it('answers 403 Forbidden (not 401) for an expired bearer of a deleted token', async () => {
      const victim = await t.emulator.mintToken({ name: 'gone' });
      const victimBearer = await bearerFor(url, victim.refresh_token);
      await call(url, 'DELETE', '/tokens/gone', { bearer: adminBearer });
      await t.emulator.advance(3600);
      expectError(
        await call(url, 'GET', '/tokens/me', { bearer: victimBearer }),
        403,
        FORBIDDEN
      );
    });

    it('does not revive an old bearer when a token of the same name is created again', async () => {
      const first = await t.emulator.mintToken({
        name: 'phoenix',
        token_type: 'ADMIN'
      });
      const oldBearer = await bearerFor(url, first.refresh_token);
      await call(url, 'DELETE', '/tokens/phoenix', { bearer: adminBearer });
      await t.emulator.mintToken({ name: 'phoenix', token_type: 'ADMIN' });
      expectError(
        await call(url, 'GET', '/tokens/me', { bearer: oldBearer }),
        403,
        FORBIDDEN
      );
    });

    it('answers 404 naming name for an unknown token, also on a second delete', async () => {
      expectError(
        await call(url, 'DELETE', '/tokens/nobody', { bearer: adminBearer }),
        404,
        'name'
      );
      await t.emulator.mintToken({ name: 'twice' });
      expect(
        (await call(url, 'DELETE', '/tokens/twice', { bearer: adminBearer }))
          .status
      ).toBe(204);
      expectError(
        await call(url, 'DELETE', '/tokens/twice', { bearer: adminBearer }),
        404,
        'name'
      );
    });

    it('deletes a token named "me" through DELETE /tokens/me', async () => {
      await t.emulator.mintToken({ name: 'me' });
      expect(
        (await call(url, 'DELETE', '/tokens/me', { bearer: adminBearer }))
          .status
      ).toBe(204);
      const me = await call<TokenInfo>(url, 'GET', '/tokens/me', {
        bearer: adminBearer
      });
      expect(me.body.name).toBe('root');
    });

    it('lets an administrator delete the token it is using', async () => {
      expect(
        (await call(url, 'DELETE', '/tokens/root', { bearer: adminBearer }))
          .status
      ).toBe(204);
      expectError(
        await call(url, 'GET', '/tokens', { bearer: adminBearer }),
        403,
        FORBIDDEN
      );
    });
  });

  describe('unknown routes', () => {
    it('answers 404 naming path for an unknown path', async () => {
      expectError(
        await call(url, 'GET', '/nope', { bearer: adminBearer }),
        404,
        'path'
      );
    });

    it('answers 405 with Allow for a known path and a wrong method', async () => {
      const result = await call(url, 'PUT', '/tokens', { bearer: adminBearer });
      expectError(result, 405, 'method');
      expect(result.headers.get('allow')).toBe('GET');
    });
  });
});
