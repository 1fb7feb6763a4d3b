/** @jest-environment node */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Agent, fetch } from 'undici';

import { bearerFor, call, type TokenInfo } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'emulator', 'src', 'main.ts');

interface IRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): IRun {
  const child = spawn(TSX, [MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', chunk => (out += chunk));
  child.stderr?.on('data', chunk => (err += chunk));
  const exit = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code))
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(
  run: IRun,
  pattern: RegExp,
  timeoutMs = 20000
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = run.stdout().match(pattern);
    if (match) {
      return match;
    }
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(
        `No ${pattern} in output:\n${run.stdout()}\n${run.stderr()}`
      );
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('emulator command line', () => {
  let dir: string;
  const running: IRun[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-emulator-cli-'));
  });

  afterAll(async () => {
    for (const r of running) {
      if (r.child.exitCode === null) {
        r.child.kill('SIGKILL');
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('prints usage for --help and exits 0', async () => {
    const r = run(['--help']);
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toMatch(/^Usage: npx tsx emulator\/src\/main.ts/);
    expect(r.stdout()).toContain('--seed-admin');
  }, 30000);

  it.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['extra'], /positional/i],
    [['--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
    [
      ['--tls-ca', 'ca.pem', '--tls-key', 'k.pem'],
      /--tls-ca makes its own certificate/
    ],
    [['--tls-ca', ''], /--tls-ca must name a file/]
  ])(
    'rejects %j with a clear message and exit code 2',
    async (args, message) => {
      const r = run(args);
      expect(await r.exit).toBe(2);
      expect(r.stderr()).toMatch(message);
      expect(r.stderr()).toContain('Usage:');
    },
    30000
  );

  it('serves, seeds an admin, logs requests without secrets, and stops cleanly on SIGTERM', async () => {
    const dataFile = path.join(dir, 'cli-state.json');
    const first = run([
      '--port',
      '0',
      '--data',
      dataFile,
      '--seed-admin',
      '--control',
      '--verbose'
    ]);
    running.push(first);
    const [, url] = await waitFor(
      first,
      /^ML Platform emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m
    );
    const [, admin] = await waitFor(first, /^MLPLATFORM_ADMIN_TOKEN=(\S+)$/m);

    const bearer = await bearerFor(url, admin);
    const me = await call<TokenInfo>(url, 'GET', '/tokens/me', { bearer });
    expect(me.body.type).toBe('ADMIN');
    expect(me.body.name).toMatch(/^admin-[0-9a-f]{6}$/);
    expect((await call(url, 'GET', '/_emulator/clock')).status).toBe(200);
    await waitFor(first, /^GET \/tokens\/me 200$/m);
    expect(first.stdout().split(admin).length).toBe(2);
    expect(first.stdout()).not.toContain(bearer);
    expect((await stat(dataFile)).mode & 0o777).toBe(0o600);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = run(['--port', '0', '--data', dataFile, '--seed-admin']);
    running.push(second);
    const [, url2] = await waitFor(
      second,
      /listening on (http:\/\/127\.0\.0\.1:\d+)$/m
    );
    const [, admin2] = await waitFor(second, /^MLPLATFORM_ADMIN_TOKEN=(\S+)$/m);
    expect(admin2).not.toBe(admin);
    const old = await call<TokenInfo>(url2, 'GET', '/tokens/me', {
      bearer: await bearerFor(url2, admin)
    });
    expect(old.body.name).toBe(me.body.name);
    expect((await call(url2, 'GET', '/_emulator/clock')).status).toBe(404);
    expect(second.stdout()).not.toMatch(/^GET /m);

    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  }, 60000);

  it('serves HTTPS with a certificate made for the run, its CA written for clients', async () => {
    const caFile = path.join(dir, 'run-ca.pem');
    const served = run(['--port', '0', '--tls-ca', caFile, '--seed-admin']);
    running.push(served);
    const [, url] = await waitFor(
      served,
      /^ML Platform emulator listening on (https:\/\/127\.0\.0\.1:\d+)$/m
    );
    const [, admin] = await waitFor(served, /^MLPLATFORM_ADMIN_TOKEN=(\S+)$/m);
    const dispatcher = new Agent({ connect: { ca: await readFile(caFile) } });
    try {
      const response = await fetch(`${url}/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: admin }),
        dispatcher
      });
      expect(response.status).toBe(200);
      await response.text();
    } finally {
      await dispatcher.close();
    }
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
  }, 60000);
});
