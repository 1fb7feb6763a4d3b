// @ts-check
/**
 * What a person does on the hub, through its real pages: sign up or be
 * added, be authorized, log in, start and stop their server; and in their
 * JupyterLab: the tokens panel, notebooks, terminals, and the REST calls
 * the page itself would make (with the XSRF header JupyterHub asks for).
 */
const { expect } = require('@playwright/test');
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const { configName, readState, runDir } = require('../support/hub');

/** @typedef {import('../support/hub').IRunState} IRunState */
/** @typedef {import('../support/hub').IPerson} IPerson */
/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {'alice' | 'bob' | 'carol'} IRole someone on the hub */

const PANEL = '#jp-mlpTokens-panel';
const DIALOG = '.jp-Dialog';

/**
 * The run's facts, as the global setup (and a hub restart) left them.
 *
 * @returns {IRunState}
 */
function runState() {
  const state = readState(runDir(configName()));
  if (!state) {
    throw new Error('no run state: the global setup did not run');
  }
  return state;
}

/**
 * One line of Python that prints a short hash of MLP_REFRESH_TOKEN (never
 * the value), or `MLP:none`, and leaves no names behind.
 */
const PROBE =
  "import hashlib as _h, os as _o; _v = _o.environ.get('MLP_REFRESH_TOKEN'); " +
  "print('MLP:' + (_h.sha256(_v.encode()).hexdigest()[:16] if _v else 'none')); del _h, _o, _v";

/**
 * The same probe for a terminal (bash).
 */
const SHELL_PROBE =
  'if [ -n "${MLP_REFRESH_TOKEN:-}" ]; then echo "MLP:$(printf %s "$MLP_REFRESH_TOKEN" | sha256sum | cut -c1-16)"; else echo MLP:none; fi';

/**
 * What the probes print for a value (or for none).
 *
 * @param {string | null} value
 */
