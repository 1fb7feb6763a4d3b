/**
 * The measured calls of bench/client.ts and the loop that times them. Runs in
 * Node and, bundled, in Chromium, so both runtimes time the same code.
 */

import { MLPlatformClient } from '../src/api';

/**
 * How many calls to time.
 */
export interface IRoundsOptions {
  /** Untimed calls of each variant first. */
  warmup: number;
  /** Timed calls of each variant. */
  measured: number;
  /** The timed calls are split into rounds, the variants alternating. */
  rounds: number;
}

/**
 * Latencies (ms) and total time (ms) of each variant: raw, raw cancellable,
 * client, in that order.
 */
export interface IRoundsResult {
  latencies: number[][];
  totals: number[];
}

/**
 * Time `GET /tokens/me` three ways with the same `fetch` against the same
 * emulator: a raw fetch with a bearer obtained once; the same, cancellable
 * on a timeout (an AbortController per request and a timer); and
 * `MLPlatformClient.whoAmI()`.
 */
export async function runRounds(
  doFetch: typeof fetch,
  url: string,
  refreshToken: string,
  options: IRoundsOptions
): Promise<IRoundsResult> {
  const refreshed = await doFetch(`${url}/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken })
  });
  const { access_token: bearer } = (await refreshed.json()) as {
    access_token: string;
  };
  const headers = {
    Accept: 'application/json',
    Authorization: `Bearer ${bearer}`
  };
  const read = (response: Response): Promise<unknown> => {
    if (response.status !== 200) {
      throw new Error(`raw GET /tokens/me: HTTP ${response.status}`);
    }
    return response.json();
  };
  const raw = async (): Promise<unknown> =>
    read(await doFetch(`${url}/tokens/me`, { headers }));
  const rawCancellable = async (): Promise<unknown> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 15_000);
    try {
      return await read(
        await doFetch(`${url}/tokens/me`, {
          headers,
          signal: controller.signal
        })
      );
    } finally {
      clearTimeout(timer);
    }
  };
  const client = new MLPlatformClient({
    baseUrl: url,
    refreshToken,
    fetch: doFetch
  });
  const viaClient = (): Promise<unknown> => client.whoAmI();

  const variants = [raw, rawCancellable, viaClient];
  const latencies: number[][] = variants.map(() => []);
  const totals = variants.map(() => 0);
  const timed = async (
    n: number,
    call: () => Promise<unknown>,
    into: number[]
  ): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await call();
      into.push(performance.now() - t0);
    }
    return performance.now() - started;
  };
  for (const variant of variants) {
    await timed(options.warmup, variant, []);
  }
  for (let round = 0; round < options.rounds; round++) {
    // Spread the calls evenly over the rounds.
    const calls =
      Math.floor(((round + 1) * options.measured) / options.rounds) -
      Math.floor((round * options.measured) / options.rounds);
    for (let v = 0; v < variants.length; v++) {
      // Rotate the order, so each variant runs first, middle and last.
      const k = (v + round) % variants.length;
      totals[k] += await timed(calls, variants[k], latencies[k]);
    }
  }
  return { latencies, totals };
}
