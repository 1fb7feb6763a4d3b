// @ts-check
/**
 * Start, wait for and stop the long-lived processes of the suite (the
 * emulator, the hub). Each runs detached in its own process group, so it
 * outlives the Playwright process that started it (a test restarts the
 * hub) and is stopped by its id alone.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');

/**
 * A port that is free on 127.0.0.1 right now.
 *
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Distinct free ports.
 *
 * @param {number} count
 * @returns {Promise<number[]>}
 */
async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) {
    ports.add(await freePort());
  }
  return [...ports];
}

/**
 * Start a detached process with its output appended to `logFile`.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env: NodeJS.ProcessEnv, logFile: string }} options
 * @returns {number} the pid (also the process group id)
 */
function startDetached(command, args, options) {
  const log = fs.openSync(options.logFile, 'a', 0o600);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', log, log]
  });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}`);
  }
  return child.pid;
}

/**
 * Whether a process is alive (a zombie is not).
 *
 * @param {number} pid
 */
function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * @param {number} ms
 */
function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Ask a process to stop (SIGTERM), and kill it when it has not after
 * `seconds`. Resolves once it is gone.
 *
 * @param {number | undefined} pid
 * @param {{ seconds?: number, group?: boolean }} options `group`: signal the
 *   whole process group the process leads
 */
async function stopProcess(pid, options = {}) {
  if (!pid || !isAlive(pid)) {
    return;
  }
  const target = options.group ? -pid : pid;
  process.kill(target, 'SIGTERM');
  for (let i = 0; i < (options.seconds ?? 30) * 10 && isAlive(pid); i++) {
    await sleep(100);
  }
  if (isAlive(pid)) {
    process.kill(target, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) {
      await sleep(100);
    }
  }
}

/**
 * Wait until `url` answers with `status`, or fail after `seconds`; fails at
 * once when the process `pid` is gone.
 *
 * @param {string} url
 * @param {{ pid: number, seconds: number, status?: number, logFile: string }} options
 */
async function waitForUrl(url, options) {
  const deadline = Date.now() + options.seconds * 1000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive(options.pid)) {
      throw new Error(`the process for ${url} exited; see ${options.logFile}`);
    }
    try {
      const answer = await fetch(url, { redirect: 'manual' });
      if (answer.status === (options.status ?? 200)) {
        return;
      }
      last = `status ${answer.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(250);
  }
  throw new Error(
    `${url} did not answer within ${options.seconds} s (${last}); see ${options.logFile}`
  );
}

module.exports = { freePorts, startDetached, stopProcess, waitForUrl };
