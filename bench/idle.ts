/**
 * What an idle user costs a shared VM: one JupyterLab tab left open, with
 * an active Administrator access token, first visible, then hidden.
 *
 *   npx tsx bench/idle.ts [--minutes N]
 *
 * Two Jupyter servers run side by side, each with one tab open in a
 * Chromium of its own, so that both see the same load of the machine:
 *
 * - "with": JupyterLab with the extension (the installed build and the
 *   server part), an active Administrator token saved in its vault, and
 *   the extension's panel open in the sidebar, so that every section of it
 *   is live (the project's access tokens listed through the pipe);
 * - "without": the same JupyterLab with none of the extension: its server
 *   part disabled (`c.ServerApp.jpserver_extensions`, so its code is not
 *   even imported) and its frontend off the labextensions path. Its tab has
 *   the running-sessions panel open instead, so that both tabs have a
 *   sidebar panel open and the file browser closed.
 *
 * Both servers get the same configuration otherwise (the prebuilt
 * extensions come from a folder of links to the installed ones) and the
 * same warm-up: the page loaded, its panel open, then one minute left alone
 * (what the page sends while it opens is printed, not counted).
 * Then the tabs stay idle for N minutes (default 10): the first half in
 * front, the second half behind a blank tab of the same window
 * (`document.visibilityState` is checked to be 'hidden' every 30 s; the
 * browser is started by hand and attached over CDP without Playwright's
 * focus emulation, which would keep every page visible).
 *
 * Measured:
 * - requests to the server part (`/mlplatform-tokens/...`, the pipe
 *   included), counted in the browser from the requests the tab sends, and
 *   requests reaching the upstream API, counted by the emulator;
 * - the Jupyter server's RSS (`VmRSS` in /proc/<pid>/status) after the
 *   warm-up and at the end, and its CPU time (utime + stime in
 *   /proc/<pid>/stat) in each half.
 *
 * Budgets: a hidden tab sends nothing (0 requests to the server part, 0 to
 * the upstream); a visible one at most one request a minute (on average
 * over its half); the server part adds ≤ 5 MB RSS; idle CPU is not
 * measurable: the server with the extension uses at most 1 % of one core
 * (0.6 CPU-seconds a minute) more than the one without. Exits 1 when a
 * budget is missed.
 *
 * Needs what `make test` sets up: the extension built and installed in
 * the project's venv (found by itself), the UI tests' Playwright, and
 * Chromium at /usr/bin/chromium (MLP_CHROMIUM to change). Everything it
 * starts runs in a throwaway folder, on free ports, and is stopped before
 * it exits, also when interrupted. Takes N + about 3 minutes.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { type IEmulator, startEmulator } from '../emulator/src/server';
import {
  freePort,
  labConfigLines,
  linkedLabextensions,
  saveActiveAdmin,
  useProjectPath,
  waitFor
} from './util';

// Before anything starts a child process.
useProjectPath();

const MINUTE = 60_000;
const WARM_UP_MS = MINUTE;
const SAMPLE_MS = 30_000;
const PREFIX = '/mlplatform-tokens/';
const PACKAGE = 'jupyterlab-mlplatform-tokens';
const SERVER_EXTENSION = 'jupyterlab_mlplatform_tokens';
const BUDGET_VISIBLE_PER_MINUTE = 1;
const BUDGET_RSS_MB = 5;
/** 1 % of one core, in CPU-seconds a minute. */
const BUDGET_CPU_S_PER_MINUTE = 0.6;

type Variant = 'with' | 'without';
type Phase = 'warm-up' | 'visible' | 'hidden';

/** The parts of Playwright the benchmark uses. */
interface IRequest {
  url(): string;
  method(): string;
}

interface IPage {
  goto(url: string, options?: object): Promise<unknown>;
  waitForFunction(
    fn: () => boolean,
    arg?: unknown,
    options?: object
  ): Promise<unknown>;
  waitForSelector(selector: string, options?: object): Promise<unknown>;
  click(selector: string): Promise<void>;
  evaluate<T>(fn: () => T): Promise<T>;
  bringToFront(): Promise<void>;
}

interface IContext {
  pages(): IPage[];
  newPage(): Promise<IPage>;
  on(event: 'request', listener: (request: IRequest) => void): void;
}

interface ICdpBrowser {
  contexts(): IContext[];
  close(): Promise<void>;
}

