/**
 * The page side of bench/client.ts: bundled for Chromium, it exposes
 * `runRounds` with the page's own `fetch`.
 */

import { type IRoundsOptions, runRounds } from './client-rounds';

(
  globalThis as unknown as {
    mlpClientBench: (
      url: string,
      refreshToken: string,
      options: IRoundsOptions
    ) => ReturnType<typeof runRounds>;
  }
).mlpClientBench = (url, refreshToken, options) =>
  // The page's own fetch, as the browser provides it.
  runRounds((input, init) => fetch(input, init), url, refreshToken, options);