function probeLine(value) {
  return value === null
    ? 'MLP:none'
    : `MLP:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/**
 * The password a person logs in with on this configuration: their own with
 * nativeauthenticator; the shared one (or the administrators') with the
 * shared-password authenticator.
 *
 * @param {IRunState} state
 * @param {'admin' | IRole} role
 */
function passwordOf(state, role) {
  if (state.config === '6') {
    return role === 'admin' ? state.adminPassword : state.userPassword;
  }
  return /** @type {IPerson} */ (state.people[role]).password;
}

/**
 * Fill in and send the hub's login form.
 *
 * @param {Page} page
 * @param {IRunState} state
 * @param {'admin' | IRole} role
 * @param {string} [next] where to go after logging in
 */
async function submitLogin(page, state, role, next) {
  const query = next ? `?next=${encodeURIComponent(next)}` : '';
  await page.goto(`${state.hubUrl}/hub/login${query}`);
  await page
    .locator('#username_input')
    .fill(/** @type {IPerson} */ (state.people[role]).name);
  await page.locator('#password_input').fill(passwordOf(state, role));
  await page.locator('#login_submit').click();
}

/**
 * The hub's login refuses this person, with the message it gives.
 *
 * @param {Page} page
 * @param {IRunState} state
 * @param {'admin' | IRole} role
 * @param {RegExp} message
 */
async function expectLoginRefused(page, state, role, message) {
  await submitLogin(page, state, role, '/hub/home');
  await expect(page.locator('.login_error')).toContainText(message);
  await expect(page).toHaveURL(/\/hub\/login/);
}

/**
 * The administrator gets an account on the hub and is logged in to it (on
 * /hub/home, no server started).
 *
 * @param {Page} page
 * @param {IRunState} state
 */
async function adminJoins(page, state) {
  if (state.config === '5') {
    // Administrators are authorized as they sign up.
    await signUp(page, state, 'admin', /The signup was successful/);
  }
  await submitLogin(page, state, 'admin', '/hub/home');
  await expect(page).toHaveURL(/\/hub\/home/);
}

/**
 * Sign up on nativeauthenticator's page.
 *
 * @param {Page} page
 * @param {IRunState} state
 * @param {'admin' | IRole} role
 * @param {RegExp} message what the page answers
 */
async function signUp(page, state, role, message) {
  const person = /** @type {IPerson} */ (state.people[role]);
  await page.goto(`${state.hubUrl}/hub/signup`);
  await page.locator('#username_input').fill(person.name);
  await page.locator('#password_input').fill(person.password);
  await page.locator('#password_confirmation_input').fill(person.password);
  await page.locator('#signup_submit').click();
  await expect(page.locator('.alert')).toContainText(message);
}

/**
 * A newcomer joins the hub the way this configuration offers, and the
 * administrator lets them in:
 *
 * - 5 (nativeauthenticator): they sign up; logging in is refused until the
 *   administrator authorizes them in Hub Control Panel -> "Authorize Users".
 * - 6 (shared password): there is no sign-up; logging in is refused until
 *   the administrator adds them in Hub Control Panel -> Admin -> "Add Users".
 *
 * @param {Page} page the newcomer's
 * @param {Page} adminPage the administrator's, logged in
 * @param {IRunState} state
 * @param {IRole} role
 */
async function join(page, adminPage, state, role) {
  const name = /** @type {IPerson} */ (state.people[role]).name;
  if (state.config === '5') {
    await signUp(
      page,
      state,
      role,
      /Your information has been sent to the admin/
    );
    await expectLoginRefused(
      page,
      state,
      role,
      /has not been authorized by an administrator yet/
    );
    // The administrator opens "Authorize Users" from the hub's menu.
    await adminPage.goto(`${state.hubUrl}/hub/home`);
    await adminPage.getByRole('link', { name: 'Authorize Users' }).click();
    const row = adminPage.locator(`tr[id="${name}"]`);
    await expect(row).toContainText('No');
    // The links there are styled as buttons.
    await row.getByRole('button', { name: 'Authorize', exact: true }).click();
    await expect(adminPage.locator(`tr[id="${name}"]`)).toContainText('Yes');
  } else {
    await expectLoginRefused(page, state, role, /Invalid username or password/);
    await adminPage.goto(`${state.hubUrl}/hub/home`);
    await adminPage.getByRole('link', { name: 'Admin' }).click();
    await adminPage.getByRole('button', { name: 'Add Users' }).click();
    await adminPage.locator('#add-user-textarea').fill(name);
    await adminPage.locator('#submit').click();
    await expect(adminPage.getByTestId(`user-name-div-${name}`)).toBeVisible();
  }
}

/**
 * Log in and let the hub start the person's server (it sends them there);
 * resolves once their JupyterLab shows the tokens status item (or, with
 * `extension: false`, once it has loaded without this extension).
 *
 * @param {Page} page
 * @param {IRunState} state
 * @param {IRole} role
 * @param {{ extension?: boolean }} [options]
 */
async function logInToLab(page, state, role, options = {}) {
  await submitLogin(page, state, role);
  await waitForLab(page, state, role, options);
}

/**
 * Wait until the person's JupyterLab has loaded with this extension (or,
 * with `extension: false`, without it).
 *
 * @param {Page} page
 * @param {IRunState} state
 * @param {IRole} role
 * @param {{ extension?: boolean }} [options]
 */
async function waitForLab(page, state, role, options = {}) {
  const name = /** @type {IPerson} */ (state.people[role]).name;
  await page.waitForURL(new RegExp(`/user/${name}/lab`), {
    timeout: 150 * 1000
  });
  if (options.extension === false) {
    await expect(page.locator('#jp-main-statusbar')).toBeVisible({
      timeout: 90 * 1000
    });
    await expect(page.locator('#jp-mlpTokens-panel')).toHaveCount(0);
    return;
  }
  await expect(page.locator('.jp-mlpTokens-statusItem')).toBeVisible({
    timeout: 90 * 1000
  });
}

/**
 * Run a command the way a user does: open the command palette (in
 * JupyterLab and in Notebook 7), search for the label in the "ML Platform"
 * category and click it.
 *
 * @param {Page} page
 * @param {string} label
 */
async function runFromPalette(page, label) {
  await page.keyboard.press('Control+Shift+C');
  const search = page.locator('#modal-command-palette input');
  await expect(search).toBeFocused();
  await search.fill(`ML Platform ${label}`);
  await page
    .locator('#modal-command-palette .lm-CommandPalette-item', {
      hasText: label
    })
    .first()
    .click();
}

/**
 * A new access token on the platform (the emulator mints it, as the
 * platform's console would).
 *
 * @param {IRunState} state
 * @param {string} name
 * @param {'USER' | 'ADMIN'} [type]
 * @returns {Promise<{ value: string, name: string }>}
 */
async function mintToken(state, name, type = 'USER') {
  const answer = await fetch(`${state.emulatorUrl}/_emulator/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, token_type: type })
  });
  expect(answer.status).toBe(201);
  const minted =
    /** @type {{ refresh_token: string, token: { name: string } }} */ (
      await answer.json()
    );
  return { value: minted.refresh_token, name: minted.token.name };
}

/**
 * In the open add dialog: paste the value, check it, see its name, save it
 * as the active token.
 *
 * @param {Page} page
 * @param {{ value: string, name: string }} token
 */
