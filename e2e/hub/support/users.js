// @ts-check
/**
 * The people of a run as OS accounts, as on a VK Cloud hub where each person
 * is an account on the VM: created with `useradd -m` under unique names
 * (mlpe2e-<run>-<role>), each with `~/shared` pointing at the run's shared
 * folder, and removed with `userdel -r` (their processes stopped first, by
 * id).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** The comment that marks the accounts this suite creates. */
const USER_MARK = 'mlplatform-tokens hub e2e';
const USER_PREFIX = 'mlpe2e-';

/**
 * @param {string} name
 */
function userExists(name) {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Create the account `name` with a home, and `~/shared` linked to
 * `sharedDir`. Answers the home folder.
 *
 * @param {string} name
 * @param {string} sharedDir
 */
function createUser(name, sharedDir) {
  execFileSync('useradd', ['-m', '-c', USER_MARK, '-s', '/bin/bash', name], {
    stdio: ['ignore', 'ignore', 'pipe']
  });
  const home = execFileSync('getent', ['passwd', name], {
    encoding: 'utf-8'
  }).split(':')[5];
  const link = path.join(home, 'shared');
  fs.symlinkSync(sharedDir, link);
  execFileSync('chown', ['-h', `${name}:${name}`, link]);
  return home;
}

/**
 * The ids of the processes running as `name`.
 *
 * @param {string} name
 * @returns {number[]}
 */
function processesOf(name) {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-u', name], { encoding: 'utf-8' })
      .split('\n')
      .map(line => Number(line.trim()))
      .filter(pid => pid > 0);
  } catch {
    return [];
  }
}

/**
 * Stop what runs as `name` (by process id) and remove the account and its
 * home. Only accounts this suite marked are touched.
 *
 * @param {string} name
 */
function removeUser(name) {
  if (!name.startsWith(USER_PREFIX) || !userExists(name)) {
    return;
  }
  const comment = execFileSync('getent', ['passwd', name], {
    encoding: 'utf-8'
  }).split(':')[4];
  if (comment !== USER_MARK) {
    return;
  }
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGKILL'])) {
    for (const pid of processesOf(name)) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
    if (processesOf(name).length === 0) {
      break;
    }
    execFileSync('sleep', ['1']);
  }
  execFileSync('userdel', ['-r', name], {
    stdio: ['ignore', 'ignore', 'ignore']
  });
}

/**
 * Accounts left by an earlier run that was interrupted.
 *
 * @returns {string[]}
 */
function leftoverUsers() {
  return execFileSync('getent', ['passwd'], { encoding: 'utf-8' })
    .split('\n')
    .map(line => line.split(':'))
    .filter(
      fields => fields[0]?.startsWith(USER_PREFIX) && fields[4] === USER_MARK
    )
    .map(fields => fields[0]);
}

module.exports = {
  createUser,
  leftoverUsers,
  processesOf,
  removeUser
};
