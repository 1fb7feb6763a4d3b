/**
 * Galata configuration of the compatibility matrix: the smoke journeys in a
 * clean environment of a given JupyterLab / Notebook release.
 *
 * Run by scripts/compat.sh, which sets MLP_COMPAT_ENV (the environment's
 * virtual environment), MLP_COMPAT_RUN_DIR (where the server keeps its
 * files), MLP_UI_PORT and MLP_EMULATOR_PORT (free ports on 127.0.0.1).
 * Projects: `lab` (JupyterLab at /lab) and `notebook` (Notebook 7 pages).
 */
const path = require('path');

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const env = process.env.MLP_COMPAT_ENV;
if (!env) {
  throw new Error('MLP_COMPAT_ENV (the environment to test) is not set');
}
const uiTests = path.join(__dirname, '..');
const port = process.env.MLP_UI_PORT || '8891';
const origin = `http://127.0.0.1:${port}`;
const emulatorPort = process.env.MLP_EMULATOR_PORT || '8767';
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;

module.exports = {
  ...baseConfig,
  testDir: __dirname,
  // Apart from ui-tests/test-results, which another Galata run empties.
  outputDir: path.join(
    process.env.MLP_COMPAT_RUN_DIR || path.join(uiTests, 'test-results'),
    'test-results'
  ),
  reporter: [['list']],
  retries: 0,
  workers: 1,
  timeout: 120 * 1000,
  use: {
    ...baseConfig.use,
    baseURL: origin,
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: require('../chromium')
  },
  projects: [
    { name: 'lab', testMatch: 'lab.spec.ts', use: { appPath: '/lab' } },
    { name: 'notebook', testMatch: 'notebook.spec.ts', use: { appPath: '' } }
  ],
  webServer: [
    {
      command: `node ../node_modules/.bin/tsx ../emulator/src/main.ts --host 127.0.0.1 --port ${emulatorPort} --control`,
      cwd: uiTests,
      url: `${emulatorUrl}/_emulator/clock`,
      timeout: 60 * 1000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe'
    },
    {
      command: `"${env}/bin/jupyter" lab --config compat/jupyter_server_config.py --ServerApp.port=${port}`,
      cwd: uiTests,
      url: `${origin}/lab`,
      env: {
        ...process.env,
        // Only the environment's own programs: its python for the kernels.
        PATH: `${env}/bin:/usr/bin:/bin`,
        VIRTUAL_ENV: env,
        MLPLATFORM_API_URL: emulatorUrl
      },
      timeout: 120 * 1000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: process.env.MLP_UI_VERBOSE ? 'pipe' : 'ignore'
    }
  ]
};
