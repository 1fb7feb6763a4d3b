/**
 * Kernel sync benchmark against a real jupyter_server and ipykernel.
 *
 *   npx tsx bench/kernel-sync.ts [--kernels 1,5,20,50] [--rounds 20]
 *                                [--new 200] [--restarts 200]
 *
 * - The curve: for each count of running kernels, each held by a (stand-in)
 *   notebook as in the browser, switch the active token and time until every
 *   kernel has the new value (p50, p95 over `--rounds` switches). Side by
 *   side, measured in the same rounds and from the same client: the floor, a
 *   bare no-op execute round trip to all of them in parallel. Also: the time
 *   spent before the first execute request leaves the client (server calls,
 *   reading the value, building code), the spread between the first and the
 *   last request leaving it, and the per-kernel cost (slope of a linear fit).
 *   Budgets: p95 <= 100 ms at 20 kernels; the time per kernel at the largest
 *   count no more than at 20 (growth no faster than linear; 10 % allowed for
 *   noise).
 * - 200 new kernels and 200 restarts, the first cell reading the variable as
 *   soon as the kernel is there: misses (budget 0).
 *
 * Starts its own server on a free loopback port and stops it at the end;
 * prints the load average, since the figures depend on what else runs.
 * Exits 1 when a budget is missed.
 */
import type { Kernel, Session } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { randomBytes } from 'crypto';
import { cpus, loadavg } from 'os';

import { probeLine, PYTHON_PROBE, run } from '../test/kernels/probe';

// `@jupyterlab/apputils` needs a DOM; the sync only uses its notifications.
const apputils = require.resolve('@jupyterlab/apputils');
require.cache[apputils] = {
  id: apputils,
  filename: apputils,
  loaded: true,
  exports: { Notification: { info: () => undefined } }
} as unknown as NodeJS.Module;

// The services log every kernel status change at debug level.
console.debug = () => undefined;
// ...and every restart's reconnection as a warning.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (!String(args[0]).startsWith('Connection lost')) {
    warn(...args);
  }
};

/**
 * When each message left the client for a kernel, while a switch is timed:
 * every kernel connection of the harness goes through `ws`.
 */
const sends: number[] = [];
let recordSends = false;
{
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const proto = (require('ws') as { prototype: { send: SendFn } }).prototype;
  const send = proto.send;
  proto.send = function (this: unknown, ...args: unknown[]) {
    if (recordSends) {
      sends.push(performance.now());
    }
    return send.apply(this, args);
  };
}
type SendFn = (...args: unknown[]) => unknown;

const PARALLEL = 4;
const BUDGET_P95_MS = 100;
const BUDGET_AT = 20;
/** Allowed excess of the per-kernel time at the largest count over 20. */
const GROWTH_NOISE = 1.1;

interface IOptions {
  kernels: number[];
  rounds: number;
  fresh: number;
  restarts: number;
}

