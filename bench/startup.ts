/**
 * JupyterLab start time with and without the extension.
 *
 *   PATH=.venv/bin:$PATH npx tsx bench/startup.ts
 *
 * Each run starts a fresh `jupyter lab` (own port, empty folder, workspace
 * and settings) and opens it in a fresh Chromium context (cold cache):
 *
 * - server: from spawning `jupyter lab` to `/api/status` answering;
 * - page: from navigating to `/lab` to the shell drawn and the splash gone;
 * - total: from spawning to the page ready.
 *
 * "With" is the extension's production build (as the wheel ships it) and
 * its server part, with an active Administrator token in the vault, so it
 * does all its start-up work (reads the vault, checks the token through the
 * pipe against the emulator, adds panel, commands and status bar).
 * "Without" is the same JupyterLab with the extension's server part
 * disabled and its frontend off the labextensions path, so none of its code
 * is loaded. Both read the prebuilt extensions from a folder of links to the
 * installed ones. The runs alternate (with, without, without, with, …).
 *
 * Three series of 15 starts of each (STARTUP_SERIES, STARTUP_RUNS), each
 * printed with its medians, its spread (the middle half of the runs, p25 to
 * p75) and how many requests to the server part the page sent before the
 * shell was ready. The extension sends none before the layout is restored
 * (test/startup.test.ts), so that its reads do not compete with
 * JupyterLab's own; they run while the splash fades out (200 ms). Budget: page with/without ≤ 1.02 (p50) in every series; exits
 * 1 when a series misses it.
 *
 * Needs `make setup` (`lib/` built, server part installed), `jupyter` and
 * `jupyter-builder` on PATH, and Chromium at /usr/bin/chromium (MLP_CHROMIUM
 * to change). Exits by itself.
 */