// Playwright is a dependency of the UI tests, not of the extension.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chromium } = require('../ui-tests/node_modules/playwright-core') as {
  chromium: {
    connectOverCDP(
      endpoint: string,
      options: { noDefaults: boolean }
    ): Promise<ICdpBrowser>;
  };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CHROMIUM = require('../ui-tests/chromium') as {
  executablePath: string;
  args: string[];
};

/** One request the tab sent to its server. */
interface ISent {
  phase: Phase;
  at: number;
  label: string;
  ours: boolean;
}

/** CPU time (s) and RSS (MB) of a process. */
interface IUsage {
  cpu: number;
  rss: number;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    return 100;
  }
})();

function usage(pid: number): IUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "pid (comm) ": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  return { cpu: ticks / TICKS_PER_SECOND, rss: rss / 1024 };
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Stop a child process and wait for it to exit. */
async function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function parseMinutes(argv: string[]): number {
  const at = argv.findIndex(
    arg => arg === '--minutes' || arg.startsWith('--minutes=')
  );
  if (at < 0) {
    return 10;
  }
  const text = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    throw new Error(`--minutes needs a positive number, not ${text}`);
  }
  return minutes;
}

/**
 * A Jupyter server and one tab of it in a Chromium of its own.
 */
class Subject {
  constructor(
    readonly variant: Variant,
    private readonly _scratch: string
  ) {}

  phase: Phase = 'warm-up';
  readonly sent: ISent[] = [];
  readonly visibility: Record<Phase, string[]> = {
    'warm-up': [],
    visible: [],
    hidden: []
  };
  pid = 0;

  /** Start the server; with the extension, save the active token. */
  async startServer(emulator: IEmulator, admin: string): Promise<void> {
    const dir = join(this._scratch, this.variant);
    for (const folder of ['root', 'workspaces', 'settings']) {
      mkdirSync(join(dir, folder), { recursive: true });
    }
    const labextensions = linkedLabextensions(
      join(dir, 'labextensions'),
      this.variant === 'with' ? null : PACKAGE
    );
    const lines = [
      ...labConfigLines(dir, labextensions),
      this.variant === 'with'
        ? `c.MLPlatformTokens.vault_path = ${JSON.stringify(join(dir, 'vault', 'vault.json'))}`
        : `c.ServerApp.jpserver_extensions = {${JSON.stringify(SERVER_EXTENSION)}: False}`
    ];
    const config = join(dir, 'config.py');
    writeFileSync(config, lines.join('\n') + '\n');
    this._port = freePort();
    this._server = spawn(
      'jupyter',
      ['lab', '--config', config, `--ServerApp.port=${this._port}`],
      {
        cwd: dir,
        env: { ...process.env, MLPLATFORM_API_URL: emulator.url },
        stdio: ['ignore', 'ignore', 'pipe']
      }
    );
    let log = '';
    this._server.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) =>
      this._server!.once('exit', code =>
        reject(
          new Error(`jupyter lab (${this.variant}) exited (${code}):\n${log}`)
        )
      )
    );
    exited.catch(() => undefined);
    await Promise.race([waitFor(`${this.base}/api/status`, 180_000), exited]);
    // `jupyter lab` execs `jupyter-lab`: the process measured is the server.
    this.pid = this._server.pid!;
    const command = readFileSync(`/proc/${this.pid}/cmdline`, 'utf8');
    if (!command.includes('jupyter-lab')) {
      throw new Error(`process ${this.pid} is not the server: ${command}`);
    }
    if (this.variant === 'with') {
      await saveActiveAdmin(this.base, admin);
    }
  }

  /** Open the tab, with a sidebar panel open, and count what it sends. */
  async openTab(): Promise<void> {
    const profile = join(this._scratch, `chromium-${this.variant}`);
    this._chromium = spawn(
      CHROMIUM.executablePath,
      [
        ...CHROMIUM.args,
        '--headless',
        '--remote-debugging-port=0',
        `--user-data-dir=${profile}`,
        '--window-size=1280,900',
        'about:blank'
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`Chromium did not start:\n${out}`)),
        60_000
      );
      this._chromium!.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}):\n${out}`));
      });
      this._chromium!.stderr!.on('data', (chunk: Buffer) => {
        out = (out + chunk.toString()).slice(-4000);
        const url = /DevTools listening on (ws:\/\/\S+)/.exec(out)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    });
    // The default context of a browser attached without Playwright's
    // defaults: no focus emulation, so a tab behind another is hidden.
    this._browser = await chromium.connectOverCDP(endpoint, {
      noDefaults: true
    });
    this._context = this._browser.contexts()[0];
    this._context.on('request', request => {
      const url = new URL(request.url());
      if (url.origin !== this.base) {
        return;
      }
      this.sent.push({
        phase: this.phase,
        at: Date.now(),
        label: `${request.method()} ${url.pathname}`,
        ours: url.pathname.startsWith(PREFIX)
      });
    });
    const page = this._context.pages()[0] ?? (await this._context.newPage());
    this._page = page;
    await page.goto(`${this.base}/lab`);
    await page.waitForFunction(
      () =>
        document.querySelector('.jp-LabShell') !== null &&
        document.getElementById('jupyterlab-splash') === null,
      undefined,
      { timeout: 180_000 }
    );
    const panel =
      this.variant === 'with' ? 'jp-mlpTokens-panel' : 'jp-running-sessions';
    await page.waitForSelector(`#${panel}`, {
      state: 'attached',
      timeout: 60_000
    });
    await page.click(
      `.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="${panel}"]`
    );
    if (this.variant === 'with') {
      await page.waitForSelector(
        '#jp-mlpTokens-projectTokens .jp-mlpTokens-projectRow',
        { timeout: 120_000 }
      );
    }
  }

  /** The page's `document.visibilityState`, recorded for the phase. */
  async checkVisibility(): Promise<string> {
    const state = await this._page!.evaluate(() => document.visibilityState);
    this.visibility[this.phase].push(state);
    return state;
  }

  /** Put a blank tab of the same window in front of the measured one. */
  async hide(): Promise<void> {
    const blank = await this._context!.newPage();
    await blank.bringToFront();
  }

  get base(): string {
    return `http://127.0.0.1:${this._port}`;
  }

  async close(): Promise<void> {
    await this._browser?.close().catch(() => undefined);
    await stop(this._chromium);
    await stop(this._server);
  }

  private _port = 0;
  private _server: ChildProcess | null = null;
  private _chromium: ChildProcess | null = null;
  private _browser: ICdpBrowser | null = null;
  private _context: IContext | null = null;
  private _page: IPage | null = null;
}

