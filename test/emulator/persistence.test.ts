/** @jest-environment node */
import { createHash } from 'node:crypto';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';

import { startEmulator } from '../../emulator/src';
import {
  bearerFor,
  call,
  createRegisterToken,
  expectError,
  FORBIDDEN,
  type ITestEmulator,
  redeem,
  startTestEmulator,
  type TokenList
} from './harness';

const sha256 = (value: string) =>
  createHash('sha256').update(value).digest('hex');

describe('emulator: persistence', () => {
  let t: ITestEmulator;

  beforeEach(async () => {
    t = await startTestEmulator();
  });

  afterEach(async () => {
    await t.dispose();
  });

  it('creates the data file 0600 at start', async () => {
    const info = await stat(t.dataFile);
    expect(info.mode & 0o777).toBe(0o600);
  });

  it('keeps tokens, registration tokens, bearers and the clock across a restart', async () => {
    let url = t.emulator.url;
    const admin = await t.emulator.seedAdmin('keeper');
    const adminBearer = await bearerFor(url, admin);
    const user = await t.emulator.mintToken({
      name: 'user1',
      refresh_ttl: '2h'
    });
    const reg = await createRegisterToken(url, adminBearer, {
      client_name: 'later',
      access_ttl: '1h',
      token_type: 'USER'
    });
    await t.emulator.advance(60);
    const before = t.emulator.now().getTime();
    await t.emulator.close();

    const again = await startEmulator({ port: 0, dataFile: t.dataFile });
    t.emulator = again;
    url = again.url;

    expect(again.now().getTime() - before).toBeGreaterThanOrEqual(0);
    expect(again.now().getTime() - before).toBeLessThan(60 * 1000);
    expect(
      (await call(url, 'GET', '/tokens', { bearer: adminBearer })).status
    ).toBe(200);
    const list = await call<TokenList>(url, 'GET', '/tokens', {
      bearer: await bearerFor(url, admin)
    });
    expect(list.body.tokens.map(token => token.name)).toEqual([
      'keeper',
      'user1'
    ]);
    expect(list.body.tokens[1]).toEqual(user.token);
    expect((await redeem(url, reg.body.register_token)).status).toBe(201);
    expect(await bearerFor(url, user.refresh_token)).toEqual(
      expect.any(String)
    );
  });

  it('keeps deletions and used registration tokens across a restart', async () => {
    let url = t.emulator.url;
    const adminBearer = await bearerFor(url, await t.emulator.seedAdmin());
    const doomed = await t.emulator.mintToken({ name: 'doomed' });
    const reg = await createRegisterToken(url, adminBearer, {
      client_name: 'once',
      access_ttl: '1h',
      token_type: 'USER'
    });
    await redeem(url, reg.body.register_token);
    await call(url, 'DELETE', '/tokens/doomed', { bearer: adminBearer });
    await t.emulator.close();

    t.emulator = await startEmulator({ port: 0, dataFile: t.dataFile });
    url = t.emulator.url;
    expectError(
      await call(url, 'POST', '/auth/refresh', {
        json: { refresh_token: doomed.refresh_token }
      }),
      403,
      FORBIDDEN
    );
    expectError(await redeem(url, reg.body.register_token), 403, FORBIDDEN);
  });

  it('stores secrets only as SHA-256 hashes, in a 0600 file, leaving no temporary files', async () => {
    const url = t.emulator.url;
    const admin = await t.emulator.seedAdmin();
    const adminBearer = await bearerFor(url, admin);
    const reg = await createRegisterToken(url, adminBearer, {
      client_name: 'newbie',
      access_ttl: '1h',
      token_type: 'USER'
    });
    const other = await createRegisterToken(url, adminBearer, {
      client_name: 'pending',
      access_ttl: '1h',
      token_type: 'USER'
    });
    const redeemed = await redeem(url, reg.body.register_token);
    await t.emulator.close();

    const text = await readFile(t.dataFile, 'utf8');
    for (const secret of [
      admin,
      adminBearer,
      reg.body.register_token,
      other.body.register_token,
      redeemed.body.refresh_token
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(-20));
    }
    expect(text).not.toMatch(/mlp_(rt|reg)_/);
    expect(text).toContain(sha256(admin));
    expect(text).toContain(sha256(other.body.register_token));
    expect((await stat(t.dataFile)).mode & 0o777).toBe(0o600);
    expect(await readdir(t.dir)).toEqual(['state.json']);
  });

  it('makes an existing data file 0600 again at start', async () => {
    await t.emulator.seedAdmin();
    await t.emulator.close();
    await chmod(t.dataFile, 0o644);
    t.emulator = await startEmulator({ port: 0, dataFile: t.dataFile });
    expect((await stat(t.dataFile)).mode & 0o777).toBe(0o600);
  });

  it('refuses to start on a corrupt data file and leaves it untouched', async () => {
    await t.emulator.close();
    await writeFile(t.dataFile, '{"version": 1, "tokens": [', { mode: 0o600 });
    await expect(
      startEmulator({ port: 0, dataFile: t.dataFile })
    ).rejects.toThrow(/not a valid emulator data file/);
    expect(await readFile(t.dataFile, 'utf8')).toBe(
      '{"version": 1, "tokens": ['
    );
  });

  it('wipes everything on reset, persistently', async () => {
    const url = t.emulator.url;
    const admin = await t.emulator.seedAdmin();
    const bearer = await bearerFor(url, admin);
    await t.emulator.advance(1000);
    await t.emulator.reset();
    expect(t.emulator.clockOffsetSeconds()).toBe(0);
    expectError(
      await call(url, 'GET', '/tokens/me', { bearer }),
      401,
      'Unauthorized'
    );
    await t.emulator.close();

    t.emulator = await startEmulator({ port: 0, dataFile: t.dataFile });
    expectError(
      await call(t.emulator.url, 'POST', '/auth/refresh', {
        json: { refresh_token: admin }
      }),
      403,
      FORBIDDEN
    );
  });
});
