/**
 * Chromium for the benchmarks: the browser the UI tests use, launched with
 * the same flags as in ui-tests/playwright.config.js.
 */

// Playwright is a dependency of the UI tests, not of the extension.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chromium } = require('../ui-tests/node_modules/playwright-core') as {
  chromium: { launch(options: object): Promise<IBrowser> };
};

/**
 * The parts of Playwright's browser the benchmarks use.
 */
export interface IBrowser {
  newPage(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A fresh context: its own cache, cookies and storage. */
  newContext(): Promise<{
    newPage(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    close(): Promise<void>;
  }>;
  close(): Promise<void>;
}

/** Launch headless Chromium (`MLP_CHROMIUM`, default /usr/bin/chromium). */
export function launchChromium(): Promise<IBrowser> {
  return chromium.launch({
    executablePath: process.env.MLP_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic'
    ]
  });
}
