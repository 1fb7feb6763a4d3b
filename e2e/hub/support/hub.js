// @ts-check
/**
 * The hub under test and what it needs: the ML Platform emulator, the
 * configuration's environment under /opt, the run folder with the hub's
 * state and the `shared` folder. The run's facts are kept in
 * `<run>/state.json` (root only), which the tests, the teardown and the
 * fallback cleanup all read.
 */
const fs = require('fs');
const path = require('path');

const { startDetached, stopProcess, waitForUrl } = require('./processes');

const HUB_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(HUB_DIR, '..', '..');

/**
 * @typedef {{ name: string, password: string, home: string }} IPerson
 * @typedef {{
 *   config: string,
 *   prefix: string,
 *   ownPrefix: string,
 *   runDir: string,
 *   stateDir: string,
 *   sharedDir: string,
 *   hubUrl: string,
 *   ports: { hub: number, hubApi: number, proxyApi: number },
 *   emulatorUrl: string,
 *   emulatorPid?: number,
 *   hubPid?: number,
 *   adminToken?: { value: string, name: string },
 *   people: { admin?: IPerson, alice?: IPerson, bob?: IPerson, carol?: IPerson },
 *   userPassword: string,
 *   adminPassword: string,
 *   wheel: string,
 *   versions?: Record<string, string>
 * }} IRunState
 */

/**
 * The run folder of a configuration: MLP_HUB_RUN_DIR, or one under /tmp.
 *
 * @param {string} config
 */
function runDir(config) {
  return (
    process.env.MLP_HUB_RUN_DIR || path.join('/tmp', `mlp-hub-e2e-${config}`)
  );
}

/**
 * The configuration this run tests (MLP_HUB_CONFIG, "5" by default): the
 * one with a jupyterhub_config_<name>.py here.
 */
function configName() {
  const name = process.env.MLP_HUB_CONFIG || '5';
  const file = path.join(HUB_DIR, `jupyterhub_config_${name}.py`);
  if (!/^[\w-]+$/.test(name) || !fs.existsSync(file)) {
    throw new Error(
      `MLP_HUB_CONFIG: there is no e2e/hub/jupyterhub_config_${name}.py`
    );
  }
  return name;
}

/**
 * @param {string} dir
 * @returns {IRunState | null}
 */
function readState(dir) {
  const file = path.join(dir, 'state.json');
  return fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf-8'))
    : null;
}

/**
 * @param {IRunState} state
 */
function writeState(state) {
  const file = path.join(state.runDir, 'state.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), {
    mode: 0o600
  });
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * The environment the hub runs with: nothing of the caller's but what is
 * named here, so no PATH entry under a 0700 home reaches the single-user
 * servers (LocalProcessSpawner passes PATH on).
 *
 * @param {IRunState} state
 * @returns {NodeJS.ProcessEnv}
 */
function hubEnv(state) {
  return {
    PATH: `${state.prefix}/bin:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    HOME: '/root',
    MLP_HUB_STATE: state.stateDir,
    MLP_HUB_PORT: String(state.ports.hub),
    MLP_HUB_API_PORT: String(state.ports.hubApi),
    MLP_HUB_PROXY_API_PORT: String(state.ports.proxyApi),
    MLP_HUB_ADMIN: state.people.admin?.name ?? '',
    MLP_HUB_API_URL: state.emulatorUrl,
    MLP_HUB_OWN_PREFIX: state.ownPrefix,
    MLP_HUB_OWN_USERS: state.people.carol?.name ?? '',
    MLP_HUB_USER_PASSWORD: state.userPassword,
    MLP_HUB_ADMIN_PASSWORD: state.adminPassword
  };
}

/**
 * Start the hub and wait until it answers; records its pid in the state.
 *
 * @param {IRunState} state
 */
async function startHub(state) {
  const logFile = path.join(state.runDir, 'logs', 'hub.log');
  // A new umask-022 world: files people save in `shared` are readable by all.
  const pid = startDetached(
    '/bin/sh',
    [
      '-c',
      'umask 022; exec "$0" "$@"',
      path.join(state.prefix, 'bin', 'jupyterhub'),
      '-f',
      path.join(HUB_DIR, `jupyterhub_config_${state.config}.py`)
    ],
    { cwd: state.stateDir, env: hubEnv(state), logFile }
  );
  state.hubPid = pid;
  writeState(state);
  await waitForUrl(`${state.hubUrl}/hub/api/`, { pid, seconds: 90, logFile });
}

/**
 * Stop the hub (which stops the servers it started) and wait until it is
 * gone.
 *
 * @param {IRunState} state
 */
async function stopHub(state) {
  await stopProcess(state.hubPid, { seconds: 60 });
  state.hubPid = undefined;
  writeState(state);
}

/**
 * Start the ML Platform emulator (state in memory, control API on for
 * minting) and seed it with an Administrator access token.
 *
 * @param {IRunState} state
 */
async function startEmulator(state) {
  const logFile = path.join(state.runDir, 'logs', 'emulator.log');
  const port = new URL(state.emulatorUrl).port;
  const pid = startDetached(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      path.join(ROOT, 'emulator', 'src', 'main.ts'),
      '--host',
      '127.0.0.1',
      '--port',
      port,
      '--control'
    ],
    { env: { PATH: process.env.PATH, HOME: process.env.HOME }, logFile }
  );
  state.emulatorPid = pid;
  writeState(state);
  await waitForUrl(`${state.emulatorUrl}/_emulator/clock`, {
    pid,
    seconds: 60,
    logFile
  });
  const answer = await fetch(`${state.emulatorUrl}/_emulator/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: `team-admin-${state.config}`,
      token_type: 'ADMIN'
    })
  });
  if (answer.status !== 201) {
    throw new Error(
      `the emulator did not mint an Administrator token (${answer.status})`
    );
  }
  const minted =
    /** @type {{ refresh_token: string, token: { name: string } }} */ (
      await answer.json()
    );
  state.adminToken = { value: minted.refresh_token, name: minted.token.name };
  writeState(state);
}

module.exports = {
  configName,
  readState,
  runDir,
  startEmulator,
  startHub,
  stopHub,
  writeState
};
