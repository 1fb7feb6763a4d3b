/**
 * A real server, the extension's models and `KernelSync` over
 * `@jupyterlab/services`, for the kernel tests.
 */
import {
  KernelManager,
  KernelSpecManager,
  type Session,
  SessionManager
} from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import { KernelSync } from '../../src/kernels/sync';
import { StatusModel } from '../../src/server/status';
import { VaultModel } from '../../src/vault/model';
import { delay } from './probe';
import { TestServer } from './server';

/** A saved token of the harness. */
export interface IHarnessToken {
  id: string;
  fingerprint: string;
  value: string;
}

/**
 * A real server, the extension's models and a `KernelSync` driving its
 * kernels, as in the browser (without widgets).
 */
export class Harness {
  static async start(): Promise<Harness> {
    const server = await TestServer.start();
    const serverSettings = server.settings;
    const kernels = new KernelManager({ serverSettings });
    const sessions = new SessionManager({
      serverSettings,
      kernelManager: kernels
    });
    const specs = new KernelSpecManager({ serverSettings });
    await Promise.all([kernels.ready, sessions.ready, specs.ready]);
    return new Harness(server, kernels, sessions, specs);
  }

  private constructor(
    readonly server: TestServer,
    readonly kernels: KernelManager,
    readonly sessions: SessionManager,
    readonly specs: KernelSpecManager
  ) {}

  /** Save a token (active unless said otherwise). */
  async addToken(value: string, activate = true): Promise<IHarnessToken> {
    return { ...(await this.server.addToken(value, activate)), value };
  }

  /**
   * Load the vault and status models and start the sync (after the tokens
   * the test starts with are saved), optionally fed by a notebook tracker.
   */
  async startSync(
    notebooks: KernelSync.IOptions['notebooks'] = null
  ): Promise<KernelSync> {
    const serverSettings = this.server.settings;
    this.vault = new VaultModel({ serverSettings });
    this.status = new StatusModel({ serverSettings });
    await Promise.all([this.vault.refresh(), this.status.refresh()]);
    this.sync = new KernelSync({
      vault: this.vault,
      status: this.status,
      sessions: this.sessions,
      kernelspecs: this.specs,
      kernels: this.kernels,
      notebooks,
      consoles: null,
      trans: nullTranslator.load('jupyterlab_mlplatform_tokens')
    });
    return this.sync;
  }

  /** Start a notebook session on `kernel`; it is shut down by `dispose`. */
  async openNotebook(
    path: string,
    kernel: string
  ): Promise<Session.ISessionConnection> {
    // Not `info` afterwards: a kernel_info request sent before the kernel
    // listens may never be answered; a first cell is queued until it is.
    const session = await this.sessions.startNew({
      path,
      type: 'notebook',
      name: path,
      kernel: { name: kernel }
    });
    this._notebooks.push(session);
    return session;
  }

  /**
   * Wait until every kernel the sync knows carries `fingerprint` (null: no
   * token) and is synced; throws after `timeoutMs`.
   */
  async synced(fingerprint: string | null, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const done = () =>
      this.sync!.kernels.every(
        k => k.sync === 'synced' && k.fingerprint === fingerprint
      );
    while (!done()) {
      if (Date.now() > deadline) {
        throw new Error(
          `kernels not synced: ${JSON.stringify(this.sync!.kernels)}`
        );
      }
      await delay(20);
    }
  }

  async dispose(): Promise<void> {
    for (const session of this._notebooks) {
      if (!session.isDisposed) {
        await session.shutdown().catch(() => undefined);
      }
    }
    this.sync?.dispose();
    this.sessions.dispose();
    this.kernels.dispose();
    this.specs.dispose();
    this.vault?.dispose();
    this.status?.dispose();
    await this.server.stop();
  }

  vault: VaultModel | null = null;
  status: StatusModel | null = null;
  sync: KernelSync | null = null;
  private readonly _notebooks: Session.ISessionConnection[] = [];
}
