import { ServerConnection } from '@jupyterlab/services';

import { IActiveToken, VaultModel } from '../../src/vault/model';
import { ISavedToken, IVaultState } from '../../src/vault/types';

function record(id: string, fingerprint: string): ISavedToken {
  return {
    id,
    label: id,
    fingerprint,
    name: id,
    role: 'USER',
    issuer: 'console',
    expires_at: null,
    added_at: '2026-01-01T00:00:00Z',
    verified_at: null,
    active: false
  };
}

/**
 * A stand-in for the server's answers, one per request in order.
 */
function serving(answers: Array<IVaultState | Response>): {
  settings: ServerConnection.ISettings;
  requests: Request[];
} {
  const requests: Request[] = [];
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      requests.push(input as Request);
      const next = answers.shift();
      return next instanceof Response
        ? next
        : new Response(JSON.stringify(next));
    }
  });
  return { settings, requests };
}

describe('VaultModel', () => {
  it('emits activeChanged only when the active token changes', async () => {
    const a = record('a', '****aaaa');
    const b = record('b', '****bbbb');
    const { settings } = serving([
      { tokens: [a, b], active_id: 'a' },
      { tokens: [a, b], active_id: 'a' },
      { tokens: [a, b], active_id: 'b' },
      { tokens: [a], active_id: null }
    ]);
    const vault = new VaultModel({ serverSettings: settings });
    const seen: (IActiveToken | null)[] = [];
    vault.activeChanged.connect((_, active) => seen.push(active));
    await vault.refresh();
    await vault.refresh();
    await vault.activate('b');
    await vault.remove('b');
    expect(seen).toEqual([
      { id: 'a', fingerprint: '****aaaa' },
      { id: 'b', fingerprint: '****bbbb' },
      null
    ]);
    vault.dispose();
  });

  it('sends the value only in the add request and keeps none', async () => {
    const a = record('a', '****cret');
    const { settings, requests } = serving([
      new Response(
        JSON.stringify({
          token: a,
          created: true,
          active_id: 'a',
          message: ''
        }),
        { status: 201 }
      ),
      { tokens: [a], active_id: 'a' }
    ]);
    const vault = new VaultModel({ serverSettings: settings });
    await vault.add(
      'mlp_rt_secret',
      { name: 'a', role: 'USER', issuer: 'console', expires_at: null },
      { activate: true }
    );
    expect(requests[0].method).toBe('POST');
    expect(JSON.stringify(vault.tokens)).not.toContain('mlp_rt_secret');
    expect(vault.active?.fingerprint).toBe('****cret');
    vault.dispose();
  });

  it('leaves its state untouched when the server refuses', async () => {
    const a = record('a', '****aaaa');
    const { settings } = serving([
      { tokens: [a], active_id: 'a' },
      new Response(JSON.stringify({ message: 'The label is empty.' }), {
        status: 400
      })
    ]);
    const vault = new VaultModel({ serverSettings: settings });
    await vault.refresh();
    await expect(vault.rename('a', ' ')).rejects.toThrow('The label is empty.');
    expect(vault.tokens).toEqual([a]);
    expect(vault.active?.id).toBe('a');
    vault.dispose();
  });
});
