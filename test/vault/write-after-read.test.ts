/**
 * A write never shows the state from before it: a read that was already on
 * its way when the user renamed, saved, verified or deleted must not be what
 * the panel ends up showing.
 */

import { ServerConnection } from '@jupyterlab/services';

import type { MLPlatformClient, TokenInfo } from '../../src/api';
import { ProjectTokensModel } from '../../src/project/model';
import { VaultModel } from '../../src/vault/model';
import type { ISavedToken, IVaultState } from '../../src/vault/types';
import { FakeActive, tokenInfo, trans } from '../project/helpers';

function record(id: string, label: string): ISavedToken {
  return {
    id,
    label,
    fingerprint: '****' + id.padStart(4, 'x'),
    name: id,
    role: 'USER',
    issuer: 'console',
    expires_at: null,
    added_at: '2026-01-01T00:00:00Z',
    verified_at: null,
    active: false
  };
}

interface IHeld {
  release(): void;
}

/**
 * A server whose GET /tokens answers can be held back. `state` is what the
 * server holds at the moment it reads; a held GET answers what it read when
 * it arrived, as a real server does.
 */
function slowServer(initial: IVaultState): {
  settings: ServerConnection.ISettings;
  state: { current: IVaultState };
  holdNextRead(): IHeld;
  gets: () => number;
} {
  const state = { current: initial };
  let hold: Promise<void> | null = null;
  let gets = 0;
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      const request = input as Request;
      const path = new URL(request.url).pathname;
      if (request.method === 'GET' && path === '/mlplatform-tokens/tokens') {
        gets++;
        const seen = JSON.stringify(state.current);
        const wait = hold;
        hold = null;
        if (wait) {
          await wait;
        }
        return new Response(seen);
      }
      const body = request.method === 'GET' ? {} : await request.json();
      const [first] = state.current.tokens;
      if (request.method === 'PATCH') {
        const renamed = { ...first, label: body.label as string };
        state.current = { ...state.current, tokens: [renamed] };
        return new Response(JSON.stringify({ token: renamed }));
      }
      if (path.endsWith('/verified')) {
        const verified = { ...first, verified_at: '2026-02-02T00:00:00Z' };
        state.current = { ...state.current, tokens: [verified] };
        return new Response(JSON.stringify({ token: verified }));
      }
      const added = record('b', body.label as string);
      state.current = { tokens: [first, added], active_id: 'b' };
      return new Response(
        JSON.stringify({ token: added, created: true, active_id: 'b' }),
        { status: 201 }
      );
    }
  });
  return {
    settings,
    state,
    holdNextRead: () => {
      let release = () => undefined as void;
      hold = new Promise<void>(resolve => {
        release = resolve;
      });
      return { release };
    },
    gets: () => gets
  };
}

const METADATA = {
  name: 'b',
  role: 'USER' as const,
  issuer: 'console',
  expires_at: null
};

describe('a vault write racing a slow read', () => {
  const writes: Array<[string, (vault: VaultModel) => Promise<unknown>]> = [
    ['rename', vault => vault.rename('a', 'renamed')],
    ['verified', vault => vault.verified('a', METADATA)],
    ['add', vault => vault.add('mlp_rt_value', METADATA, { label: 'second' })]
  ];

  // The old read answers after the write (last) or while it runs (first).
  const cases = writes.flatMap(([name, write]) =>
    (['last', 'first'] as const).map(order => [name, order, write] as const)
  );

  it.each(cases)(
    '%s shows the written state when the read answers %s',
    async (_, order, write) => {
      const server = slowServer({ tokens: [record('a', 'a')], active_id: 'a' });
      const vault = new VaultModel({ serverSettings: server.settings });
      await vault.refresh();
      const held = server.holdNextRead();
      const slow = vault.refresh();
      if (order === 'last') {
        await write(vault);
        held.release();
        await slow;
      } else {
        const written = write(vault);
        held.release();
        await Promise.all([slow, written]);
      }
      expect(vault.tokens).toEqual(server.state.current.tokens);
      expect(vault.active?.id).toBe(server.state.current.active_id);
      vault.dispose();
    }
  );

  it('a refresh after a write joins the fresh read, not the old one', async () => {
    const server = slowServer({ tokens: [record('a', 'a')], active_id: 'a' });
    const vault = new VaultModel({ serverSettings: server.settings });
    await vault.refresh();
    const held = server.holdNextRead();
    const slow = vault.refresh();
    await vault.rename('a', 'renamed');
    const before = server.gets();
    await vault.refresh();
    held.release();
    await slow;
    expect(server.gets()).toBe(before + 1);
    expect(vault.tokens[0].label).toBe('renamed');
    vault.dispose();
  });
});

describe('a project token deletion racing a slow list', () => {
  it('shows the list read after the deletion', async () => {
    let tokens: TokenInfo[] = [tokenInfo('alpha'), tokenInfo('beta')];
    let holdNext: Promise<void> | null = null;
    const client = {
      listProjectTokens: async () => {
        const seen = [...tokens];
        const wait = holdNext;
        holdNext = null;
        if (wait) {
          await wait;
        }
        return seen;
      },
      deleteToken: async (name: string) => {
        tokens = tokens.filter(token => token.name !== name);
      }
    } as unknown as MLPlatformClient;
    const model = new ProjectTokensModel({
      client: () => client,
      source: new FakeActive({ name: 'admin', role: 'ADMIN' }),
      trans
    });
    await model.refresh();
    let release = () => undefined as void;
    holdNext = new Promise<void>(resolve => {
      release = resolve;
    });
    const slow = model.refresh();
    await model.delete('alpha');
    release();
    await slow;
    expect(model.tokens.map(token => token.name)).toEqual(['beta']);
    model.dispose();
  });
});
