/** @jest-environment node */
import {
  bearerFor,
  call,
  expectError,
  FORBIDDEN,
  type ITestEmulator,
  type RedeemResponse,
  startTestEmulator,
  type TokenInfo
} from './harness';

interface IClock {
  now: string;
  offset_seconds: number;
}

describe('emulator: control API', () => {
  let t: ITestEmulator;
  let url: string;

  beforeEach(async () => {
    t = await startTestEmulator({ control: true });
    url = t.emulator.url;
  });

  afterEach(async () => {
    await t.dispose();
  });

  it('reads and advances the emulated clock, which expires bearers', async () => {
    const admin = await t.emulator.seedAdmin();
    const bearer = await bearerFor(url, admin);
    const before = await call<IClock>(url, 'GET', '/_emulator/clock');
    expect(before.body.offset_seconds).toBe(0);

    const after = await call<IClock>(url, 'POST', '/_emulator/clock', {
      json: { advance_seconds: 3600 }
    });
    expect(after.status).toBe(200);
    expect(after.body.offset_seconds).toBe(3600);
    expect(
      Date.parse(after.body.now) - Date.parse(before.body.now)
    ).toBeGreaterThanOrEqual(3600 * 1000);
    expectError(
      await call(url, 'GET', '/tokens/me', { bearer }),
      401,
      'Unauthorized'
    );
  });

  it('refuses to move the clock backwards or by garbage', async () => {
    for (const value of [-1, 'soon', null]) {
      const result = await call(url, 'POST', '/_emulator/clock', {
        json: { advance_seconds: value }
      });
      expectError(result, 400, 'advance_seconds');
    }
  });

  it('mints tokens of a chosen role and lifetime', async () => {
    const result = await call<RedeemResponse>(
      url,
      'POST',
      '/_emulator/tokens',
      {
        json: { name: 'viewer', token_type: 'USER', refresh_ttl: '1h' }
      }
    );
    expect(result.status).toBe(201);
    expect(result.body.token).toMatchObject({ name: 'viewer', type: 'USER' });
    const bearer = await bearerFor(url, result.body.refresh_token);
    const me = await call<TokenInfo>(url, 'GET', '/tokens/me', { bearer });
    expect(me.body.name).toBe('viewer');

    const dup = await call(url, 'POST', '/_emulator/tokens', {
      json: { name: 'viewer' }
    });
    expectError(dup, 409, 'name');
    const bad = await call(url, 'POST', '/_emulator/tokens', {
      json: { token_type: 'ROOT' }
    });
    expectError(bad, 400, 'token_type');
  });

  it('mints a USER token with a generated name when given no body', async () => {
    const result = await call<RedeemResponse>(url, 'POST', '/_emulator/tokens');
    expect(result.status).toBe(201);
    expect(result.body.token.name).toMatch(/^user-[0-9a-f]{6}$/);
    expect(result.body.token.type).toBe('USER');
  });

  it('seeds admins with unique generated names', async () => {
    const first = await t.emulator.seedAdmin();
    const second = await t.emulator.seedAdmin();
    expect(first).not.toBe(second);
    const names = [];
    for (const value of [first, second]) {
      const me = await call<TokenInfo>(url, 'GET', '/tokens/me', {
        bearer: await bearerFor(url, value)
      });
      expect(me.body.type).toBe('ADMIN');
      names.push(me.body.name);
    }
    expect(names[0]).toMatch(/^admin-[0-9a-f]{6}$/);
    expect(names[1]).not.toBe(names[0]);
  });

  it('resets all state', async () => {
    const admin = await t.emulator.seedAdmin();
    expect((await call(url, 'POST', '/_emulator/reset')).status).toBe(204);
    expectError(
      await call(url, 'POST', '/auth/refresh', {
        json: { refresh_token: admin }
      }),
      403,
      FORBIDDEN
    );
  });

  it('counts API requests per documented route', async () => {
    const admin = await t.emulator.seedAdmin();
    const bearer = await bearerFor(url, admin);
    await call(url, 'GET', '/tokens/me', { bearer });
    await call(url, 'GET', '/tokens/me', { bearer });
    await call(url, 'DELETE', '/tokens/whoever', { bearer });
    const stats = await call<{ requests: Record<string, number> }>(
      url,
      'GET',
      '/_emulator/stats'
    );
    expect(stats.body.requests).toEqual({
      'POST /auth/refresh': 1,
      'GET /tokens/me': 2,
      'DELETE /tokens/{name}': 1
    });
    expect((await call(url, 'DELETE', '/_emulator/stats')).status).toBe(204);
    expect(t.emulator.stats()).toEqual({});
  });

  it('answers 404 for an unknown control endpoint', async () => {
    expectError(await call(url, 'GET', '/_emulator/nothing'), 404, 'path');
  });
});
