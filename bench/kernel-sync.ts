/**
 * Kernel sync benchmark against a real jupyter_server and ipykernel.
 *
 *   npx tsx bench/kernel-sync.ts            (KS_KERNELS, KS_SWITCHES, KS_NEW,
 *                                            KS_RESTARTS to change the sizes)
 *
 * - 20 running kernels, each held by a (stand-in) notebook as in the browser:
 *   switch the active token, time until every kernel has the new value
 *   (p50, p95 over 10 switches; budget p95 <= 300 ms).
 * - 200 new kernels and 200 restarts, the first cell reading the variable as
 *   soon as the kernel is there: misses (budget 0).
 *
 * Starts its own server on a free loopback port and stops it at the end.
 */
import type { Kernel, Session } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { randomBytes } from 'crypto';

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

const KERNELS = Number(process.env.KS_KERNELS ?? 20);
const SWITCHES = Number(process.env.KS_SWITCHES ?? 10);
const NEW = Number(process.env.KS_NEW ?? 200);
const RESTARTS = Number(process.env.KS_RESTARTS ?? 200);
const PARALLEL = 4;

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

function value(): string {
  return `bench.${randomBytes(24).toString('base64url')}`;
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

async function main(): Promise<void> {
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

    // 1. Switch latency over running kernels.
    process.stdout.write(`Starting ${KERNELS} kernels…\n`);
    const running = await inBatches(KERNELS, PARALLEL, start);
    for (const session of running) {
      // A first cell, not `info`: a kernel_info request sent before the
      // kernel listens may never be answered.
      await run(session.kernel!, PYTHON_PROBE);
      notebooks.add(new Holder(session.path, session.kernel!));
    }
    const latencies: number[] = [];
    let wrong = 0;
    for (let round = 0; round < SWITCHES; round++) {
      const target = (round + 1) % 2;
      const t0 = performance.now();
      await vault.activate(saved[target].id);
      for (;;) {
        const states = sync.kernels.filter(k =>
          running.some(s => s.kernel?.id === k.kernelId)
        );
        if (
          states.length === KERNELS &&
          states.every(
            k =>
              k.sync === 'synced' && k.fingerprint === saved[target].fingerprint
          )
        ) {
          break;
        }
        if (performance.now() - t0 > 30000) {
          throw new Error('a switch did not reach every kernel in 30 s');
        }
        await new Promise(resolve => setTimeout(resolve, 1));
      }
      latencies.push(performance.now() - t0);
      const seen = await Promise.all(
        running.map(s => run(s.kernel!, PYTHON_PROBE))
      );
      wrong += seen.filter(line => line !== probeLine(tokens[target])).length;
    }
    const activeValue = tokens[SWITCHES % 2];
    for (const holder of [...notebooks.widgets]) {
      holder.dispose();
    }
    await Promise.all(running.map(s => s.shutdown()));

    // 2. New kernels: the first cell reads the variable.
    process.stdout.write(`Starting ${NEW} new kernels…\n`);
    const misses = await inBatches<number>(NEW, PARALLEL, async i => {
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
    process.stdout.write(`Restarting ${RESTARTS} times…\n`);
    const restartKernels = await inBatches(PARALLEL, PARALLEL, i =>
      start(5000 + i)
    );
    for (const session of restartKernels) {
      await run(session.kernel!, PYTHON_PROBE);
      notebooks.add(new Holder(session.path, session.kernel!));
    }
    const perKernel = Math.ceil(RESTARTS / PARALLEL);
    const restartMisses = await Promise.all(
      restartKernels.map(async (session, k) => {
        let missed = 0;
        const count = Math.min(perKernel, RESTARTS - k * perKernel);
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

    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    const rows: [string, string, string, boolean][] = [
      [`switch → ${KERNELS} kernels, p50`, `${p50.toFixed(0)} ms`, '—', true],
      [
        `switch → ${KERNELS} kernels, p95`,
        `${p95.toFixed(0)} ms`,
        '≤ 300 ms',
        p95 <= 300
      ],
      [
        'kernels seeing a stale value after a switch',
        `${wrong}/${KERNELS * SWITCHES}`,
        '0',
        wrong === 0
      ],
      [
        `new kernels, first cell misses`,
        `${newMisses}/${NEW}`,
        '0',
        newMisses === 0
      ],
      [
        `restarts, first cell misses`,
        `${restartMissCount}/${RESTARTS}`,
        '0',
        restartMissCount === 0
      ]
    ];
    process.stdout.write('\n');
    process.stdout.write(
      `${'measure'.padEnd(46)}${'measured'.padEnd(14)}${'budget'.padEnd(12)}ok\n`
    );
    for (const [name, measured, budget, ok] of rows) {
      process.stdout.write(
        `${name.padEnd(46)}${measured.padEnd(14)}${budget.padEnd(12)}${ok ? 'yes' : 'NO'}\n`
      );
    }
    process.exitCode = rows.every(row => row[3]) ? 0 : 1;
  } finally {
    await harness.dispose();
  }
}

void main().catch(error => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
