/**
 * Galata configuration: Debian's Chromium against a real JupyterLab server.
 *
 * MLP_BASE_URL sets the server's base URL ('/' or a JupyterHub-like prefix
 * such as '/user/alice/'); MLP_UI_PORT its port.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.MLP_UI_PORT || '8890';
const baseUrl = process.env.MLP_BASE_URL || '/';
const origin = `http://127.0.0.1:${port}`;
const emulatorPort = process.env.MLP_EMULATOR_PORT || '8766';
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
// The server log of this run, read by the leak scan (workers inherit it).
process.env.MLP_UI_SERVER_LOG =
  process.env.MLP_UI_SERVER_LOG ||
  require('path').join(
    require('os').tmpdir(),
    `mlp-ui-server-${port}-${process.pid}.log`
  );

module.exports = {
  ...baseConfig,
  testDir: './tests',
  reporter: [['list'], ['html', { open: 'never' }]],
  // One retry in CI and in make test (MLP_UI_RETRIES): a test that passes
  // only on its retry is reported as flaky, not hidden.
  retries: Number(process.env.MLP_UI_RETRIES ?? (process.env.CI ? 1 : 0)),
  workers: 1,
  // One set of snapshots whatever the base URL.
  snapshotPathTemplate: '{testDir}/{testFileName}-snapshots/{arg}{ext}',
  expect: {
    toMatchSnapshot: { maxDiffPixelRatio: 0.01 }
  },
  use: {
    ...baseConfig.use,
    baseURL: `${origin}${baseUrl.replace(/\/$/, '')}`,
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: require('./chromium')
  },
  webServer: [
    {
      // The ML Platform emulator, in memory, with its control API (clock,
      // faults, minting tokens) for the tests.
      command: `node ../node_modules/.bin/tsx ../emulator/src/main.ts --host 127.0.0.1 --port ${emulatorPort} --control`,
      url: `${emulatorUrl}/_emulator/clock`,
      timeout: 60 * 1000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe'
    },
    {
      command: `jupyter lab --config jupyter_server_test_config.py --ServerApp.port=${port} --ServerApp.base_url=${baseUrl}`,
      url: `${origin}${baseUrl}lab`,
      env: { ...process.env, MLPLATFORM_API_URL: emulatorUrl },
      timeout: 120 * 1000,
      reuseExistingServer: false,
      // The server log is noise unless a failure is being looked into.
      stdout: 'ignore',
      stderr: process.env.MLP_UI_VERBOSE ? 'pipe' : 'ignore'
    }
  ]
};
