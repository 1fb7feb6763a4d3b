/**
 * A real jupyter_server with the extension enabled, on a free loopback port,
 * with its own vault, data, runtime and IPython folders and a random Jupyter
 * token (Jupyter's authentication on, as in production; requests carry the
 * token in their Authorization header, which also satisfies the XSRF
 * check); and the services settings to reach it from Node.
 */
import { ServerConnection } from '@jupyterlab/services';
import { type ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type * as Undici from 'undici';

// Node 20 has no global WebSocket; `ws` is already installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocketImpl = require('ws') as typeof WebSocket;

const ROOT = path.resolve(__dirname, '../..');

export class TestServer {
  /**
   * Start the server; `baseUrl` defaults to MLP_BASE_URL or '/'. With
   * `serverPart: false` the extension's server part is not enabled (as on a
   * server started before the extension was installed). `apiUrl` is the
   * ML Platform the server part reaches: through the HTTP pipe (`backend`
   * 'http', the default), or through the `mlplatform_client` stand-in of
   * `standins/` aimed at it (`backend` 'library').
   */
  static async start(
    baseUrl = process.env.MLP_BASE_URL || '/',
    options: {
      serverPart?: boolean;
      apiUrl?: string;
      backend?: 'http' | 'library';
    } = {}
  ): Promise<TestServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-kernel-sync-'));
    for (const sub of ['root', 'data', 'runtime', 'ipython']) {
      fs.mkdirSync(path.join(dir, sub));
    }
    const port = await freePort();
    const token = randomBytes(24).toString('hex');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Read by Jupyter's identity provider; kept out of the command line.
      JUPYTER_TOKEN: token,
      PATH: `${path.join(ROOT, '.venv/bin')}:${process.env.PATH ?? ''}`,
      JUPYTER_DATA_DIR: path.join(dir, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
      IPYTHONDIR: path.join(dir, 'ipython')
    };
    delete env.MLP_REFRESH_TOKEN;
    const platform: string[] = [];
    if (options.backend === 'library') {
      delete env.MLPLATFORM_API_URL;
      env.MLPLATFORM_STANDIN_URL = options.apiUrl;
      env.PYTHONPATH = [path.join(ROOT, 'standins'), env.PYTHONPATH]
        .filter(Boolean)
        .join(path.delimiter);
      platform.push('--MLPlatformTokens.backend=library');
    } else if (options.apiUrl) {
      platform.push(
        '--MLPlatformTokens.backend=http',
        `--MLPlatformTokens.api_url=${options.apiUrl}`
      );
    }
    const child = spawn(
      path.join(ROOT, '.venv/bin/jupyter'),
      [
        'server',
        '--no-browser',
        '--ServerApp.ip=127.0.0.1',
        `--ServerApp.port=${port}`,
        '--ServerApp.port_retries=0',
        `--ServerApp.base_url=${baseUrl}`,
        `--ServerApp.root_dir=${path.join(dir, 'root')}`,
        '--ServerApp.allow_root=True',
        `--MLPlatformTokens.vault_path=${path.join(dir, 'vault', 'vault.json')}`,
        ...platform,
        ...(options.serverPart === false
          ? [
              '--ServerApp.jpserver_extensions={"jupyterlab_mlplatform_tokens": False}'
            ]
          : [])
      ],
      {
        cwd: dir,
        env,
        stdio: ['ignore', 'ignore', 'pipe']
      }
    );
    let log = '';
    child.stderr?.on('data', chunk => {
      log = (log + String(chunk)).slice(-4000);
    });
    const origin = `http://127.0.0.1:${port}`;
    const base = `${origin}${baseUrl}`;
    const server = new TestServer(child, dir, base, baseUrl, port, token);
    const deadline = Date.now() + 60000;
    for (;;) {
      try {
        const response = await fetch(`${base}api/status`, {
          headers: { Authorization: `token ${token}` }
        });
        if (response.ok) {
          return server;
        }
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`jupyter server did not start:\n${log}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  private constructor(
    private _child: ChildProcess,
    readonly dir: string,
    readonly base: string,
    readonly baseUrl: string,
    readonly port: number,
    /** Jupyter's token (a test secret, not an ML Platform one). */
    readonly token: string
  ) {
    this.settings = ServerConnection.makeSettings({
      baseUrl: base,
      wsUrl: base.replace(/^http/, 'ws'),
      // Sent as `Authorization: token …`, and on WebSocket URLs.
      appendToken: true,
      token,
      WebSocket: WebSocketImpl
    });
  }

  readonly settings: ServerConnection.ISettings;

  /**
   * The typed client's options to reach the ML Platform through this
   * server's pipe, as the page does: Jupyter's own auth on every request,
   * the bearer in the pipe's own header.
   */
  pipeClient(): {
    baseUrl: string;
    authorizationHeader: string;
    fetch: typeof fetch;
  } {
    const token = this.token;
    // Required here, not at the top: tests in jsdom (no ReadableStream)
    // load this module without calling it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fetch: undiciFetch } = require('undici') as typeof Undici;
    return {
      baseUrl: `${this.base}mlplatform-tokens/upstream`,
      authorizationHeader: 'X-MLPlatform-Authorization',
      fetch: ((input: RequestInfo | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set('Authorization', `token ${token}`);
        return undiciFetch(
          input as Parameters<typeof undiciFetch>[0],
          { ...init, headers } as Parameters<typeof undiciFetch>[1]
        );
      }) as typeof fetch
    };
  }

  /**
   * Call the extension's REST API.
   */
  async api<T>(
    endPoint: string,
    method = 'GET',
    body?: unknown
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.base}mlplatform-tokens/${endPoint}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `token ${this.token}`
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as T
    };
  }

  /**
   * Save a token (active unless said otherwise); answers its id and fingerprint.
   */
  async addToken(
    value: string,
    activate = true
  ): Promise<{ id: string; fingerprint: string }> {
    const answer = await this.api<{
      token: { id: string; fingerprint: string };
    }>('tokens', 'POST', {
      value,
      name: 'harness',
      role: 'USER',
      issuer: 'jest',
      expires_at: null,
      activate
    });
    if (answer.status !== 201) {
      throw new Error(`adding a token answered ${answer.status}`);
    }
    return answer.body.token;
  }

  async stop(): Promise<void> {
    if (this._child.exitCode === null) {
      const exited = new Promise(resolve => this._child.once('exit', resolve));
      this._child.kill('SIGTERM');
      const timer = setTimeout(() => this._child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    this._child.stderr?.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
}