import { ChildProcess, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { startEmulator } from '../emulator/src/server';
import { type IBrowser, launchChromium } from './chromium';
import {
  buildProduction,
  freePort,
  labConfigLines,
  linkedLabextensions,
  median,
  saveActiveAdmin,
  useProjectPath,
  waitFor
} from './util';

// Before anything starts a child process.
useProjectPath();

const RUNS = Number(process.env.STARTUP_RUNS ?? 15);
const SERIES = Number(process.env.STARTUP_SERIES ?? 3);
const BUDGET_RATIO = 1.02;
const ROUTES = '/mlplatform-tokens/';
const PACKAGE = 'jupyterlab-mlplatform-tokens';
const SERVER_EXTENSION = 'jupyterlab_mlplatform_tokens';

type Variant = 'with' | 'without';

interface ITiming {
  server: number;
  page: number;
  total: number;
  /** Requests to the server part sent before the shell was ready. */
  early: number;
}

/**
 * A labextensions folder holding every installed prebuilt extension but
 * this one (as links), plus `ours` when given.
 */
function labextensionsFolder(dir: string, ours: string | null): string {
  linkedLabextensions(dir, PACKAGE);
  if (ours) {
    symlinkSync(ours, join(dir, PACKAGE));
  }
  return dir;
}

/** Write the server configuration of one variant; return its path. */
function writeConfig(
  scratch: string,
  variant: Variant,
  vaultPath: string,
  labextensions: string
): string {
  const lines = [...labConfigLines(scratch, labextensions)];
  if (variant === 'with') {
    lines.push(`c.MLPlatformTokens.vault_path = ${JSON.stringify(vaultPath)}`);
  } else {
    lines.push(
      `c.ServerApp.jpserver_extensions = {${JSON.stringify(SERVER_EXTENSION)}: False}`
    );
  }
  const file = join(scratch, `${variant}.py`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Stop a server and wait for it to exit. */
async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) {
    return;
  }
  const exited = new Promise(resolve => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Start JupyterLab with `config`; return it once `/api/status` answers. */
async function startLab(
  config: string,
  port: number,
  env: NodeJS.ProcessEnv
): Promise<{ server: ChildProcess; readyAt: number; startedAt: number }> {
  const startedAt = performance.now();
  const server = spawn(
    'jupyter',
    ['lab', '--config', config, `--ServerApp.port=${port}`],
    { env, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let log = '';
  server.stderr!.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    server.once('exit', code =>
      reject(new Error(`jupyter lab exited (${code}):\n${log}`))
    )
  );
  try {
    await Promise.race([
      waitFor(`http://127.0.0.1:${port}/api/status`, 120_000, 20),
      exited
    ]);
  } catch (error) {
    await stop(server);
    throw error;
  }
  exited.catch(() => undefined); // it exits when stopped
  return { server, readyAt: performance.now(), startedAt };
}

/**
 * Open `/lab` in a fresh context; return when the shell is ready, whether
 * the extension's panel is there, and how many requests to the server part
 * the page sent before that.
 */
async function openLab(
  browser: IBrowser,
  port: number
): Promise<{ readyAt: number; hasPanel: boolean; early: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let early = 0;
    let ready = false;
    page.on('request', (request: { url(): string }) => {
      if (!ready && new URL(request.url()).pathname.startsWith(ROUTES)) {
        early++;
      }
    });
    await page.goto(`http://127.0.0.1:${port}/lab`, {
      waitUntil: 'commit'
    });
    await page.waitForFunction(
      () =>
        document.querySelector('.jp-LabShell') !== null &&
        document.getElementById('jupyterlab-splash') === null,
      undefined,
      { polling: 10, timeout: 120_000 }
    );
    const readyAt = performance.now();
    ready = true;
    const hasPanel = (await page.$('#jp-mlpTokens-panel')) !== null;
    return { readyAt, hasPanel, early };
  } finally {
    await context.close();
  }
}

type ISeries = Record<Variant, ITiming[]>;

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0 });
  const scratch = mkdtempSync(join(tmpdir(), 'mlp-bench-startup-'));
  let browser: IBrowser | null = null;
  const series: ISeries[] = [];
  try {
    const admin = await emulator.seedAdmin('bench-admin');
    const env = { ...process.env, MLPLATFORM_API_URL: emulator.url };
    const vaultPath = join(scratch, 'vault', 'vault.json');
    const production = buildProduction(join(scratch, 'build'));
    const configs = {
      with: writeConfig(
        scratch,
        'with',
        vaultPath,
        labextensionsFolder(join(scratch, 'labextensions-with'), production)
      ),
      without: writeConfig(
        scratch,
        'without',
        vaultPath,
        labextensionsFolder(join(scratch, 'labextensions-without'), null)
      )
    };
    const chromium = await launchChromium();
    browser = chromium;

    const run = async (variant: Variant, save: boolean): Promise<ITiming> => {
      for (const folder of ['root', 'workspaces', 'settings']) {
        rmSync(join(scratch, folder), { recursive: true, force: true });
        mkdirSync(join(scratch, folder));
      }
      const port = freePort();
      const { server, readyAt, startedAt } = await startLab(
        configs[variant],
        port,
        env
      );
      try {
        if (save) {
          // Once, untimed: the active token the timed runs start with.
          await saveActiveAdmin(`http://127.0.0.1:${port}`, admin);
        }
        const pageStart = performance.now();
        const {
          readyAt: pageReady,
          hasPanel,
          early
        } = await openLab(chromium, port);
        if (hasPanel !== (variant === 'with')) {
          throw new Error(
            `The panel is ${hasPanel ? '' : 'not '}there in a run ${variant} the extension`
          );
        }
        return {
          server: readyAt - startedAt,
          page: pageReady - pageStart,
          total: readyAt - startedAt + (pageReady - pageStart),
          early
        };
      } finally {
        await stop(server);
      }
    };

    // Warm-up, untimed: saves the token, fills the OS file cache.
    await run('with', true);
    await run('without', false);
    for (let n = 0; n < SERIES; n++) {
      const timings: ISeries = { with: [], without: [] };
      for (let i = 0; i < RUNS; i++) {
        const order: Variant[] =
          i % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
        for (const variant of order) {
          timings[variant].push(await run(variant, false));
        }
      }
      series.push(timings);
      report(timings, n);
    }
  } finally {
    await browser?.close();
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  const pages = series.map(ratio('page'));
  const passed = pages.every(value => value <= BUDGET_RATIO);
  console.log(
    `Budget: page with/without ≤ ${BUDGET_RATIO} (p50) in each of ${SERIES} series: ${pages.map(value => value.toFixed(3)).join(', ')} — ${passed ? 'PASS' : 'FAIL'}`
  );
  if (!passed) {
    process.exitCode = 1;
  }
}

/** The value at the `p`th percentile of `values` (nearest rank). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** The with/without ratio of the medians of `key` in a series. */
function ratio(key: 'server' | 'page' | 'total'): (timings: ISeries) => number {
  return timings =>
    median(timings.with.map(t => t[key])) /
    median(timings.without.map(t => t[key]));
}

/** Print one series: medians, their spread and the ratio. */
function report(timings: ISeries, index: number): void {
  const cell = (value: string, width: number) => value.padStart(width);
  const spread = (values: number[]) =>
    `${median(values).toFixed(0)} [${percentile(values, 25).toFixed(0)}–${percentile(values, 75).toFixed(0)}]`;
  console.log(
    `Series ${index + 1} of ${SERIES}: JupyterLab start, ${RUNS} runs each, alternating; p50 [p25–p75] (load average ${loadavg()[0].toFixed(2)})`
  );
  console.log(
    `${''.padEnd(34)}${cell('without', 18)}${cell('with', 18)}${cell('with/without', 15)}`
  );
  const rows: [string, 'server' | 'page' | 'total'][] = [
    ['server: spawn → /api/status (ms)', 'server'],
    ['page: /lab → shell ready (ms)', 'page'],
    ['total (ms)', 'total']
  ];
  for (const [label, key] of rows) {
    const without = timings.without.map(t => t[key]);
    const withIt = timings.with.map(t => t[key]);
    console.log(
      `${label.padEnd(34)}${cell(spread(without), 18)}${cell(spread(withIt), 18)}${cell(ratio(key)(timings).toFixed(3), 15)}`
    );
  }
  const early = median(timings.with.map(t => t.early));
  console.log(
    `requests to the server part before the shell was ready: ${early} per start (p50)`
  );
  console.log('');
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
