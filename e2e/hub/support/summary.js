// @ts-check
/**
 * One summary line for a run folder: `hub(<config>): N passed, M failed`,
 * then the time from "Start My Server" to the token in the first cell; for a
 * configuration without sign-up, a second line that says so.
 * Usage: node e2e/hub/support/summary.js <run folder>
 */
const fs = require('fs');
const path = require('path');

const { readState } = require('./hub');

/**
 * @param {string} file
 */
function readJson(file) {
  return fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf-8'))
    : null;
}

/**
 * The configuration as `<jupyterhub version>+<authenticator>-<version>`.
 *
 * @param {import('./hub').IRunState | null} state
 * @param {string} dir
 */
function label(state, dir) {
  const versions = state?.versions;
  if (!versions) {
    return path.basename(dir);
  }
  const authenticator = versions['jupyterhub-nativeauthenticator']
    ? `nativeauthenticator-${versions['jupyterhub-nativeauthenticator']}`
    : 'shared-password';
  return `${versions.jupyterhub}+${authenticator}`;
}

/**
 * The titles of the tests that were expected to fail and did.
 *
 * @param {any} report Playwright's JSON report
 * @returns {string[]}
 */
function knownToFail(report) {
  /** @type {string[]} */
  const titles = [];
  const walk = (/** @type {any} */ suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.expectedStatus === 'failed' && test.status === 'expected') {
          titles.push(spec.title);
        }
      }
    }
    for (const child of suite.suites ?? []) {
      walk(child);
    }
  };
  for (const suite of report.suites ?? []) {
    walk(suite);
  }
  return titles;
}

/**
 * @param {string} dir
 */
function summary(dir) {
  const state = readState(dir);
  const report = readJson(path.join(dir, 'report.json'));
  let passed = 0;
  let failed = 0;
  const notes = [];
  if (report) {
    // Tests marked test.fail() for a known product defect that failed as
    // expected: not passes, and named.
    const known = knownToFail(report);
    passed = report.stats.expected + report.stats.flaky - known.length;
    if (known.length > 0) {
      notes.push(`${known.length} known to fail: ${known.join(' | ')}`);
    }
    // A journey that did not run after an earlier one failed is not a pass.
    failed = report.stats.unexpected + report.stats.skipped;
    if (report.stats.skipped > 0) {
      notes.push(`${report.stats.skipped} not run after a failure`);
    }
    if ((report.errors ?? []).length > 0 && passed + failed === 0) {
      failed = 1;
      notes.push(
        `set-up failed: ${String(report.errors[0].message).split('\n')[0]}`
      );
    }
  } else {
    failed = 1;
    notes.push('no report: the run did not finish');
  }
  const timings = readJson(path.join(dir, 'timings.json')) ?? {};
  const figures = Object.entries(timings).map(
    ([key, value]) =>
      `${value.total} s ${key} (JupyterLab ready after ${value.lab} s)`
  );
  let line = `hub(${label(state, dir)}): ${passed} passed, ${failed} failed`;
  if (notes.length > 0) {
    line += ` (${notes.join('; ')})`;
  }
  line +=
    figures.length > 0
      ? `; Start My Server -> token in the first cell: ${figures.join(', ')}`
      : '';
  // (Not starting with "hub(", which is how scripts/test.sh finds the
  // counts.)
  if (state && !state.versions?.['jupyterhub-nativeauthenticator']) {
    line += `\n  (${label(state, dir)} has no sign-up: the administrator added each person in Admin -> "Add Users" instead)`;
  }
  return line;
}

for (const dir of process.argv.slice(2)) {
  process.stdout.write(`${summary(dir)}\n`);
}
