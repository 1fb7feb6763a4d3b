/** @jest-environment node */

/**
 * The project tokens model against the emulator over real HTTP.
 */

import { fetch as undiciFetch } from 'undici';

import { type IEmulator, startEmulator } from '../../emulator/src/server';
import { MLPlatformClient, NotFoundError } from '../../src/api';
import { ProjectTokensModel } from '../../src/project/model';
import { FakeActive, trans } from './helpers';

const fetch = undiciFetch as unknown as typeof globalThis.fetch;

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

describe('ProjectTokensModel against the emulator', () => {
  let emulator: IEmulator;
  let admin: string;
  let active: FakeActive;
  let model: ProjectTokensModel;
  let tokenOf: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, control: true });
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(async () => {
    await emulator.reset();
    admin = await emulator.seedAdmin('team-admin');
    tokenOf = { 'team-admin': admin };
    for (const name of ['bob', 'Alice', 'carol']) {
      const minted = await emulator.mintToken({ name, refresh_ttl: '720h' });
      tokenOf[name] = minted.refresh_token;
    }
    active = new FakeActive({ name: 'team-admin', role: 'ADMIN' });
    model = new ProjectTokensModel({
      client: () =>
        new MLPlatformClient({
          baseUrl: emulator.url,
          fetch,
          refreshToken: tokenOf[active.active?.name ?? ''],
          maxTries: 1
        }),
      source: active,
      trans
    });
    emulator.resetStats();
  });

  afterEach(() => {
    model.dispose();
  });

  it('lists the project tokens, sorted by name, for an Administrator token', async () => {
    const states: string[] = [];
    model.stateChanged.connect((_, state) => states.push(state.kind));
    await model.refresh();
    expect(states).toContain('loading');
    expect(model.state.kind).toBe('ready');
    expect(model.tokens.map(token => token.name)).toEqual([
      'Alice',
      'bob',
      'carol',
      'team-admin'
    ]);
    const carol = model.tokens.find(token => token.name === 'carol')!;
    expect(carol.type).toBe('USER');
    expect(carol.issuer_name).toBe('emulator');
    expect(carol.exp).not.toBeNull();
  });

  it('says why nothing is listed without an active token, and asks nothing', async () => {
    active.set(null);
    await model.refresh();
    expect(model.state).toEqual({ kind: 'no-token' });
    expect(emulator.stats()['GET /tokens'] ?? 0).toBe(0);
  });

  it('hides the list for a User token, naming it, and asks nothing', async () => {
    active.set({ name: 'bob', role: 'USER' });
    await model.refresh();
    expect(model.state).toEqual({ kind: 'user-token', name: 'bob' });
    expect(model.isAdmin).toBe(false);
    expect(emulator.stats()['GET /tokens'] ?? 0).toBe(0);
  });

  it('loads again when the active token changes back to an Administrator', async () => {
    active.set({ name: 'bob', role: 'USER' });
    await model.refresh();
    active.set({ name: 'team-admin', role: 'ADMIN' });
    expect(model.state.kind).toBe('loading');
    await model.refresh();
    expect(model.state.kind).toBe('ready');
    expect(model.tokens).toHaveLength(4);
  });

  it('filters by name, issuer or role, case-insensitively', async () => {
    await model.refresh();
    const names = () => model.filtered.map(token => token.name);
    model.filter = 'ALI';
    expect(names()).toEqual(['Alice']);
    model.filter = '  emulator ';
    expect(names()).toEqual(['Alice', 'bob', 'carol', 'team-admin']);
    model.filter = 'administrator';
    expect(names()).toEqual(['team-admin']);
    model.filter = 'admin';
    expect(names()).toEqual(['team-admin']);
    model.filter = 'nobody';
    expect(names()).toEqual([]);
    model.filter = '';
    expect(names()).toHaveLength(4);
  });

  it('deletes a token and refreshes the list', async () => {
    await model.refresh();
    await model.delete('bob');
    expect(model.tokens.map(token => token.name)).toEqual([
      'Alice',
      'carol',
      'team-admin'
    ]);
    expect(emulator.stats()['DELETE /tokens/{name}']).toBe(1);
    expect(emulator.stats()['GET /tokens']).toBe(2);
  });

  it('rejects a failed delete with the typed error and still refreshes', async () => {
    await model.refresh();
    await expect(model.delete('nobody')).rejects.toBeInstanceOf(NotFoundError);
    expect(model.state.kind).toBe('ready');
    expect(emulator.stats()['GET /tokens']).toBe(2);
  });

  it('turns a deleted active token into one sentence', async () => {
    await model.refresh();
    await model.delete('team-admin');
    expect(model.state).toEqual({
      kind: 'error',
      message: 'This token has expired or was deleted — add a new one.'
    });
  });

  it('refreshes on its interval, and stops when disposed', async () => {
    model.refreshInterval = 0.05;
    await model.refresh();
    await emulator.mintToken({ name: 'dave' });
    await sleep(250);
    expect(model.tokens.map(token => token.name)).toContain('dave');
    const loads = emulator.stats()['GET /tokens'];
    expect(loads).toBeGreaterThanOrEqual(2);
    model.dispose();
    await sleep(200);
    expect(emulator.stats()['GET /tokens']).toBe(loads);
  });

  it('stops refreshing when the interval is set to 0 or the token is a User token', async () => {
    model.refreshInterval = 0.05;
    await model.refresh();
    model.refreshInterval = 0;
    let loads = emulator.stats()['GET /tokens'];
    await sleep(200);
    expect(emulator.stats()['GET /tokens']).toBe(loads);

    model.refreshInterval = 0.05;
    active.set({ name: 'bob', role: 'USER' });
    await model.refresh();
    loads = emulator.stats()['GET /tokens'];
    await sleep(200);
    expect(emulator.stats()['GET /tokens']).toBe(loads);
  });
});