/** What was seen of both subjects in one phase. */
interface IPhaseResult {
  minutes: number;
  usage: Record<Variant, { start: IUsage; end: IUsage }>;
  upstream: Record<string, number>;
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** The most requests of `sent` inside any one minute. */
function busiestMinute(sent: ISent[]): number {
  let most = 0;
  for (const first of sent) {
    most = Math.max(
      most,
      sent.filter(each => each.at >= first.at && each.at < first.at + MINUTE)
        .length
    );
  }
  return most;
}

function tally(sent: ISent[]): string {
  const counts = new Map<string, number>();
  for (const each of sent) {
    counts.set(each.label, (counts.get(each.label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => `${label} ×${count}`).join(', ');
}

async function main(): Promise<number> {
  const minutes = parseMinutes(process.argv.slice(2));
  const phaseMs = (minutes * MINUTE) / 2;
  const scratch = mkdtempSync(join(tmpdir(), 'mlp-bench-idle-'));
  const emulator = await startEmulator({ port: 0 });
  const subjects: Record<Variant, Subject> = {
    with: new Subject('with', scratch),
    without: new Subject('without', scratch)
  };
  const both = [subjects.with, subjects.without];
  const loads: number[] = [];
  const results: Partial<Record<Phase, IPhaseResult>> = {};
  const rssSamples: Record<Variant, number[]> = { with: [], without: [] };
  let stopped: Promise<void> | null = null;
  const stopAll = () =>
    (stopped ??= (async () => {
      for (const subject of both) {
        await subject.close().catch(() => undefined);
      }
      await emulator.close();
      rmSync(scratch, { recursive: true, force: true });
    })());
  // Interrupted or stuck: stop what was started all the same.
  const abort = (why: string) => {
    console.error(why);
    void stopAll().finally(() => process.exit(1));
  };
  process.once('SIGINT', () => abort('Interrupted.'));
  process.once('SIGTERM', () => abort('Terminated.'));
  setTimeout(
    () => abort('The benchmark took too long; stopped.'),
    minutes * MINUTE + 20 * MINUTE
  ).unref();
  try {
    const admin = await emulator.seedAdmin('bench-admin');
    for (const subject of both) {
      await subject.startServer(emulator, admin);
    }
    for (const subject of both) {
      await subject.openTab();
    }
    await sleep(WARM_UP_MS);
    for (const subject of both) {
      await subject.checkVisibility();
    }

    const watch = async (
      phase: Phase,
      first?: () => Promise<void>
    ): Promise<void> => {
      for (const subject of both) {
        subject.phase = phase;
      }
      emulator.resetStats();
      const start = {
        with: usage(subjects.with.pid),
        without: usage(subjects.without.pid)
      };
      const startedAt = Date.now();
      await first?.();
      const endAt = startedAt + phaseMs;
      while (Date.now() < endAt) {
        await sleep(Math.min(SAMPLE_MS, endAt - Date.now()));
        loads.push(loadavg()[0]);
        for (const subject of both) {
          await subject.checkVisibility();
          rssSamples[subject.variant].push(usage(subject.pid).rss);
        }
      }
      results[phase] = {
        minutes: (Date.now() - startedAt) / MINUTE,
        usage: {
          with: { start: start.with, end: usage(subjects.with.pid) },
          without: { start: start.without, end: usage(subjects.without.pid) }
        },
        upstream: emulator.stats()
      };
    };

    await watch('visible');
    // What hiding itself sends counts as sent while hidden.
    await watch('hidden', async () => {
      for (const subject of both) {
        await subject.hide();
      }
    });
  } finally {
    await stopAll();
  }

  const visible = results.visible!;
  const hidden = results.hidden!;
  const ours = (variant: Variant, phase: Phase) =>
    subjects[variant].sent.filter(each => each.phase === phase && each.ours);
  const theirs = (variant: Variant, phase: Phase) =>
    subjects[variant].sent.filter(each => each.phase === phase && !each.ours);
  const perMinute = (count: number, result: IPhaseResult) =>
    count / result.minutes;
  const cpuPerMinute = (variant: Variant, result: IPhaseResult) =>
    (result.usage[variant].end.cpu - result.usage[variant].start.cpu) /
    result.minutes;
  const num = (value: number, digits = 2) => value.toFixed(digits);
  const signed = (value: number, digits = 2) =>
    `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
  const row = (label: string, ...cells: string[]) =>
    console.log(
      `${label.padEnd(46)}${cells.map(cell => cell.padStart(14)).join('')}`
    );

  console.log(
    `An idle JupyterLab tab, active Administrator token: ${num(visible.minutes, 1)} min visible, then ${num(hidden.minutes, 1)} min hidden`
  );
  console.log('');
  row('requests per minute (with the extension)', 'visible', 'hidden');
  const oursVisible = perMinute(ours('with', 'visible').length, visible);
  const oursHidden = perMinute(ours('with', 'hidden').length, hidden);
  const upVisible = perMinute(total(visible.upstream), visible);
  const upHidden = perMinute(total(hidden.upstream), hidden);
  row(
    '  to the server part (/mlplatform-tokens/...)',
    num(oursVisible),
    num(oursHidden)
  );
  row(
    '  to the upstream API (counted by the emulator)',
    num(upVisible),
    num(upHidden)
  );
  row(
    '  busiest minute, server part',
    String(busiestMinute(ours('with', 'visible'))),
    String(busiestMinute(ours('with', 'hidden')))
  );
  for (const variant of ['with', 'without'] as Variant[]) {
    row(
      `  JupyterLab's own requests (${variant})`,
      num(perMinute(theirs(variant, 'visible').length, visible)),
      num(perMinute(theirs(variant, 'hidden').length, hidden))
    );
  }
  console.log(
    `  sent while the page opened (warm-up, not counted): ${tally(ours('with', 'warm-up')) || 'nothing'}`
  );
  console.log(
    `  sent while visible: ${tally(ours('with', 'visible')) || 'nothing'}`
  );
  console.log(
    `  sent while hidden: ${tally(ours('with', 'hidden')) || 'nothing'}`
  );
  console.log(
    `  upstream while visible: ${JSON.stringify(visible.upstream)}; while hidden: ${JSON.stringify(hidden.upstream)}`
  );
  for (const variant of ['with', 'without'] as Variant[]) {
    const states = subjects[variant].visibility;
    console.log(
      `  document.visibilityState (${variant}): visible phase ${[...new Set(states.visible)].join('/')} (${states.visible.length} checks), hidden phase ${[...new Set(states.hidden)].join('/')} (${states.hidden.length} checks)`
    );
  }
  console.log('');
  row('Jupyter server', 'without', 'with', 'difference');
  const rssWarm = {
    with: visible.usage.with.start.rss,
    without: visible.usage.without.start.rss
  };
  const rssEnd = {
    with: hidden.usage.with.end.rss,
    without: hidden.usage.without.end.rss
  };
  row(
    '  RSS after the warm-up (MB)',
    num(rssWarm.without, 1),
    num(rssWarm.with, 1),
    signed(rssWarm.with - rssWarm.without, 1)
  );
  row(
    '  RSS at the end (MB)',
    num(rssEnd.without, 1),
    num(rssEnd.with, 1),
    signed(rssEnd.with - rssEnd.without, 1)
  );
  row(
    '  RSS over the run, min–max (MB)',
    `${num(Math.min(...rssSamples.without), 1)}–${num(Math.max(...rssSamples.without), 1)}`,
    `${num(Math.min(...rssSamples.with), 1)}–${num(Math.max(...rssSamples.with), 1)}`
  );
  const cpu = {
    visible: {
      with: cpuPerMinute('with', visible),
      without: cpuPerMinute('without', visible)
    },
    hidden: {
      with: cpuPerMinute('with', hidden),
      without: cpuPerMinute('without', hidden)
    }
  };
  row(
    '  CPU s/min, tab visible',
    num(cpu.visible.without, 3),
    num(cpu.visible.with, 3),
    signed(cpu.visible.with - cpu.visible.without, 3)
  );
  row(
    '  CPU s/min, tab hidden',
    num(cpu.hidden.without, 3),
    num(cpu.hidden.with, 3),
    signed(cpu.hidden.with - cpu.hidden.without, 3)
  );
  const mean = loads.reduce((sum, load) => sum + load, 0) / loads.length;
  const [, five, fifteen] = loadavg();
  console.log(
    `Load average over the run: mean ${num(mean)}, max ${num(Math.max(...loads))} (1-min, ${loads.length} samples); at the end 5-min ${num(five)}, 15-min ${num(fifteen)}; ${cpus().length} cores; CPU time resolution ${num(1 / TICKS_PER_SECOND, 3)} s`
  );
  console.log('');

  const rssAdded = rssEnd.with - rssEnd.without;
  const cpuAdded = Math.max(
    cpu.visible.with - cpu.visible.without,
    cpu.hidden.with - cpu.hidden.without
  );
  const hiddenSent = ours('with', 'hidden').length + total(hidden.upstream);
  const visibleRate = Math.max(oursVisible, upVisible);
  const hiddenStates = Object.values(subjects).every(
    subject =>
      subject.visibility.hidden.length > 0 &&
      subject.visibility.hidden.every(state => state === 'hidden')
  );
  const budgets: [string, string, boolean][] = [
    [
      'the hidden tab was hidden throughout (document.visibilityState)',
      hiddenStates ? 'hidden' : 'NOT hidden',
      hiddenStates
    ],
    [
      'hidden tab: 0 requests (server part + upstream)',
      String(hiddenSent),
      hiddenSent === 0
    ],
    [
      `visible tab: ≤ ${BUDGET_VISIBLE_PER_MINUTE} request/min (server part; upstream)`,
      `${num(oursVisible)}; ${num(upVisible)}`,
      visibleRate <= BUDGET_VISIBLE_PER_MINUTE
    ],
    [
      `server part adds ≤ ${BUDGET_RSS_MB} MB RSS (at the end)`,
      `${signed(rssAdded, 1)} MB`,
      rssAdded <= BUDGET_RSS_MB
    ],
    [
      `no measurable idle CPU (with − without ≤ ${BUDGET_CPU_S_PER_MINUTE} s/min = 1 % of a core)`,
      `${signed(cpuAdded, 3)} s/min`,
      cpuAdded <= BUDGET_CPU_S_PER_MINUTE
    ]
  ];
  console.log('Budgets:');
  for (const [label, value, ok] of budgets) {
    console.log(`  ${label}: ${value} — ${ok ? 'PASS' : 'FAIL'}`);
  }
  return budgets.every(([, , ok]) => ok) ? 0 : 1;
}

main().then(
  code => process.exit(code),
  error => {
    console.error(error);
    process.exit(1);
  }
);
