/** @jest-environment node */
/**
 * Services-level checks against a real jupyter_server and ipykernel: the
 * extension's server part plus `KernelSync` driving kernels through
 * `@jupyterlab/services`, as the browser does.
 */
import type { KernelMessage, Session } from '@jupyterlab/services';

import type { KernelSync } from '../../src/kernels/sync';
import type { VaultModel } from '../../src/vault/model';
import { Harness, type IHarnessToken } from './helpers';
import {
  delay,
  newValue,
  probeLine,
  PYTHON_PROBE,
  run,
  runDuringRestart
} from './probe';

// apputils needs a DOM to load; the sync only uses its notifications.
jest.mock('@jupyterlab/apputils', () => ({
  Notification: { info: jest.fn() }
}));

jest.setTimeout(120000);

describe('kernel sync against a real server', () => {
  let harness: Harness;
  let vault: VaultModel;
  let sync: KernelSync;
  let user: Session.ISessionConnection;
  let first: IHarnessToken;
  let second: IHarnessToken;

  beforeAll(async () => {
    harness = await Harness.start();
    first = await harness.addToken(newValue());
    second = await harness.addToken(newValue(), false);
    sync = await harness.startSync();
    vault = harness.vault!;
    user = await harness.openNotebook('harness.ipynb', 'python3');
  });

  afterAll(async () => {
    await harness?.dispose();
  });

  it('a new kernel sees the token in its first cell', async () => {
    expect(await run(user.kernel!, PYTHON_PROBE)).toBe(probeLine(first.value));
  });

  it.each([0, 5, 50, 200, 500, 1000])(
    'after restart(), a cell sent at %i ms sees the token',
    async ms => {
      expect(await runDuringRestart(user.kernel!, ms, PYTHON_PROBE)).toBe(
        probeLine(first.value)
      );
    }
  );

  it('a switch reaches a kernel no widget holds, with only status messages on iopub, and closes its connection', async () => {
    await harness.sessions.refreshRunning();
    const iopub = new Set<string>();
    const watch = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
      iopub.add(msg.header.msg_type);
    };
    user.kernel!.iopubMessage.connect(watch);
    await delay(300);
    await vault.activate(second.id);
    await harness.synced(second.fingerprint);
    expect(sync.kernels).toEqual([
      expect.objectContaining({
        fingerprint: second.fingerprint,
        sync: 'synced',
        language: 'python'
      })
    ]);
    await delay(300);
    user.kernel!.iopubMessage.disconnect(watch);
    expect([...iopub]).toEqual(['status']);
    expect(sync.registry.transientCount).toBe(0);
    expect(await run(user.kernel!, PYTHON_PROBE)).toBe(probeLine(second.value));
  });

  it('a switch leaves no trace in the kernel: no history, no cell, no linecache entry, no name, no execution count', async () => {
    const count = async (): Promise<number> => {
      const future = user.kernel!.requestExecute({
        code: 'pass',
        silent: false,
        store_history: false
      });
      return ((await future.done).content as { execution_count: number })
        .execution_count;
    };
    const before = await count();
    await vault.activate(first.id);
    await harness.synced(first.fingerprint);
    await vault.activate(second.id);
    await harness.synced(second.fingerprint);
    expect(await count()).toBe(before);
    const check = [
      'import os as _o, linecache as _lc',
      '_ip = get_ipython()',
      "_v = _o.environ['MLP_REFRESH_TOKEN']",
      // Split, so that this cell (in linecache too) holds no needle.
      "_needles = (_v, _v.encode().hex(), 'mlp' + '_tokens')",
      '_hit = lambda t: any(n in t for n in _needles)',
      '_ip.history_manager.writeout_cache()',
      '_found = [',
      "    'In' if any(_hit(t) for t in _ip.user_ns['In']) else '',",
      "    'history' if any(_hit(r[2]) for r in _ip.history_manager.get_range(raw=True)) else '',",
      "    'linecache' if any(_hit(''.join(e[2])) for e in list(_lc.cache.values())) else '',",
      "    'names' if any('mlp' in k.lower() for k in _ip.user_ns) else '',",
      ']',
      "print('TRACES', [f for f in _found if f])",
      'del _o, _lc, _ip, _v, _needles, _hit, _found'
    ].join('\n');
    expect(await run(user.kernel!, check)).toBe('TRACES []');
  });

  it('a second switch during the first ends with the last value in every kernel', async () => {
    const others = await Promise.all(
      ['race-1.ipynb', 'race-2.ipynb'].map(path =>
        harness.openNotebook(path, 'python3')
      )
    );
    const all = [user, ...others];
    for (const session of others) {
      await run(session.kernel!, PYTHON_PROBE);
    }
    await harness.sessions.refreshRunning();
    await harness.synced(second.fingerprint);
    // The second change while the first one's value is still being read.
    await vault.activate(first.id);
    await vault.activate(second.id);
    await harness.synced(second.fingerprint);
    expect(
      await Promise.all(all.map(session => run(session.kernel!, PYTHON_PROBE)))
    ).toEqual(all.map(() => probeLine(second.value)));
    // The second change once the first one's requests are on their way.
    const sending = new Promise<void>(resolve => {
      const onChanged = () => {
        if (sync.kernels.some(k => k.sync === 'pending')) {
          sync.changed.disconnect(onChanged);
          resolve();
        }
      };
      sync.changed.connect(onChanged);
    });
    await vault.activate(first.id);
    await sending;
    await vault.activate(second.id);
    await harness.synced(second.fingerprint);
    expect(
      await Promise.all(all.map(session => run(session.kernel!, PYTHON_PROBE)))
    ).toEqual(all.map(() => probeLine(second.value)));
    for (const session of others) {
      await session.shutdown();
    }
    await harness.sessions.refreshRunning();
  });

  it('a removal takes the variable away from os.environ and subprocesses', async () => {
    await vault.remove(second.id);
    await harness.synced(null);
    expect(
      await run(
        user.kernel!,
        "import os, subprocess\nprint('MLP_REFRESH_TOKEN' in os.environ, subprocess.run(['printenv', 'MLP_REFRESH_TOKEN'], capture_output=True).returncode)"
      )
    ).toBe('False 1');
  });

  it('the vault refuses hostile values', async () => {
    for (const value of [
      'a b',
      'a\nb',
      'a\u2028b',
      'tökén',
      'x'.repeat(10240)
    ]) {
      const answer = await harness.server.api('tokens', 'POST', {
        value,
        name: 'harness',
        role: 'USER',
        issuer: 'jest',
        expires_at: null
      });
      expect(answer.status).toBe(400);
    }
  });
});