function parseArgs(argv: string[]): IOptions {
  const read = (name: string): string | undefined => {
    const at = argv.findIndex(
      arg => arg === `--${name}` || arg.startsWith(`--${name}=`)
    );
    if (at < 0) {
      return undefined;
    }
    return argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  };
  const count = (name: string, fallback: number, min: number): number => {
    const text = read(name);
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name} needs a whole number >= ${min}, not ${text}`);
    }
    return value;
  };
  const list = read('kernels') ?? '1,5,20,50';
  const kernels = [...new Set(list.split(',').map(Number))].sort(
    (a, b) => a - b
  );
  if (
    kernels.length === 0 ||
    !kernels.every(n => Number.isInteger(n) && n > 0)
  ) {
    throw new Error(`--kernels needs counts such as 1,5,20,50, not ${list}`);
  }
  return {
    kernels,
    rounds: count('rounds', 20, 1),
    fresh: count('new', 200, 0),
    restarts: count('restarts', 200, 0)
  };
}

/**
 * A stand-in for a notebook panel: what the registry reads of one.
 */
class Holder {
  constructor(
    readonly path: string,
    kernel: Kernel.IKernelConnection
  ) {
    this.sessionContext = {
      path,
      session: { kernel },
      kernelChanged: new Signal(this)
    };
  }
  readonly sessionContext: {
    path: string;
    session: { kernel: Kernel.IKernelConnection };
    kernelChanged: Signal<Holder, unknown>;
  };
  isDisposed = false;
  readonly disposed = new Signal<Holder, void>(this);
  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit();
    Signal.clearData(this);
  }
}

class Tracker {
  readonly widgets = new Set<Holder>();
  readonly widgetAdded = new Signal<Tracker, Holder>(this);
  add(holder: Holder): void {
    this.widgets.add(holder);
    holder.disposed.connect(() => this.widgets.delete(holder));
    this.widgetAdded.emit(holder);
  }
  forEach(fn: (holder: Holder) => void): void {
    this.widgets.forEach(fn);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1
  );
  return sorted[Math.max(0, at)];
}

/** Least squares `y = intercept + slope * x`. */
function linearFit(
  xs: number[],
  ys: number[]
): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

function value(): string {
  return `bench.${randomBytes(24).toString('base64url')}`;
}

function pause(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function inBatches<T>(
  count: number,
  parallel: number,
  task: (i: number) => Promise<T>
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    })
  );
  return results;
}

/**
 * A bare no-op execute to every kernel at once, until every reply is back.
 */
async function floorRound(
  kernels: Kernel.IKernelConnection[]
): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    kernels.map(
      kernel =>
        new Promise<void>((resolve, reject) => {
          const future = kernel.requestExecute(
            {
              code: '',
              silent: true,
              store_history: false,
              allow_stdin: false,
              stop_on_error: false
            },
            true
          );
          future.onReply = () => resolve();
          future.done.catch(reject);
        })
    )
  );
  return performance.now() - t0;
}

interface IPoint {
  kernels: number;
  switches: number[];
  floors: number[];
  /** Switch start to the first execute request leaving the client. */
  before: number[];
  /** First to last execute request leaving the client. */
  spread: number[];
  load: number;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const loadStart = loadavg();
  const loads: number[] = [];
  // After the stub above: the harness loads the extension's models.
  const { Harness } = await import('../test/kernels/helpers');
  const harness = await Harness.start();
  const interrupted = () => {
    void harness.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const tokens = [value(), value()];
    const saved = [
      await harness.addToken(tokens[0]),
      await harness.addToken(tokens[1], false)
    ];
    let activeIndex = 0;
    const notebooks = new Tracker();
    const sync = await harness.startSync(notebooks as never);
    const vault = harness.vault!;
    const { sessions } = harness;

    const start = async (i: number): Promise<Session.ISessionConnection> =>
      sessions.startNew({
        path: `bench-${i}-${randomBytes(4).toString('hex')}.ipynb`,
        type: 'notebook',
        name: `bench-${i}`,
        kernel: { name: 'python3' }
      });

    /** Resolves once every one of `ids` is synced with `fingerprint`. */
    const reached = (ids: Set<string>, fingerprint: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          let count = 0;
          for (const state of sync.kernels) {
            if (ids.has(state.kernelId)) {
              if (
                state.sync !== 'synced' ||
                state.fingerprint !== fingerprint
              ) {
                return false;
              }
              count++;
            }
          }
          return count === ids.size;
        };
        const timer = setTimeout(() => {
          sync.changed.disconnect(onChanged);
          reject(new Error('a switch did not reach every kernel in 30 s'));
        }, 30000);
        const onChanged = () => {
          if (check()) {
            clearTimeout(timer);
            sync.changed.disconnect(onChanged);
            resolve();
          }
        };
        sync.changed.connect(onChanged);
        onChanged();
      });

    // 1. The curve: switch latency over 1, 5, 20, 50 running kernels.
    const running: Session.ISessionConnection[] = [];
    const points: IPoint[] = [];
    let wrong = 0;
    let probed = 0;
    for (const size of options.kernels) {
      process.stdout.write(
        `Running ${size} kernel${size === 1 ? '' : 's'}, ${options.rounds} switches…\n`
      );
      const more = await inBatches(size - running.length, PARALLEL, i =>
        start(running.length + i)
      );
      for (const session of more) {
        // A first cell, not `info`: a kernel_info request sent before the
        // kernel listens may never be answered.
        await run(session.kernel!, PYTHON_PROBE);
        notebooks.add(new Holder(session.path, session.kernel!));
        running.push(session);
      }
      const kernels = running.map(s => s.kernel!);
      const ids = new Set(kernels.map(k => k.id));
      await reached(ids, saved[activeIndex].fingerprint);
      const point: IPoint = {
        kernels: size,
        switches: [],
        floors: [],
        before: [],
        spread: [],
        load: 0
      };
      const loadsHere: number[] = [];
      // One switch and one floor round first, not counted.
      for (let round = -1; round < options.rounds; round++) {
        const measure = async (): Promise<void> => {
          activeIndex = 1 - activeIndex;
          const target = saved[activeIndex];
          sends.length = 0;
          recordSends = true;
          const t0 = performance.now();
          const done = reached(ids, target.fingerprint);
          await vault.activate(target.id);
          await done;
          const elapsed = performance.now() - t0;
          recordSends = false;
          const seen = await Promise.all(
            kernels.map(kernel => run(kernel, PYTHON_PROBE))
          );
          if (round >= 0) {
            point.switches.push(elapsed);
            point.before.push(sends.length > 0 ? sends[0] - t0 : NaN);
            point.spread.push(
              sends.length > 0 ? sends[sends.length - 1] - sends[0] : NaN
            );
            probed += seen.length;
            wrong += seen.filter(
              line => line !== probeLine(tokens[activeIndex])
            ).length;
          }
        };
        const floor = async (): Promise<void> => {
          const elapsed = await floorRound(kernels);
          if (round >= 0) {
            point.floors.push(elapsed);
          }
        };
        // Alternate which goes first, so both see the same conditions.
        if (round % 2 === 0) {
          await measure();
          await pause(20);
          await floor();
        } else {
          await floor();
          await pause(20);
          await measure();
        }
        await pause(20);
        loadsHere.push(loadavg()[0]);
      }
      point.load = loadsHere.reduce((a, b) => a + b, 0) / loadsHere.length;
      loads.push(...loadsHere);
      points.push(point);
    }
    const activeValue = tokens[activeIndex];
    for (const holder of [...notebooks.widgets]) {
      holder.dispose();
    }
    await Promise.all(running.map(s => s.shutdown()));

    // 2. New kernels: the first cell reads the variable.
    process.stdout.write(`Starting ${options.fresh} new kernels…\n`);
    const misses = await inBatches<number>(options.fresh, PARALLEL, async i => {
      const session = await start(1000 + i);
      const holder = new Holder(session.path, session.kernel!);
      notebooks.add(holder);
      const line = await run(session.kernel!, PYTHON_PROBE);
      holder.dispose();
      await session.shutdown();
      return line === probeLine(activeValue) ? 0 : 1;
    });
    const newMisses = misses.reduce((a, b) => a + b, 0);

    // 3. Restarts: the first cell after restart() reads the variable.
    process.stdout.write(`Restarting ${options.restarts} times…\n`);
    const restartKernels =
      options.restarts > 0
        ? await inBatches(PARALLEL, PARALLEL, i => start(5000 + i))
        : [];
    for (const session of restartKernels) {
      await run(session.kernel!, PYTHON_PROBE);
      notebooks.add(new Holder(session.path, session.kernel!));
    }
    const perKernel = Math.ceil(options.restarts / PARALLEL);
    const restartMisses = await Promise.all(
      restartKernels.map(async (session, k) => {
        let missed = 0;
        const count = Math.max(
          0,
          Math.min(perKernel, options.restarts - k * perKernel)
        );
        for (let i = 0; i < count; i++) {
          const restarting = session.kernel!.restart();
          const line = run(session.kernel!, PYTHON_PROBE);
          await restarting;
          if ((await line) !== probeLine(activeValue)) {
            missed++;
          }
        }
        return missed;
      })
    );
    const restartMissCount = restartMisses.reduce((a, b) => a + b, 0);
    for (const holder of [...notebooks.widgets]) {
      holder.dispose();
    }
    await Promise.all(restartKernels.map(s => s.shutdown()));
    const loadEnd = loadavg();

    report({
      options,
      points,
      wrong,
      probed,
      newMisses,
      restartMissCount,
      loads,
      loadStart,
      loadEnd
    });
  } finally {
    await harness.dispose();
  }
}

function report(result: {
  options: IOptions;
  points: IPoint[];
  wrong: number;
  probed: number;
  newMisses: number;
  restartMissCount: number;
  loads: number[];
  loadStart: number[];
  loadEnd: number[];
}): void {
  const { options, points } = result;
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—');
  const cols = [8, 12, 12, 12, 12, 14, 20, 12, 6];
  const row = (cells: string[]) =>
    cells.map((cell, i) => cell.padEnd(cols[i])).join('');
  out();
  out(
    row([
      'kernels',
      'switch p50',
      'switch p95',
      'floor p50',
      'floor p95',
      'switch/floor',
      'before 1st execute',
      'send spread',
      'load'
    ])
  );
  for (const point of points) {
    const p50 = percentile(point.switches, 50);
    const before = percentile(point.before, 50);
    out(
      row([
        String(point.kernels),
        ms(p50),
        ms(percentile(point.switches, 95)),
        ms(percentile(point.floors, 50)),
        ms(percentile(point.floors, 95)),
        (p50 / percentile(point.floors, 50)).toFixed(2),
        `${ms(before)} (${((100 * before) / p50).toFixed(0)} %)`,
        ms(percentile(point.spread, 50)),
        point.load.toFixed(1)
      ])
    );
  }
  out(
    '(p50/p95 over the rounds; "before 1st execute": switch start to the first execute request leaving the client, p50, share of the switch p50)'
  );

  const rows: [string, string, string, boolean][] = [];
  const sizes = points.map(p => p.kernels);
  const switchFit = linearFit(
    sizes,
    points.map(p => percentile(p.switches, 50))
  );
  const floorFit = linearFit(
    sizes,
    points.map(p => percentile(p.floors, 50))
  );
  if (points.length >= 2) {
    rows.push([
      'per-kernel cost (slope of p50), switch',
      `${switchFit.slope.toFixed(2)} ms`,
      '—',
      true
    ]);
    rows.push([
      'per-kernel cost (slope of p50), floor',
      `${floorFit.slope.toFixed(2)} ms`,
      '—',
      true
    ]);
    rows.push([
      'fixed cost (intercept), switch / floor',
      `${switchFit.intercept.toFixed(0)} / ${floorFit.intercept.toFixed(0)} ms`,
      '—',
      true
    ]);
  }
  const at20 = points.find(p => p.kernels === BUDGET_AT);
  if (at20) {
    const p95 = percentile(at20.switches, 95);
    rows.push([
      `switch → ${BUDGET_AT} kernels, p95`,
      ms(p95),
      `≤ ${BUDGET_P95_MS} ms`,
      p95 <= BUDGET_P95_MS
    ]);
  }
  const largest = points[points.length - 1];
  const reference =
    at20 && at20 !== largest
      ? at20
      : points.length >= 2
        ? points[points.length - 2]
        : null;
  if (reference) {
    const perKernel = (p: IPoint, pick: (q: IPoint) => number[]) =>
      percentile(pick(p), 50) / p.kernels;
    const growth =
      perKernel(largest, p => p.switches) /
      perKernel(reference, p => p.switches);
    const floorGrowth =
      perKernel(largest, p => p.floors) / perKernel(reference, p => p.floors);
    rows.push([
      `time per kernel, ${largest.kernels} vs ${reference.kernels} (floor)`,
      `${growth.toFixed(2)} (${floorGrowth.toFixed(2)})`,
      `≤ ${GROWTH_NOISE.toFixed(2)}`,
      growth <= GROWTH_NOISE
    ]);
  }
  rows.push([
    'kernels seeing a stale value after a switch',
    `${result.wrong}/${result.probed}`,
    '0',
    result.wrong === 0
  ]);
  rows.push([
    'new kernels, first cell misses',
    `${result.newMisses}/${options.fresh}`,
    '0',
    result.newMisses === 0
  ]);
  rows.push([
    'restarts, first cell misses',
    `${result.restartMissCount}/${options.restarts}`,
    '0',
    result.restartMissCount === 0
  ]);
  out();
  out(
    `${'measure'.padEnd(46)}${'measured'.padEnd(16)}${'budget'.padEnd(12)}ok`
  );
  for (const [name, measured, budget, ok] of rows) {
    out(
      `${name.padEnd(46)}${measured.padEnd(16)}${budget.padEnd(12)}${ok ? 'yes' : 'NO'}`
    );
  }
  const fmt = (l: number[]) => l.map(x => x.toFixed(2)).join(' ');
  const mean = result.loads.reduce((a, b) => a + b, 0) / result.loads.length;
  out();
  out(
    `load average: ${mean.toFixed(1)} during the switches (1 min); ${fmt(result.loadStart)} at start, ${fmt(result.loadEnd)} at end (1/5/15 min); ${cpus().length} cores`
  );
  process.exitCode = rows.every(r => r[3]) ? 0 : 1;
}

void main().catch(error => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
