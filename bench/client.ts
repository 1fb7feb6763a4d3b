/**
 * Benchmark of the typed client against the emulator on loopback.
 *
 *   npx tsx bench/client.ts
 *
 * 1. `GET /tokens/me` through `MLPlatformClient` vs a raw `fetch` with a
 *    bearer obtained once: requests per second, p50 and p95 latency, side by
 *    side with the ratio client/raw. Budget: overhead ≤ 10 % at p50.
 * 2. Bearer exchanges (`POST /auth/refresh`, counted by wrapping the injected
 *    fetch) per 1,000 calls, sequential and 50 concurrent, and over three
 *    bearer lifetimes on a moved clock. Budget: exactly 1 per bearer lifetime.
 *
 * Bounded loops, loopback only; exits by itself.
 */

import { performance } from 'node:perf_hooks';
import { fetch as undiciFetch } from 'undici';

import { startEmulator } from '../emulator/src/server';
import { MLPlatformClient } from '../src/api';
import { bearerUsableMs } from '../src/api/bearer';

const WARMUP = 300;
const MEASURED = 2000;
const ROUNDS = 10; // raw and client alternate in rounds, so drift hits both
const CALLS = 1000;
const CONCURRENCY = 50;
const BEARER_TTL_SECONDS = 300;
const LIFETIMES = 3;

const baseFetch = undiciFetch as unknown as typeof fetch;

/** A fetch that counts `POST /auth/refresh`. */
function countingFetch(): { fetch: typeof fetch; exchanges: () => number } {
  let exchanges = 0;
  const wrapped: typeof fetch = (input, init) => {
    if (init?.method === 'POST' && String(input).endsWith('/auth/refresh')) {
      exchanges++;
    }
    return baseFetch(input, init);
  };
  return { fetch: wrapped, exchanges: () => exchanges };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)
  );
  return sorted[index];
}

interface ISummary {
  rps: number;
  p50: number;
  p95: number;
}

function summarise(latencies: number[], totalMs: number): ISummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    rps: (latencies.length / totalMs) * 1000,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95)
  };
}

async function timed(
  n: number,
  call: () => Promise<unknown>,
  latencies: number[]
): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    latencies.push(performance.now() - t0);
  }
  return performance.now() - started;
}

function row(label: string, ...cells: string[]): string {
  const widths = [11, 11, 18, 12, 20];
  return (
    label.padEnd(18) + cells.map((cell, i) => cell.padStart(widths[i])).join('')
  );
}

