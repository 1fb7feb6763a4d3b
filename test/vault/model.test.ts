import { ServerConnection } from '@jupyterlab/services';

import { type IActiveToken, VaultModel } from '../../src/vault/model';
import type { ISavedToken, IVaultState } from '../../src/vault/types';

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

/**
 * One request as it goes over the wire: method, URL, headers and body.
 */
async function onTheWire(request: Request): Promise<string> {
  return JSON.stringify({
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    body: await request.clone().text()
  });
}

/**
 * Everything an object holds, as JSON: its own fields, followed into nested
 * objects, arrays, maps and sets, and the values of its prototype's getters.
 */
function heldState(root: object): string {
  const seen = new Set<unknown>();
  const walk = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) {
      return typeof value === 'function' ? undefined : value;
    }
    if (seen.has(value)) {
      return '[seen]';
    }
    seen.add(value);
    if (value instanceof Map || value instanceof Set || Array.isArray(value)) {
      return [...value].map(walk);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[key] = walk((value as Record<string, unknown>)[key]);
    }
    let proto = Object.getPrototypeOf(value);
    while (proto && proto !== Object.prototype) {
      for (const [key, descriptor] of Object.entries(
        Object.getOwnPropertyDescriptors(proto)
      )) {
        if (descriptor.get && !(key in out)) {
          out[key] = walk(descriptor.get.call(value));
        }
      }
      proto = Object.getPrototypeOf(proto);
    }
    return out;
  };
  return JSON.stringify(walk(root));
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
    const secret = 'mlp_rt_Zq8vW3secret';
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
      secret,
      { name: 'a', role: 'USER', issuer: 'console', expires_at: null },
      { activate: true }
    );

    // What went to the server: every request whole (method, URL, headers,
    // body), as fetch received it.
    const sent = await Promise.all(requests.map(onTheWire));
    const carrying = sent.filter(request => request.includes(secret));
    expect(carrying).toHaveLength(1);
    const add = requests[sent.indexOf(carrying[0])];
    expect([add.method, new URL(add.url).pathname]).toEqual([
      'POST',
      '/mlplatform-tokens/tokens'
    ]);
    expect(await add.clone().json()).toMatchObject({
      value: secret,
      name: 'a',
      activate: true
    });
    // The URL and the headers never carry it, only the body.
    expect(add.url).not.toContain(secret);
    expect(JSON.stringify([...add.headers])).not.toContain(secret);

    // What the model holds afterwards: its own state and every getter.
    expect(vault.active?.fingerprint).toBe('****cret');
    const held = heldState(vault);
    expect(held).toContain('****cret');
    expect(held).not.toContain(secret);
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

  it('asks the server once for a value several callers want at once, and holds it for none', async () => {
    const server = serving([
      new Response(JSON.stringify({ value: 'mlp_rt_one' })),
      new Response(JSON.stringify({ value: 'mlp_rt_one' }))
    ]);
    const vault = new VaultModel({ serverSettings: server.settings });
    const [first, second] = await Promise.all([
      vault.value('a'),
      vault.value('a')
    ]);
    expect([first, second]).toEqual(['mlp_rt_one', 'mlp_rt_one']);
    expect(
      server.requests.map(request => new URL(request.url).pathname)
    ).toEqual(['/mlplatform-tokens/tokens/a/value']);
    expect(heldState(vault)).not.toContain('mlp_rt_one');
    // Once answered, the next caller asks again: nothing is kept.
    await vault.value('a');
    expect(server.requests).toHaveLength(2);
    vault.dispose();
  });
});
