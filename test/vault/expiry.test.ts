import { ServerConnection } from '@jupyterlab/services';

import { ExpiryWatcher, type IExpiryState } from '../../src/vault/expiry';
import { VaultModel } from '../../src/vault/model';
import type { IVaultState } from '../../src/vault/types';

const HOUR = 3_600_000;

function vaultWith(expiresAt: string | null): VaultModel {
  const state: IVaultState = {
    active_id: 'a',
    tokens: [
      {
        id: 'a',
        label: 'Team',
        fingerprint: '****abcd',
        name: 'team',
        role: 'ADMIN',
        issuer: 'console',
        expires_at: expiresAt,
        added_at: '2026-01-01T00:00:00Z',
        verified_at: null,
        active: true
      }
    ]
  };
  return new VaultModel({
    serverSettings: ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async () => new Response(JSON.stringify(state))
    })
  });
}

async function tick(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 5));
}

describe('ExpiryWatcher', () => {
  it('enters each warning window once, smallest last', async () => {
    let now = Date.parse('2026-06-01T00:00:00Z');
    const expires = new Date(now + 200 * HOUR).toISOString();
    const vault = vaultWith(expires);
    await vault.refresh();
    const watcher = new ExpiryWatcher({
      vault,
      now: () => now,
      intervalMs: 1_000_000
    });
    const entered: (number | null)[] = [];
    watcher.windowEntered.connect((_, state: IExpiryState) =>
      entered.push(state.window)
    );
    await tick();
    expect(watcher.state.window).toBeNull();

    now += 40 * HOUR; // 160 h left: inside the 7-day window
    await vault.refresh();
    now += 140 * HOUR; // 20 h left
    await vault.refresh();
    await vault.refresh(); // no new window, no new warning
    now += 19.5 * HOUR; // 30 min left
    await vault.refresh();
    expect(entered).toEqual([168, 24, 1]);
    expect(watcher.state.remaining).toBe(0.5 * HOUR);
    watcher.dispose();
    vault.dispose();
  });

  it('never warns for a token that never expires', async () => {
    const vault = vaultWith(null);
    await vault.refresh();
    const watcher = new ExpiryWatcher({ vault, intervalMs: 1_000_000 });
    let warned = false;
    watcher.windowEntered.connect(() => (warned = true));
    await tick();
    expect(watcher.state).toEqual({ remaining: null, window: null });
    expect(warned).toBe(false);
    watcher.dispose();
    vault.dispose();
  });
});