async function main(): Promise<void> {
  let clock = Date.now();
  const emulator = await startEmulator({
    port: 0,
    bearerTtlSeconds: BEARER_TTL_SECONDS,
    now: () => clock
  });
  try {
    const admin = await emulator.seedAdmin('bench-admin');
    const url = emulator.url;

    // Raw: one bearer, then plain fetch + JSON.
    const refreshed = await baseFetch(`${url}/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: admin })
    });
    const { access_token: bearer } = (await refreshed.json()) as {
      access_token: string;
    };
    const raw = async (): Promise<unknown> => {
      const response = await baseFetch(`${url}/tokens/me`, {
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${bearer}`
        }
      });
      if (response.status !== 200) {
        throw new Error(`raw GET /tokens/me: HTTP ${response.status}`);
      }
      return response.json();
    };
    // Reference: what cancelling on timeout costs any caller of this fetch
    // (an AbortController per request, passed to fetch, and a timer).
    const rawCancellable = async (): Promise<unknown> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 15_000);
      try {
        const response = await baseFetch(`${url}/tokens/me`, {
          headers: {
            Accept: 'application/json',
            Authorization: `Bearer ${bearer}`
          },
          signal: controller.signal
        });
        return await response.json();
      } finally {
        clearTimeout(timer);
      }
    };
    const client = new MLPlatformClient({
      baseUrl: url,
      refreshToken: admin,
      fetch: baseFetch
    });
    const viaClient = (): Promise<unknown> => client.whoAmI();

    const variants = [raw, rawCancellable, viaClient];
    const latencies: number[][] = variants.map(() => []);
    const totals = variants.map(() => 0);
    for (const variant of variants) {
      await timed(WARMUP, variant, []);
    }
    const perRound = MEASURED / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      for (let v = 0; v < variants.length; v++) {
        // Alternate the order too, so no variant always runs first.
        const k = round % 2 === 0 ? v : variants.length - 1 - v;
        totals[k] += await timed(perRound, variants[k], latencies[k]);
      }
    }
    const [r, rc, c] = variants.map((_, k) =>
      summarise(latencies[k], totals[k])
    );
    const overhead = (a: number, b: number) =>
      `${(b / a).toFixed(3)} (${((b / a - 1) * 100).toFixed(1)} %)`;

    console.log(
      `GET /tokens/me, ${MEASURED} sequential requests each after ${WARMUP} warm-up, loopback emulator`
    );
    console.log(
      row(
        '',
        'raw fetch',
        'client',
        'client/raw',
        'raw+signal',
        'client/raw+signal'
      )
    );
    console.log(
      row(
        'requests/s',
        r.rps.toFixed(0),
        c.rps.toFixed(0),
        (c.rps / r.rps).toFixed(3),
        rc.rps.toFixed(0),
        (c.rps / rc.rps).toFixed(3)
      )
    );
    for (const [label, key] of [
      ['p50 latency (ms)', 'p50'],
      ['p95 latency (ms)', 'p95']
    ] as const) {
      console.log(
        row(
          label,
          r[key].toFixed(3),
          c[key].toFixed(3),
          overhead(r[key], c[key]),
          rc[key].toFixed(3),
          overhead(rc[key], c[key])
        )
      );
    }
    console.log(
      '  raw+signal: a raw fetch that can be cancelled on timeout (AbortController + timer), as the client does'
    );

    // Exchanges per 1,000 calls.
    const sequential = countingFetch();
    const seqClient = new MLPlatformClient({
      baseUrl: url,
      refreshToken: admin,
      fetch: sequential.fetch
    });
    for (let i = 0; i < CALLS; i++) {
      await seqClient.whoAmI();
    }
    const concurrent = countingFetch();
    const conClient = new MLPlatformClient({
      baseUrl: url,
      refreshToken: admin,
      fetch: concurrent.fetch
    });
    for (let i = 0; i < CALLS / CONCURRENCY; i++) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, () => conClient.whoAmI())
      );
    }
    // Several bearer lifetimes: move the emulator's and the client's clocks.
    const lifetimes = countingFetch();
    const lifeClient = new MLPlatformClient({
      baseUrl: url,
      refreshToken: admin,
      fetch: lifetimes.fetch,
      now: () => clock
    });
    // Each bearer is used for its lifetime less the safety margin.
    const usableMs = bearerUsableMs(BEARER_TTL_SECONDS);
    const step = usableMs / 100;
    for (let i = 0; i < LIFETIMES * 100; i++) {
      await Promise.all(Array.from({ length: 5 }, () => lifeClient.whoAmI()));
      clock += step;
    }

    console.log('');
    console.log('Bearer exchanges (POST /auth/refresh)');
    console.log(
      `  per ${CALLS} sequential calls:      ${sequential.exchanges()}`
    );
    console.log(
      `  per ${CALLS} calls, ${CONCURRENCY} concurrent:  ${concurrent.exchanges()}`
    );
    console.log(
      `  over ${LIFETIMES} bearer lifetimes (${LIFETIMES * 500} calls, clock moved ${(LIFETIMES * usableMs) / 1000} s; ` +
        `each ${BEARER_TTL_SECONDS} s bearer used ${usableMs / 1000} s): ${lifetimes.exchanges()}`
    );

    const overheadP50 = (c.p50 / r.p50 - 1) * 100;
    const ownP50 = (c.p50 / rc.p50 - 1) * 100;
    const exchangesOk =
      sequential.exchanges() === 1 &&
      concurrent.exchanges() === 1 &&
      lifetimes.exchanges() === LIFETIMES;
    console.log('');
    console.log(
      `Budget: client overhead at p50 ≤ 10 %: ${overheadP50.toFixed(1)} % — ${overheadP50 <= 10 ? 'PASS' : 'FAIL'}` +
        ` (over a cancellable raw fetch: ${ownP50.toFixed(1)} %)`
    );
    console.log(
      `Budget: exactly 1 exchange per bearer lifetime: ${exchangesOk ? 'PASS' : 'FAIL'}`
    );
  } finally {
    await emulator.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
