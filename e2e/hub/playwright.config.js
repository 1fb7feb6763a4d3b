// @ts-check
/**
 * The hub end-to-end suite: Debian's Chromium (ui-tests/chromium.js)
 * through the real JupyterHub login, against one hub configuration
 * (MLP_HUB_CONFIG, "5" or "6"), which the global setup builds up and the
 * global teardown takes down. Run it with `bash e2e/hub/run.sh`, which
 * sets up what is missing and runs every configuration.
 */
const path = require('path');

const { configName, runDir } = require('./support/hub');

const dir = runDir(configName());

module.exports = {
  testDir: './tests',
  outputDir: path.join(dir, 'test-results'),
  globalSetup: require.resolve('./global-setup'),
  globalTeardown: require.resolve('./global-teardown'),
  // The journeys build on each other, on one hub.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 240 * 1000,
  expect: { timeout: 30 * 1000 },
  reporter: [['list'], ['json', { outputFile: path.join(dir, 'report.json') }]],
  use: {
    launchOptions: require('../../ui-tests/chromium'),
    actionTimeout: 30 * 1000,
    navigationTimeout: 120 * 1000,
    trace: 'retain-on-failure',
    video: 'off'
  }
};