async function pasteAndSave(page, token) {
  await pasteSecret(page, token.value, 'Check');
  const confirm = page.locator(DIALOG);
  await expect(confirm).toContainText('Save This Token?');
  await expect(confirm).toContainText(token.name);
  await confirm.getByRole('button', { name: 'Save and Make Active' }).click();
  await expect(confirm).toHaveCount(0);
}

/**
 * The base URL of a person's single-user server.
 *
 * @param {IRunState} state
 * @param {IRole} role
 */
function serverUrl(state, role) {
  return `${state.hubUrl}/user/${/** @type {IPerson} */ (state.people[role]).name}`;
}

/**
 * A REST call from inside the person's JupyterLab page, with the XSRF
 * header JupyterLab itself sends (JupyterHub checks it on every
 * cookie-authenticated script request, GETs included).
 *
 * @param {Page} page
 * @param {string} url
 * @param {{ method?: string, body?: unknown, xsrf?: boolean }} [init] with
 *   `xsrf: false`, no XSRF header
 * @returns {Promise<{ status: number, body: any }>}
 */
async function pageFetch(page, url, init = {}) {
  return page.evaluate(
    async ({ url, method, body, xsrf }) => {
      const cookie = xsrf
        ? document.cookie.split('; ').find(item => item.startsWith('_xsrf='))
        : undefined;
      /** @type {Record<string, string>} */
      const headers = { 'Content-Type': 'application/json' };
      if (cookie) {
        headers['X-XSRFToken'] = decodeURIComponent(
          cookie.slice('_xsrf='.length)
        );
      }
      const answer = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      const text = await answer.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: answer.status, body: parsed };
    },
    {
      url,
      method: init.method ?? 'GET',
      body: init.body,
      xsrf: init.xsrf ?? true
    }
  );
}

/**
 * The value of the person's active access token, read as their own page
 * would (the panel's "copy").
 *
 * @param {Page} page
 * @param {IRunState} state
 * @param {IRole} role
 * @returns {Promise<string | null>}
 */
async function activeValue(page, state, role) {
  const api = `${serverUrl(state, role)}/mlplatform-tokens`;
  const list = await pageFetch(page, `${api}/tokens`);
  expect(list.status).toBe(200);
  if (!list.body.active_id) {
    return null;
  }
  const value = await pageFetch(
    page,
    `${api}/tokens/${list.body.active_id}/value`
  );
  expect(value.status).toBe(200);
  return value.body.value;
}

/**
 * Open the tokens panel from its sidebar tab.
 *
 * @param {Page} page
 */
async function openPanel(page) {
  const panel = page.locator(PANEL);
  const tab = page.locator(
    '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-mlpTokens-panel"]'
  );
  // The tab toggles the panel, and a page still restoring its layout may
  // show the panel just after a click: click again until it stays shown.
  await expect(async () => {
    if (!(await panel.isVisible())) {
      await tab.click();
    }
    await expect(panel).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30 * 1000 });
  return panel;
}

/**
 * Paste a secret into the focused field of the open dialog and press a
 * button.
 *
 * @param {Page} page
 * @param {string} value
 * @param {string} button
 */
async function pasteSecret(page, value, button) {
  const field = page.locator(`${DIALOG} input.jp-mlpTokens-secret`);
  await expect(field).toBeFocused();
  await field.fill(value);
  await page.locator(DIALOG).getByRole('button', { name: button }).click();
}

/**
 * Open a new notebook from a new launcher (File -> New Launcher), whatever
 * the restored layout shows.
 *
 * @param {Page} page
 */
async function newNotebook(page) {
  await page.locator('#jp-MainMenu').getByText('File', { exact: true }).click();
  await page.locator('.lm-Menu-item', { hasText: 'New Launcher' }).click();
  await page
    .locator('.jp-Launcher:visible .jp-LauncherCard[data-category="Notebook"]')
    .first()
    .click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook).toHaveCount(1);
  return notebook;
}

/**
 * Type code into cell `index` of the current notebook, wait until its
 * kernel is idle (a cell run before the kernel is there is dropped), run
 * it, and answer its output once it shows `expected`.
 *
 * @param {Page} page
 * @param {number} index
 * @param {string} code
 * @param {RegExp} expected
 */
