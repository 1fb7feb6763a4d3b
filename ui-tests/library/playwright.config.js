/**
 * Galata configuration of the library backend: the same JupyterLab as the
 * main UI tests, whose server part reaches the emulator through the
 * `mlplatform_client` stand-in (standins/) instead of the HTTP pipe: no API
 * URL is set, `backend` is "library".
 *
 * Run by scripts/test.sh: `cd ui-tests && npx playwright test -c library`.
 */
const path = require('path');

const main = require('../playwright.config');

const uiTests = path.join(__dirname, '..');
const root = path.join(uiTests, '..');
const port = process.env.MLP_UI_PORT || '8892';
const origin = `http://127.0.0.1:${port}`;
const emulatorPort = process.env.MLP_EMULATOR_PORT || '8766';
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;

const env = { ...process.env, MLPLATFORM_STANDIN_URL: emulatorUrl };
delete env.MLPLATFORM_API_URL;
env.PYTHONPATH = [path.join(root, 'standins'), process.env.PYTHONPATH]
  .filter(Boolean)
  .join(path.delimiter);

module.exports = {
  ...main,
  testDir: __dirname,
  outputDir: path.join(uiTests, 'test-results', 'library'),
  snapshotPathTemplate: undefined,
  reporter: [['list']],
  use: { ...main.use, baseURL: origin },
  webServer: [
    { ...main.webServer[0], cwd: uiTests },
    {
      command: `jupyter lab --config jupyter_server_test_config.py --ServerApp.port=${port} --MLPlatformTokens.backend=library`,
      cwd: uiTests,
      url: `${origin}/lab`,
      env,
      timeout: 120 * 1000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: process.env.MLP_UI_VERBOSE ? 'pipe' : 'ignore'
    }
  ]
};
