/** @jest-environment node */
/**
 * Services-level checks against a real jupyter_server and ipykernel: the
 * extension's server part plus `KernelSync` driving kernels through
 * `@jupyterlab/services`, as the browser does.
 */
import {
  Kernel,
  KernelManager,
  KernelMessage,
  KernelSpecManager,
  Session,
  SessionManager
} from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { createHash, randomBytes } from 'crypto';

import { KernelSync } from '../../src/kernels/sync';
import { StatusModel } from '../../src/server/status';
import { VaultModel } from '../../src/vault/model';
import { TestServer } from './server';

// apputils needs a DOM to load; the sync only uses its notifications.
jest.mock('@jupyterlab/apputils', () => ({
  Notification: { info: jest.fn() }
}));

jest.setTimeout(120000);

const PROBE = [
  'import hashlib as _h, os as _o',
  "_v = _o.environ.get('MLP_REFRESH_TOKEN')",
  "print('MLP:' + (_h.sha256(_v.encode()).hexdigest()[:16] if _v else 'none'))",
  'del _h, _o, _v'
].join('\n');

function probeLine(value: string | null): string {
  return value === null
    ? 'MLP:none'
    : `MLP:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

function newValue(): string {
  return `hrn.${randomBytes(18).toString('base64url')}`;
}

/**
 * Execute code as a user would and answer its stdout (or the reply status).
 */
async function run(
  kernel: Kernel.IKernelConnection,
  code: string
): Promise<string> {
  let out = '';
  const future = kernel.requestExecute({ code, store_history: false });
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    if (KernelMessage.isStreamMsg(msg)) {
      out += msg.content.text;
    }
  };
  const reply = await future.done;
  return out.trim() || `reply:${reply.content.status}`;
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

describe('kernel sync against a real server', () => {
  let server: TestServer;
  let kernels: KernelManager;
  let sessions: SessionManager;
  let specs: KernelSpecManager;
  let vault: VaultModel;
  let status: StatusModel;
  let sync: KernelSync;
  let user: Session.ISessionConnection;
  let first: { id: string; fingerprint: string; value: string };
  let second: { id: string; fingerprint: string; value: string };

  beforeAll(async () => {
    server = await TestServer.start();
    const value = newValue();
    first = { ...(await server.addToken(value)), value };
    const other = newValue();
    second = { ...(await server.addToken(other, false)), value: other };
    const serverSettings = server.settings;
    kernels = new KernelManager({ serverSettings });
    sessions = new SessionManager({ serverSettings, kernelManager: kernels });
    specs = new KernelSpecManager({ serverSettings });
    await Promise.all([kernels.ready, sessions.ready, specs.ready]);
    vault = new VaultModel({ serverSettings });
    status = new StatusModel({ serverSettings });
    await Promise.all([vault.refresh(), status.refresh()]);
    sync = new KernelSync({
      vault,
      status,
      sessions,
      kernelspecs: specs,
      kernels,
      notebooks: null,
      consoles: null,
      trans: nullTranslator.load('jupyterlab_mlplatform_tokens')
    });
    user = await sessions.startNew({
      path: 'harness.ipynb',
      type: 'notebook',
      name: 'harness.ipynb',
      kernel: { name: 'python3' }
    });
    // Not `info`: a kernel_info request sent before the kernel listens may
    // never be answered; a first cell is queued until it is.
  });

  afterAll(async () => {
    sync?.dispose();
    if (user && !user.isDisposed) {
      await user.shutdown().catch(() => undefined);
    }
    sessions?.dispose();
    kernels?.dispose();
    specs?.dispose();
    vault?.dispose();
    status?.dispose();
    await server?.stop();
  });

  it('a new kernel sees the token in its first cell', async () => {
    expect(await run(user.kernel!, PROBE)).toBe(probeLine(first.value));
  });

  it.each([0, 5, 50, 200, 500, 1000])(
    'after restart(), a cell sent at %i ms sees the token',
    async ms => {
      const kernel = user.kernel!;
      const restarting = kernel.restart();
      await delay(ms);
      const seen = run(kernel, PROBE);
      await restarting;
      expect(await seen).toBe(probeLine(first.value));
    }
  );

  it('a switch reaches a kernel no widget holds, with only status messages on iopub, and closes its connection', async () => {
    await sessions.refreshRunning();
    const iopub = new Set<string>();
    const watch = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
      iopub.add(msg.header.msg_type);
    };
    user.kernel!.iopubMessage.connect(watch);
    await delay(300);
    await vault.activate(second.id);
    const deadline = Date.now() + 15000;
    while (
      !sync.kernels.every(
        k => k.sync === 'synced' && k.fingerprint === second.fingerprint
      ) &&
      Date.now() < deadline
    ) {
      await delay(20);
    }
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
    expect(await run(user.kernel!, PROBE)).toBe(probeLine(second.value));
  });

  it('a removal takes the variable away from os.environ and subprocesses', async () => {
    await vault.remove(second.id);
    const deadline = Date.now() + 15000;
    while (
      !sync.kernels.every(k => k.sync === 'synced' && k.fingerprint === null) &&
      Date.now() < deadline
    ) {
      await delay(20);
    }
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
      const answer = await server.api('tokens', 'POST', {
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