async function runCell(page, index, code, expected) {
  const cell = page
    .locator('.jp-NotebookPanel:visible .jp-Notebook .jp-Cell')
    .nth(index);
  await cell.locator('.cm-content').click();
  await page.keyboard.type(code);
  await expect(
    page.locator('#jp-main-statusbar').getByText(/\|\s*Idle$/)
  ).toBeVisible({
    timeout: 90 * 1000
  });
  const output = cell.locator('.jp-OutputArea-output');
  const prompt = cell.locator('.jp-InputPrompt');
  await page.keyboard.press('Control+Enter');
  let pressed = Date.now();
  // Should the run still have been dropped, run it again.
  await expect
    .poll(
      async () => {
        if ((await output.count()) > 0) {
          return true;
        }
        if (
          Date.now() - pressed > 3000 &&
          (await prompt.innerText()).trim() === '[ ]:'
        ) {
          await prompt.click();
          await page.keyboard.press('Control+Enter');
          pressed = Date.now();
        }
        return false;
      },
      { timeout: 90 * 1000, intervals: [2000] }
    )
    .toBe(true);
  await expect(output).toContainText(expected);
  return (await output.innerText()).trim();
}

/**
 * Run cell `index` of the current notebook again (Ctrl+Enter) until its
 * output is `expected`, for a value that reaches a running kernel live.
 *
 * @param {Page} page
 * @param {number} index
 * @param {string} expected
 * @param {number} [seconds] how long to keep trying (a kernel still starting
 *   drops the runs sent before it is there)
 */
async function rerunCellUntil(page, index, expected, seconds = 20) {
  const cell = page
    .locator('.jp-NotebookPanel:visible .jp-Notebook .jp-Cell')
    .nth(index);
  const output = cell.locator('.jp-OutputArea-output');
  await expect
    .poll(
      async () => {
        await cell.locator('.cm-content').click();
        await page.keyboard.press('Control+Enter');
        await page.waitForTimeout(500);
        return (await output.count()) > 0
          ? (await output.innerText()).trim()
          : '';
      },
      { timeout: seconds * 1000, intervals: [500, 1000, 2000] }
    )
    .toBe(expected);
}

let terminalRuns = 0;

/**
 * Open a terminal from a new launcher and run a bash command in it; its
 * output is written to a file in the person's home (read here as root,
 * since the terminal draws on a canvas).
 *
 * @param {Page} page
 * @param {IPerson} person
 * @param {string} command
 */
async function runInTerminal(page, person, command) {
  await page.locator('#jp-MainMenu').getByText('File', { exact: true }).click();
  await page.locator('.lm-Menu-item', { hasText: 'New Launcher' }).click();
  await page
    .locator('.jp-Launcher:visible .jp-LauncherCard', { hasText: 'Terminal' })
    .click();
  const terminal = page.locator('.jp-Terminal:visible');
  await expect(terminal).toBeVisible();
  const file = path.join(
    person.home,
    `.mlp-e2e-terminal-${++terminalRuns}.out`
  );
  const line = `{ ${command} ; } > ${file}.part 2>&1; mv ${file}.part ${file}`;
  // Keys typed before the terminal's connection is up are lost: type the
  // line again until its output appears.
  await expect
    .poll(
      async () => {
        if (!fs.existsSync(file)) {
          await terminal.click();
          await page.keyboard.type(line);
          await page.keyboard.press('Enter');
          await page.waitForTimeout(2000);
        }
        return fs.existsSync(file);
      },
      { timeout: 60 * 1000, intervals: [500] }
    )
    .toBe(true);
  return fs.readFileSync(file, 'utf-8').trim();
}

/**
 * The person's vault file.
 *
 * @param {IPerson} person
 */
function vaultPath(person) {
  return path.join(
    person.home,
    '.local',
    'share',
    'jupyter',
    'mlplatform_tokens',
    'vault.json'
  );
}

/**
 * Record the figures of one start for run.sh's summary (and show them in
 * the test's output): seconds from "Start My Server" to the token in the
 * first cell (`total`), and to JupyterLab being ready (`lab`).
 *
 * @param {string} key
 * @param {{ total: number, lab: number }} figures
 */
function recordTiming(key, figures) {
  const state = runState();
  const file = path.join(state.runDir, 'timings.json');
  const timings = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf-8'))
    : {};
  const round = (/** @type {number} */ seconds) =>
    Math.round(seconds * 10) / 10;
  timings[key] = { total: round(figures.total), lab: round(figures.lab) };
  fs.writeFileSync(file, JSON.stringify(timings, null, 2));
  process.stdout.write(
    `Start My Server -> token in the first cell, ${key}: ${timings[key].total} s (JupyterLab ready after ${timings[key].lab} s)\n`
  );
}

module.exports = {
  DIALOG,
  PROBE,
  SHELL_PROBE,
  activeValue,
  adminJoins,
  join,
  logInToLab,
  mintToken,
  newNotebook,
  openPanel,
  pageFetch,
  pasteAndSave,
  pasteSecret,
  probeLine,
  recordTiming,
  rerunCellUntil,
  runCell,
  runFromPalette,
  runInTerminal,
  runState,
  serverUrl,
  vaultPath,
  waitForLab
};
