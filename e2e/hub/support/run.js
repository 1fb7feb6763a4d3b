// @ts-check
/**
 * Bring a run up (global setup) and down (global teardown, and the fallback
 * cleanup run.sh calls whatever happened): OS accounts, the emulator, the
 * hub, the shared folder.
 */
const { execFileSync } = require('child_process');
const { randomBytes } = require('crypto');
const fs = require('fs');
const path = require('path');

const {
  configName,
  readState,
  runDir,
  startEmulator,
  startHub,
  stopHub,
  writeState
} = require('./hub');
const { freePorts, stopProcess } = require('./processes');
const { createUser, leftoverUsers, removeUser } = require('./users');

/**
 * A password of `bytes` random bytes, as URL-safe text.
 *
 * @param {number} bytes
 */
function secret(bytes) {
  return randomBytes(bytes).toString('base64url');
}

/**
 * What is installed in the hub's environment.
 *
 * @param {string} prefix
 * @returns {Record<string, string>}
 */
function installedVersions(prefix) {
  const python = [
    'import importlib.metadata as m, json',
    'names = ["jupyterhub", "jupyterhub-nativeauthenticator", "jupyterlab", "notebook", "jupyter_server", "ipykernel", "jupyterlab_mlplatform_tokens"]',
    'found = {}',
    'for n in names:',
    '    try: found[n] = m.version(n)',
    '    except m.PackageNotFoundError: pass',
    'print(json.dumps(found))'
  ].join('\n');
  const versions = JSON.parse(
    execFileSync(path.join(prefix, 'bin', 'python'), ['-c', python], {
      encoding: 'utf-8'
    })
  );
  versions['configurable-http-proxy'] = execFileSync(
    path.join(prefix, 'bin', 'configurable-http-proxy'),
    ['--version'],
    { encoding: 'utf-8', env: { PATH: '/usr/bin:/bin' } }
  ).trim();
  return versions;
}

/**
 * Stop and remove everything a run started; safe to call more than once.
 *
 * @param {import('./hub').IRunState} state
 */
async function cleanUp(state) {
  const problems = [];
  try {
    await stopHub(state);
  } catch (error) {
    problems.push(`hub: ${error}`);
  }
  try {
    await stopProcess(state.emulatorPid, { group: true });
    state.emulatorPid = undefined;
  } catch (error) {
    problems.push(`emulator: ${error}`);
  }
  for (const person of Object.values(state.people)) {
    try {
      removeUser(person.name);
    } catch (error) {
      problems.push(`${person.name}: ${error}`);
    }
  }
  fs.rmSync(state.sharedDir, { recursive: true, force: true });
  writeState(state);
  if (problems.length > 0) {
    throw new Error(`cleaning up left: ${problems.join('; ')}`);
  }
}

/**
 * Playwright's global setup: a fresh run folder, four OS accounts, the
 * emulator with an Administrator token, and the hub.
 */
async function setUp() {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the hub suite needs root (it creates OS accounts and runs JupyterHub)'
    );
  }
  const config = configName();
  const dir = runDir(config);
  const previous = readState(dir);
  if (previous) {
    await cleanUp(previous);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  // Others may pass through (to `shared`), not list or read.
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  fs.chmodSync(dir, 0o711);
  for (const sub of ['logs', 'state']) {
    fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
  }
  // Everyone reads what its owner put there; only the owner removes it.
  const sharedDir = path.join(dir, 'shared');
  fs.mkdirSync(sharedDir);
  fs.chmodSync(sharedDir, 0o1777);

  const prefix =
    process.env.MLP_HUB_PREFIX ||
    path.join(process.env.MLP_HUB_OPT || '/opt', `mlp-hub-${config}`);
  const [hub, hubApi, proxyApi, emulator] = await freePorts(4);
  /** @type {import('./hub').IRunState} */
  const state = {
    config,
    prefix,
    // The same stack without this extension, for carol's own install.
    ownPrefix: `${prefix}-own`,
    runDir: dir,
    stateDir: path.join(dir, 'state'),
    sharedDir,
    hubUrl: `http://127.0.0.1:${hub}`,
    ports: { hub, hubApi, proxyApi },
    emulatorUrl: `http://127.0.0.1:${emulator}`,
    people: {},
    userPassword: secret(12),
    adminPassword: secret(30),
    // This extension's wheel, readable by everyone (for a person's own
    // `%pip install`).
    wheel: path.join(
      prefix,
      'wheel',
      fs.readdirSync(path.join(prefix, 'wheel'))[0]
    ),
    versions: installedVersions(prefix)
  };
  writeState(state);

  const tag = randomBytes(2).toString('hex');
  for (const role of /** @type {const} */ ([
    'admin',
    'alice',
    'bob',
    'carol'
  ])) {
    const name = `mlpe2e-${tag}-${role}`;
    // Recorded before it exists, so a failure half-way still removes it.
    state.people[role] = { name, password: secret(12), home: '' };
    writeState(state);
    state.people[role].home = createUser(name, sharedDir);
    writeState(state);
  }
  await startEmulator(state);
  await startHub(state);
}

/**
 * Playwright's global teardown.
 */
async function tearDown() {
  const state = readState(runDir(configName()));
  if (state) {
    await cleanUp(state);
  }
}

/**
 * The fallback cleanup: `node e2e/hub/support/run.js cleanup <run folder>...` stops and
 * removes what those runs left, then any account an interrupted run left.
 */
async function main() {
  const [command, ...dirs] = process.argv.slice(2);
  if (command !== 'cleanup') {
    throw new Error(
      'usage: node e2e/hub/support/run.js cleanup <run folder>...'
    );
  }
  for (const dir of dirs) {
    const state = readState(dir);
    if (state) {
      await cleanUp(state);
    }
  }
  for (const name of leftoverUsers()) {
    removeUser(name);
  }
}

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exitCode = 1;
  });
}

module.exports = { setUp, tearDown };
