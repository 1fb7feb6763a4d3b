/** @jest-environment node */
import {
  bearerFor,
  call,
  createRegisterToken,
  expectError,
  FORBIDDEN,
  type ITestEmulator,
  redeem,
  startTestEmulator,
  type TokenInfo
} from './harness';

describe('emulator: registration tokens', () => {
  let t: ITestEmulator;
  let url: string;
  let adminBearer: string;

  beforeEach(async () => {
    t = await startTestEmulator();
    url = t.emulator.url;
    adminBearer = await bearerFor(url, await t.emulator.seedAdmin('lead'));
  });

  afterEach(async () => {
    await t.dispose();
  });

  const create = (body: Record<string, unknown>) =>
    createRegisterToken(url, adminBearer, body);

  describe('POST /register-tokens', () => {
    it('returns 201 with the value once, the name, role, expiry and lifetime', async () => {
      const before = t.emulator.now().getTime();
      const result = await create({
        client_name: 'alice',
        access_ttl: '2h45m30s',
        refresh_ttl: '90m',
        token_type: 'ADMIN'
      });
      expect(result.status).toBe(201);
      expect(result.body).toEqual({
        register_token: expect.stringMatching(/^mlp_reg_[A-Za-z0-9_-]{43}$/),
        client_name: 'alice',
        token_type: 'ADMIN',
        expires_at: expect.any(String),
        refresh_ttl: '90m'
      });
      const expiresAt = Date.parse(result.body.expires_at);
      const ttlMs = (2 * 3600 + 45 * 60 + 30) * 1000;
      expect(expiresAt - before).toBeGreaterThanOrEqual(ttlMs);
      expect(expiresAt - before).toBeLessThan(ttlMs + 5000);
    });

    it('returns refresh_ttl null when no lifetime is given (omitted or null)', async () => {
      const omitted = await create({
        client_name: 'a1',
        access_ttl: '1h',
        token_type: 'USER'
      });
      expect(omitted.body.refresh_ttl).toBeNull();
      const explicit = await create({
        client_name: 'a2',
        access_ttl: '1h',
        refresh_ttl: null,
        token_type: 'USER'
      });
      expect(explicit.status).toBe(201);
      expect(explicit.body.refresh_ttl).toBeNull();
    });

    it.each(['2h45m30s', '90m', '45s', '1h30s', '1h', '720h', '0h0m1s'])(
      'accepts access_ttl %s',
      async ttl => {
        const result = await create({
          client_name: 'ok',
          access_ttl: ttl,
          token_type: 'USER'
        });
        expect(result.status).toBe(201);
      }
    );

    it.each([
      '',
      '0s',
      '0h0m',
      '30s2m',
      '1d',
      '1H',
      ' 1h',
      '1h ',
      '1.5h',
      '-1h',
      'h',
      '721h',
      '720h1s'
    ])('refuses access_ttl %p with 400 naming access_ttl', async ttl => {
      const result = await create({
        client_name: 'x',
        access_ttl: ttl,
        token_type: 'USER'
      });
      expectError(result, 400, 'access_ttl');
    });

    it('refuses a non-string access_ttl, and a missing one', async () => {
      expectError(
        await create({
          client_name: 'x',
          access_ttl: 3600,
          token_type: 'USER'
        }),
        400,
        'access_ttl'
      );
      expectError(
        await create({ client_name: 'x', token_type: 'USER' }),
        400,
        'access_ttl'
      );
    });

    it('accepts refresh_ttl up to 87600h and refuses more or a bad one with 400 naming refresh_ttl', async () => {
      const max = await create({
        client_name: 'long',
        access_ttl: '1h',
        refresh_ttl: '87600h',
        token_type: 'USER'
      });
      expect(max.status).toBe(201);
      for (const ttl of ['87600h1s', '0s', 'forever', 12]) {
        const result = await create({
          client_name: 'x',
          access_ttl: '1h',
          refresh_ttl: ttl,
          token_type: 'USER'
        });
        expectError(result, 400, 'refresh_ttl');
      }
    });

    it.each([undefined, 'user', 'OWNER', 1])(
      'refuses token_type %p with 400 naming token_type',
      async type => {
        const result = await create({
          client_name: 'x',
          access_ttl: '1h',
          token_type: type
        });
        expectError(result, 400, 'token_type');
      }
    );

    it('accepts names of 1 and 64 characters of A-Z a-z 0-9 . _ -', async () => {
      for (const name of [
        'a',
        'A'.repeat(64),
        'Team.ml_admin-2',
        '...',
        '-_-'
      ]) {
        const result = await create({
          client_name: name,
          access_ttl: '1h',
          token_type: 'USER'
        });
        expect(result.status).toBe(201);
        expect(result.body.client_name).toBe(name);
      }
    });

    it.each([
      '',
      'A'.repeat(65),
      'with space',
      'slash/name',
      'ümlaut',
      'semi;colon',
      'tab\t',
      42,
      null
    ])('refuses client_name %p with 400 naming client_name', async name => {
      const result = await create({
        client_name: name,
        access_ttl: '1h',
        token_type: 'USER'
      });
      expectError(result, 400, 'client_name');
    });

    it('answers 400 naming body for invalid JSON', async () => {
      const result = await call(url, 'POST', '/register-tokens', {
        bearer: adminBearer,
        raw: '{"client_name": "x",'
      });
      expectError(result, 400, 'body');
    });

    it('answers 409 naming client_name when an access token has that name', async () => {
      const result = await create({
        client_name: 'lead',
        access_ttl: '1h',
        token_type: 'USER'
      });
      expectError(result, 409, 'client_name');
    });

    it('allows two registration tokens for the same unused name', async () => {
      const first = await create({
        client_name: 'twin',
        access_ttl: '1h',
        token_type: 'USER'
      });
      const second = await create({
        client_name: 'twin',
        access_ttl: '1h',
        token_type: 'USER'
      });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.register_token).not.toBe(first.body.register_token);
    });
  });

  describe('POST /register-tokens/redeem', () => {
    it('mints the described access token, which works, issued by the creating admin', async () => {
      const reg = await create({
        client_name: 'bob',
        access_ttl: '1h',
        token_type: 'USER'
      });
      const result = await redeem(url, reg.body.register_token);
      expect(result.status).toBe(201);
      expect(result.body.refresh_token).toMatch(/^mlp_rt_[A-Za-z0-9_-]{43}$/);
      expect(result.body.token).toEqual({
        id: expect.any(String),
        name: 'bob',
        type: 'USER',
        issuer_name: 'lead',
        created_at: expect.any(String),
        exp: null
      });
      const bearer = await bearerFor(url, result.body.refresh_token);
      const me = await call<TokenInfo>(url, 'GET', '/tokens/me', { bearer });
      expect(me.body).toEqual(result.body.token);
    });

    it('needs no Authorization header and ignores a bad one', async () => {
      const reg = await create({
        client_name: 'carol',
        access_ttl: '1h',
        token_type: 'USER'
      });
      const result = await call(url, 'POST', '/register-tokens/redeem', {
        json: { register_token: reg.body.register_token },
        headers: { Authorization: 'Bearer garbage' }
      });
      expect(result.status).toBe(201);
    });

    it('is single use: the second redemption answers 403 Forbidden', async () => {
      const reg = await create({
        client_name: 'once',
        access_ttl: '1h',
        token_type: 'USER'
      });
      expect((await redeem(url, reg.body.register_token)).status).toBe(201);
      expectError(await redeem(url, reg.body.register_token), 403, FORBIDDEN);
    });

    it('answers 403 Forbidden for an unknown registration token', async () => {
      expectError(
        await redeem(url, 'mlp_reg_nothing-like-this'),
        403,
        FORBIDDEN
      );
    });

    it('answers 400 naming register_token when it is missing', async () => {
      const result = await call(url, 'POST', '/register-tokens/redeem', {
        json: {}
      });
      expectError(result, 400, 'register_token');
    });

    it('expires at access_ttl on the emulated clock with 403 Forbidden', async () => {
      const early = await create({
        client_name: 'early',
        access_ttl: '10m',
        token_type: 'USER'
      });
      const late = await create({
        client_name: 'late',
        access_ttl: '10m',
        token_type: 'USER'
      });
      await t.emulator.advance(599);
      expect((await redeem(url, early.body.register_token)).status).toBe(201);
      await t.emulator.advance(1);
      expectError(await redeem(url, late.body.register_token), 403, FORBIDDEN);
    });

    it('gives the minted token refresh_ttl counted from redemption', async () => {
      const reg = await create({
        client_name: 'timed',
        access_ttl: '1h',
        refresh_ttl: '2h',
        token_type: 'ADMIN'
      });
      await t.emulator.advance(1800);
      const result = await redeem(url, reg.body.register_token);
      expect(result.body.token.type).toBe('ADMIN');
      const { created_at: createdAt, exp } = result.body.token;
      expect(Date.parse(exp as string) - Date.parse(createdAt)).toBe(
        2 * 3600 * 1000
      );

      await t.emulator.advance(2 * 3600 - 1);
      const bearer = await bearerFor(url, result.body.refresh_token);
      expect((await call(url, 'GET', '/tokens', { bearer })).status).toBe(200);
      await t.emulator.advance(1);
      expectError(
        await call(url, 'GET', '/tokens/me', { bearer }),
        403,
        FORBIDDEN
      );
    });

    it('answers 409 when the name was taken meanwhile, and stays redeemable once it is free', async () => {
      const first = await create({
        client_name: 'dup',
        access_ttl: '1h',
        token_type: 'USER'
      });
      const second = await create({
        client_name: 'dup',
        access_ttl: '1h',
        token_type: 'ADMIN'
      });
      expect((await redeem(url, first.body.register_token)).status).toBe(201);

      const clash = await redeem(url, second.body.register_token);
      expectError(clash, 409, 'client_name');

      expect(
        (await call(url, 'DELETE', '/tokens/dup', { bearer: adminBearer }))
          .status
      ).toBe(204);
      const retry = await redeem(url, second.body.register_token);
      expect(retry.status).toBe(201);
      expect(retry.body.token.type).toBe('ADMIN');
    });

    it('lets only one of two concurrent redemptions succeed', async () => {
      const reg = await create({
        client_name: 'race',
        access_ttl: '1h',
        token_type: 'USER'
      });
      const results = await Promise.all([
        redeem(url, reg.body.register_token),
        redeem(url, reg.body.register_token)
      ]);
      expect(results.map(r => r.status).sort()).toEqual([201, 403]);
    });
  });
});
