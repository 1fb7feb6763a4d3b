/**
 * Chromium for the benchmarks: the browser the UI tests use, launched the
 * same way.
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

/** Launch headless Chromium as the UI tests do (ui-tests/chromium.js). */
export function launchChromium(): Promise<IBrowser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return chromium.launch(require('../ui-tests/chromium'));
}
