// @ts-check
/**
 * People on a VK Cloud-shaped JupyterHub, in Chromium, through the hub's
 * real pages: alice (with an Administrator access token) and bob, each
 * their own OS account, carol who installs the extension for herself, and
 * the hub's administrator. The journeys build on each other and run in
 * order on one hub.
 */
const { expect, test } = require('@playwright/test');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { configName, startHub, stopHub } = require('../support/hub');
const { processesOf } = require('../support/users');
const {
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
} = require('./hub');

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('../support/hub').IPerson} IPerson */

test.describe.configure({ mode: 'serial' });

/** How newcomers join on this configuration, as the titles say it. */
const JOINS =
  configName() === '5'
    ? 'signs up, is authorized on "Authorize Users"'
    : 'is added by the administrator (JupyterHub 6 has no sign-up)';

const REGISTRATION = '#jp-mlpTokens-registrationTokens';
const PROJECT = '#jp-mlpTokens-projectTokens';
const REDACTED = '[MLP token redacted]';

// The run's facts, once the global setup has made them.
/** @type {import('../support/hub').IRunState} */
let state;
/** @type {IPerson} */
let alice;
/** @type {IPerson} */
let bob;
/** @type {IPerson} */
let carol;
/** @type {{ value: string, name: string }} */
let adminToken;
/** Every secret the journeys handled, for the log scan at the end. */
const secrets = new Set();

/** @type {{ admin: Page, alice: Page, bob: Page, carol: Page }} */
const pages = /** @type {any} */ ({});

test.beforeAll(async ({ browser }) => {
  state = runState();
  alice = /** @type {IPerson} */ (state.people.alice);
  bob = /** @type {IPerson} */ (state.people.bob);
  carol = /** @type {IPerson} */ (state.people.carol);
  adminToken = /** @type {{ value: string, name: string }} */ (
    state.adminToken
  );
  for (const role of /** @type {const} */ ([
    'admin',
    'alice',
    'bob',
    'carol'
  ])) {
    pages[role] = await (await browser.newContext()).newPage();
  }
});

// What each person's browser showed when a journey failed.
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) {
    return;
  }
  for (const [role, page] of Object.entries(pages)) {
    const file = testInfo.outputPath(`${role}.png`);
    await page.screenshot({ path: file });
    await testInfo.attach(`${role}.png`, {
      path: file,
      contentType: 'image/png'
    });
  }
});

test.afterAll(async () => {
  for (const page of Object.values(pages)) {
    await page.context().close();
  }
});

/**
 * What a vault keeps that must survive a restart: which token is active,
 * and each saved token (by id, label and a hash of its value) and note.
 * (Verification times change as the panel checks the tokens again.)
 *
 * @param {IPerson} person
 */
function vaultContent(person) {
  const vault = JSON.parse(fs.readFileSync(vaultPath(person), 'utf-8'));
  return {
    active_id: vault.active_id,
    tokens: vault.tokens.map(
      (/** @type {{ id: string, label: string, value: string }} */ token) => ({
        id: token.id,
        label: token.label,
        value: probeLine(token.value)
      })
    ),
    invitations: (vault.invitations ?? []).map(
      (/** @type {{ id: string }} */ note) => note.id
    )
  };
}

const FAR_FUTURE = '2030-01-01T00:00:00Z';

/**
 * The bodies that would pass validation, so that a request let through
 * would really change something; by method and route.
 *
 * @type {Record<string, unknown>}
 */
const BODIES = {
  'POST tokens': {
    value: 'mlp_rt_bob_attempt_0001',
    name: 'bob-attempt',
    role: 'ADMIN',
    issuer: '',
    expires_at: null,
    activate: true
  },
  'PATCH tokens/{record_id}': { label: 'taken over' },
  'POST tokens/{record_id}/verified': {
    name: 'bob-attempt',
    role: 'USER',
    issuer: '',
    expires_at: null
  },
  'POST invitations': {
    name: 'bob-attempt',
    role: 'ADMIN',
    expires_at: FAR_FUTURE
  },
  'POST upstream/{path}': { refresh_token: 'mlp_rt_bob_attempt_0001' }
};

/**
 * The platform paths tried through the upstream pipe, by method.
 *
 * @type {Record<string, string>}
 */
const UPSTREAM_PATHS = {
  GET: 'tokens',
  POST: 'register-tokens/redeem',
  DELETE: 'tokens/{token_name}'
};

/**
 * Route x method pairs that must be among those read from handlers.py (so
 * that a reading that finds too little fails here).
 */
const REQUIRED_ATTEMPTS = [
  ['GET', 'status'],
  ['GET', 'tokens'],
  ['POST', 'tokens'],
  ['POST', 'tokens/deactivate'],
  ['PATCH', 'tokens/{record_id}'],
  ['DELETE', 'tokens/{record_id}'],
  ['GET', 'tokens/{record_id}/value'],
  ['POST', 'tokens/{record_id}/activate'],
  ['POST', 'tokens/{record_id}/verified'],
  ['GET', 'invitations'],
  ['POST', 'invitations'],
  ['DELETE', 'invitations/{invitation_id}'],
  ['GET', 'redactions'],
  ['GET', 'upstream/{path}'],
  ['POST', 'upstream/{path}'],
  ['DELETE', 'upstream/{path}']
];

/**
 * Every route x method of the server part, read from the handler table of
 * the extension installed on the hub (support/routes.py), as requests with
 * these ids in their paths.
 *
 * @param {Record<string, string>} ids
 * @returns {{ method: string, route: string, path: string, body: unknown }[]}
 */
function routeAttempts(ids) {
  const read = spawnSync(
    path.join(state.prefix, 'bin', 'python'),
    [path.join(__dirname, '..', 'support', 'routes.py')],
    { cwd: '/', encoding: 'utf-8' }
  );
  expect(read.status, read.stderr).toBe(0);
  const table =
    /** @type {{ routes: { path: string, methods: string[] }[] }} */ (
      JSON.parse(read.stdout)
    );
  const fill = (/** @type {string} */ text) =>
    text.replace(/\{(\w+)\}/g, (_, name) => {
      expect(ids[name], `an id for {${name}}`).toBeDefined();
      return encodeURIComponent(ids[name]);
    });
  return table.routes.flatMap(route =>
    route.methods.map(method => ({
      method,
      route: route.path,
      path: fill(
        route.path.replace('{path}', UPSTREAM_PATHS[method] ?? 'tokens/me')
      ),
      body:
        BODIES[`${method} ${route.path}`] ??
        (['POST', 'PATCH', 'PUT'].includes(method) ? {} : undefined)
    }))
  );
}

/**
 * The value of the `_xsrf` cookie the browser sends to this URL's folder.
 *
 * @param {Page} page
 * @param {string} base
 */
async function xsrfCookie(page, base) {
  return (await page.context().cookies(`${base}/`)).find(
    cookie => cookie.name === '_xsrf'
  )?.value;
}

/**
 * Every file under `dir`, recursively.
 *
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(entry =>
      entry.isDirectory()
        ? filesUnder(path.join(dir, entry.name))
        : [path.join(dir, entry.name)]
    );
}

/**
 * A notebook whose cells are these sources, with these stream outputs.
 *
 * @param {{ source: string, output?: string }[]} cells
 */
function notebook(cells) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      }
    },
    cells: cells.map((cell, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      source: cell.source,
      metadata: {},
      execution_count: cell.output === undefined ? null : i + 1,
      outputs:
        cell.output === undefined
          ? []
          : [{ output_type: 'stream', name: 'stdout', text: cell.output }]
    }))
  };
}

/**
 * Click "Start My Server" on the hub's home page and time it until the
 * first cell of a new notebook shows the active token.
 *
 * @param {string} expected the probe's line
 */
async function startAndProbe(expected) {
  const page = pages.alice;
  await expect(page.locator('#start')).toHaveText(/Start\s+My Server/, {
    timeout: 60 * 1000
  });
  const started = Date.now();
  await page.locator('#start').click();
  await waitForLab(page, state, 'alice');
  const lab = Date.now();
  await newNotebook(page);
  const line = await runCell(page, 0, PROBE, /MLP:/);
  const done = Date.now();
  expect(line).toBe(expected);
  return { total: (done - started) / 1000, lab: (lab - started) / 1000 };
}

test(`1. alice ${JOINS}, logs in, adds an Administrator token; her first cell has it`, async () => {
  await adminJoins(pages.admin, state);
  await join(pages.alice, pages.admin, state, 'alice');
  const page = pages.alice;
  await logInToLab(page, state, 'alice');

  const panel = await openPanel(page);
  await panel.locator('.jp-mlpTokens-saved .jp-mlpTokens-add').click();
  await pasteSecret(page, adminToken.value, 'Check');
  const confirm = page.locator(DIALOG);
  await expect(confirm).toContainText('Save This Token?');
  await expect(confirm).toContainText(adminToken.name);
  await expect(confirm).toContainText('Administrator');
  await confirm.getByRole('button', { name: 'Save and Make Active' }).click();
  await expect(panel.locator('.jp-mlpTokens-active')).toContainText(
    adminToken.name
  );
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    adminToken.name
  );
  expect(await page.content()).not.toContain(adminToken.value);

  await newNotebook(page);
  expect(await runCell(page, 0, PROBE, /MLP:/)).toBe(
    probeLine(adminToken.value)
  );

  // Her vault: hers alone, 0600 in a 0700 folder.
  const vault = fs.statSync(vaultPath(alice));
  const folder = fs.statSync(path.dirname(vaultPath(alice)));
  const uid = fs.statSync(alice.home).uid;
  expect([vault.uid, vault.mode & 0o777]).toEqual([uid, 0o600]);
  expect([folder.uid, folder.mode & 0o777]).toEqual([uid, 0o700]);
});

test("2. bob joins; nothing of alice's reaches him: not his panel, kernels, terminals, her routes or her vault", async () => {
  const page = pages.bob;
  await join(page, pages.admin, state, 'bob');
  await logInToLab(page, state, 'bob');
  const vaultBefore = vaultContent(alice);

  const panel = await openPanel(page);
  await expect(panel.locator('.jp-mlpTokens-saved')).toContainText(
    'No access token is saved on this server.'
  );
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    'No ML Platform token'
  );
  await newNotebook(page);
  expect(await runCell(page, 0, PROBE, /MLP:/)).toBe('MLP:none');
  expect(await runInTerminal(page, bob, SHELL_PROBE)).toBe('MLP:none');
  // No process of his (server, kernel, terminal) carries her value.
  const bobPids = processesOf(bob.name);
  expect(bobPids.length).toBeGreaterThan(2);
  for (const pid of bobPids) {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
    expect(environ, `the environment of bob's process ${pid}`).not.toContain(
      adminToken.value
    );
  }

  // Her routes answer her (a navigation, as a person opening the URL)...
  const aliceApi = `${serverUrl(state, 'alice')}/mlplatform-tokens`;
  const own = await pages.alice.context().newPage();
  const listed = await own.goto(`${aliceApi}/tokens`);
  expect(listed?.status()).toBe(200);
  const list = JSON.parse(await own.innerText('body'));
  expect(
    list.tokens.map((/** @type {{ name: string }} */ t) => t.name)
  ).toContain(adminToken.name);
  await own.close();
  const id = list.active_id;

  // ...and refuse him: the hub will not log him in to her server, and
  // without that every route is refused.
  const other = await page.context().newPage();
  const login = await other.goto(`${serverUrl(state, 'alice')}/lab`);
  expect(login?.status()).toBe(403);
  await expect(other.locator('body')).toContainText(/do not have permission/i);
  const navigated = await other.goto(`${aliceApi}/tokens/${id}/value`);
  expect(navigated?.status()).toBe(403);
  expect(await other.content()).not.toContain(adminToken.value);

  // Every route x method of the server part, from his browser with a valid
  // XSRF cookie and header for her server (any visitor's browser gets one
  // from a page her server renders without a login, such as a missing
  // static file), so that the refusal is the one for "not yours".
  const invitation = await pageFetch(pages.alice, `${aliceApi}/invitations`, {
    method: 'POST',
    body: { name: 'bob-attempts', role: 'USER', expires_at: FAR_FUTURE }
  });
  expect(invitation.status).toBe(201);
  const vaultBytes = fs.readFileSync(vaultPath(alice));
  const missing = await other.goto(
    `${serverUrl(state, 'alice')}/static/mlp-e2e-no-such-file.js`
  );
  expect(missing?.status()).toBe(404);
  expect(
    await xsrfCookie(other, serverUrl(state, 'alice')),
    'an XSRF cookie of her server in his browser'
  ).toBeTruthy();
  const ids = {
    record_id: id,
    invitation_id: invitation.body.invitation.id,
    token_name: adminToken.name
  };
  const attempts = routeAttempts(ids);
  for (const [method, route] of REQUIRED_ATTEMPTS) {
    expect(
      attempts.some(a => a.method === method && a.route === route),
      `${method} ${route} among the routes of handlers.py`
    ).toBe(true);
  }
  for (const attempt of attempts) {
    const answer = await pageFetch(other, `${aliceApi}/${attempt.path}`, {
      method: attempt.method,
      body: attempt.body
    });
    const what = `${attempt.method} ${attempt.route}`;
    expect(answer.status, what).toBe(403);
    expect(JSON.stringify(answer.body), what).not.toMatch(/xsrf/i);
    expect(JSON.stringify(answer.body), what).not.toContain(adminToken.value);
  }
  // Without the header, the same request is refused by the XSRF check: the
  // header above is what got past it.
  const noHeader = await pageFetch(other, `${aliceApi}/tokens/${id}/activate`, {
    method: 'POST',
    xsrf: false
  });
  expect(noHeader.status).toBe(403);
  expect(JSON.stringify(noHeader.body)).toMatch(/xsrf/i);
  await other.close();
  // Her vault is as it was, to the byte.
  expect(fs.readFileSync(vaultPath(alice)).equals(vaultBytes)).toBe(true);
  expect(vaultContent(alice).invitations).toContain(ids.invitation_id);
  const forgotten = await pageFetch(
    pages.alice,
    `${aliceApi}/invitations/${ids.invitation_id}`,
    { method: 'DELETE' }
  );
  expect(forgotten.status).toBe(204);
  expect(vaultContent(alice)).toEqual(vaultBefore);

  // The OS refuses him her vault, from his terminal and as his account.
  const fromTerminal = await runInTerminal(
    page,
    bob,
    `cat ${vaultPath(alice)}; echo "exit=$?"`
  );
  expect(fromTerminal).toContain('Permission denied');
  expect(fromTerminal).toContain('exit=1');
  const cat = spawnSync(
    'runuser',
    ['-u', bob.name, '--', 'cat', vaultPath(alice)],
    { encoding: 'utf-8' }
  );
  expect(cat.status).not.toBe(0);
  expect(cat.stderr).toContain('Permission denied');
  expect(cat.stdout).toBe('');
});

test('3. alice creates a registration token for bob; he redeems it; his kernels get it; her note says redeemed', async () => {
  const name = `bob-${state.config}`;
  const page = pages.alice;
  await openPanel(page);
  await page
    .locator(REGISTRATION)
    .getByRole('button', { name: 'Create registration token…' })
    .click();
  const dialog = page.locator(DIALOG);
  await expect(dialog.getByLabel('Access token name')).toBeFocused();
  await dialog.getByLabel('Access token name').fill(name);
  await dialog.getByLabel('Registration token valid for').fill('1h');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    `Registration token for "${name}"`
  );
  const registration = await dialog
    .getByLabel('Registration token')
    .inputValue();
  expect(registration.length).toBeGreaterThan(10);
  secrets.add(registration);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  const note = page.locator(`${REGISTRATION} [data-name="${name}"]`);
  await expect(note).toContainText(/pending, expires/);

  // Bob: a notebook already running, then the redeem dialog.
  const his = pages.bob;
  await newNotebook(his);
  expect(await runCell(his, 0, PROBE, /MLP:/)).toBe('MLP:none');
  const panel = await openPanel(his);
  await panel.locator('.jp-mlpTokens-saved .jp-mlpTokens-redeem').click();
  await pasteSecret(his, registration, 'Redeem');
  await expect(his.locator('.jp-mlpTokens-statusItem')).toContainText(name);
  await expect(panel.locator('.jp-mlpTokens-active')).toContainText('User');
  const value = /** @type {string} */ (await activeValue(his, state, 'bob'));
  secrets.add(value);
  expect(value).not.toBe(adminToken.value);
  expect(await his.content()).not.toContain(value);
  // The running kernel follows; a new kernel and a new terminal start with it.
  await rerunCellUntil(his, 0, probeLine(value));
  await newNotebook(his);
  expect(await runCell(his, 0, PROBE, /MLP:/)).toBe(probeLine(value));
  expect(await runInTerminal(his, bob, SHELL_PROBE)).toBe(probeLine(value));

  // Alice's note: redeemed, as soon as the project list has the token.
  await page
    .locator(PROJECT)
    .getByRole('button', { name: 'Refresh project tokens' })
    .click();
  await expect(
    page.locator(`${PROJECT} .jp-mlpTokens-projectRow[data-name="${name}"]`)
  ).toContainText('User');
  await expect(note).toContainText('redeemed');
});

test('4. a token printed in a notebook saved to shared, or in an uploaded notebook, is not on disk; bob sees no value', async () => {
  const page = pages.alice;
  const base = serverUrl(state, 'alice');
  const created = await pageFetch(
    page,
    `${base}/api/contents/shared/printed.ipynb`,
    {
      method: 'PUT',
      body: {
        type: 'notebook',
        format: 'json',
        content: notebook([{ source: '' }])
      }
    }
  );
  expect(created.status).toBe(201);
  // A reset workspace: only this notebook opens, nothing restored after it.
  await page.goto(`${base}/lab/tree/shared/printed.ipynb?reset`);
  await waitForLab(page, state, 'alice');
  await expect(page.locator('.jp-NotebookPanel:visible')).toHaveCount(1);
  // She sees it, as she asked...
  expect(
    await runCell(
      page,
      0,
      'import os; print(os.environ["MLP_REFRESH_TOKEN"])',
      /\S/
    )
  ).toBe(adminToken.value);
  await page.keyboard.press('Control+s');
  const printed = path.join(state.sharedDir, 'printed.ipynb');
  // ...and the file keeps the output, redacted.
  await expect
    .poll(() => fs.readFileSync(printed, 'utf-8'), { timeout: 30 * 1000 })
    .toContain(REDACTED);

  // An old notebook with the value in a cell and in an output, uploaded
  // from the file browser (now in shared).
  const chooser = page.waitForEvent('filechooser');
  await page
    .locator('.jp-FileBrowser .jp-ToolbarButtonComponent[title="Upload Files"]')
    .click();
  await (
    await chooser
  ).setFiles({
    name: 'uploaded.ipynb',
    mimeType: 'application/x-ipynb+json',
    buffer: Buffer.from(
      JSON.stringify(
        notebook([
          {
            source: `REFRESH_TOKEN = "${adminToken.value}"\nprint(REFRESH_TOKEN)`,
            output: `${adminToken.value}\n`
          }
        ])
      )
    )
  });
  const uploaded = path.join(state.sharedDir, 'uploaded.ipynb');
  await expect
    .poll(() => fs.existsSync(uploaded), { timeout: 30 * 1000 })
    .toBe(true);

  const files = filesUnder(state.sharedDir);
  expect(files).toContain(printed);
  expect(files).toContain(uploaded);
  for (const file of files) {
    expect(fs.readFileSync(file, 'latin1'), file).not.toContain(
      adminToken.value
    );
  }
  expect(fs.readFileSync(uploaded, 'utf-8')).toContain(REDACTED);

  // Bob opens both from his ~/shared.
  const his = pages.bob;
  for (const name of ['printed.ipynb', 'uploaded.ipynb']) {
    await his.goto(`${serverUrl(state, 'bob')}/lab/tree/shared/${name}?reset`);
    await waitForLab(his, state, 'bob');
    const opened = his.locator('.jp-NotebookPanel:visible');
    await expect(opened.locator('.jp-OutputArea-output').first()).toContainText(
      REDACTED
    );
    expect(await his.content(), name).not.toContain(adminToken.value);
  }

  // The shared folder: everyone reads what its owner put there; only the
  // owner changes or removes it (root's folder, sticky and world-writable;
  // her files hers, 0644).
  const shared = fs.statSync(state.sharedDir);
  expect([shared.uid, shared.mode & 0o7777]).toEqual([0, 0o1777]);
  const aliceUid = fs.statSync(alice.home).uid;
  const before = new Map();
  for (const file of [printed, uploaded]) {
    const stat = fs.statSync(file);
    expect([stat.uid, stat.mode & 0o7777], file).toEqual([aliceUid, 0o644]);
    before.set(file, fs.readFileSync(file));
  }
  // Not through his server's contents API...
  const hisFiles = `${serverUrl(state, 'bob')}/api/contents/shared`;
  const overwrite = await pageFetch(his, `${hisFiles}/printed.ipynb`, {
    method: 'PUT',
    body: {
      type: 'notebook',
      format: 'json',
      content: notebook([{ source: 'print("bob was here")' }])
    }
  });
  expect(overwrite.status, JSON.stringify(overwrite.body)).toBe(403);
  const removed = await pageFetch(his, `${hisFiles}/uploaded.ipynb`, {
    method: 'DELETE'
  });
  expect(removed.status, JSON.stringify(removed.body)).toBeGreaterThanOrEqual(
    400
  );
  // ...nor from his terminal.
  const fromTerminal = await runInTerminal(
    his,
    bob,
    'rm -f ~/shared/printed.ipynb; echo "rm=$?"; echo overwritten > ~/shared/uploaded.ipynb; echo "write=$?"'
  );
  expect(fromTerminal).toContain('rm=1');
  expect(fromTerminal).toContain('Operation not permitted');
  expect(fromTerminal).toContain('write=1');
  expect(fromTerminal).toContain('Permission denied');
  for (const [file, bytes] of before) {
    expect(
      fs.readFileSync(file).equals(bytes),
      `${file} as alice saved it`
    ).toBe(true);
  }
});

/**
 * Remove the person's saved JupyterLab layouts, so that the next start
 * restores nothing: notebooks that were never saved ask for a kernel when
 * restored, which would stand between "Start My Server" and the first cell.
 *
 * @param {Page} page theirs, on the hub's home page or in JupyterLab
 * @param {'alice' | 'carol'} role
 */
async function forgetLayout(page, role) {
  const base = serverUrl(state, role);
  const request = page.context().request;
  // Read afresh for every request: an answer may set a new one.
  const headers = async () => ({
    'X-XSRFToken':
      (await page.context().cookies(`${base}/`)).find(
        cookie => cookie.name === '_xsrf'
      )?.value ?? ''
  });
  const list = await request.get(`${base}/lab/api/workspaces`, {
    headers: await headers()
  });
  expect(list.status()).toBe(200);
  for (const id of (await list.json()).workspaces.ids) {
    const removed = await request.delete(`${base}/lab/api/workspaces/${id}`, {
      headers: await headers()
    });
    expect(removed.status()).toBe(204);
  }
}

/**
 * Leave alice's JupyterLab for the hub's home page with no saved layout to
 * restore.
 */
async function leaveForHubHome() {
  await pages.alice.goto(`${state.hubUrl}/hub/home`);
  await forgetLayout(pages.alice, 'alice');
}

test("5. alice's server stopped and started from Hub Control Panel, then the hub restarted: the vault is kept, a new kernel has the token", async () => {
  const page = pages.alice;
  const vaultBefore = vaultContent(alice);
  await leaveForHubHome();
  await page.locator('#stop').click();
  const afterStop = await startAndProbe(probeLine(adminToken.value));
  recordTiming('after Stop My Server', afterStop);
  expect(vaultContent(alice)).toEqual(vaultBefore);
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    adminToken.name
  );

  // The hub restarts (and stops the servers it started, as by default).
  await leaveForHubHome();
  await stopHub(state);
  await startHub(state);
  await page.goto(`${state.hubUrl}/hub/home`);
  const afterRestart = await startAndProbe(probeLine(adminToken.value));
  recordTiming('after hub restart', afterRestart);
  expect(vaultContent(alice)).toEqual(vaultBefore);
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    adminToken.name
  );
});

/**
 * Where pip put a person's own install of this extension: its Python
 * package and its frontend, under ~/.local.
 *
 * @param {IPerson} person
 */
function ownInstall(person) {
  const lib = path.join(person.home, '.local', 'lib');
  const packages = fs.existsSync(lib)
    ? fs
        .readdirSync(lib)
        .map(python =>
          path.join(
            lib,
            python,
            'site-packages',
            'jupyterlab_mlplatform_tokens'
          )
        )
        .filter(dir => fs.existsSync(dir))
    : [];
  const frontend = path.join(
    person.home,
    '.local',
    'share',
    'jupyter',
    'labextensions',
    'jupyterlab-mlplatform-tokens',
    'package.json'
  );
  return { packages, frontend: fs.existsSync(frontend) };
}

/** The sentence carol's panel shows until her server restarts. */
/** @type {string | undefined} */
let carolNotice;

/**
 * Follow the page's requests to the server part from now on: the routes
 * (`status`, `tokens`, ...) of those answered, in order.
 *
 * @param {Page} page
 */
function countReads(page) {
  /** @type {string[]} */
  const answered = [];
  const listener = (/** @type {import('@playwright/test').Response} */ r) => {
    const route = r.url().split('/mlplatform-tokens/')[1];
    if (route !== undefined) {
      answered.push(route.split('?')[0]);
    }
  };
  page.on('response', listener);
  return {
    answered: () => [...answered],
    stop: () => page.off('response', listener)
  };
}

/** What contradicts "the server part is not running". */
const CONTRADICTIONS = [
  'Loading saved tokens',
  'No access token is saved',
  'No ML Platform token'
];

/**
 * Start watching the tokens panel of this page: at every change of the
 * page (a MutationObserver, so that a state shown for one frame is seen
 * too), the not-running notice must show `sentence`, no saved-tokens
 * section may be visible, and no text of CONTRADICTIONS may show.
 *
 * @param {Page} page
 * @param {string} sentence
 */
async function watchNotRunning(page, sentence) {
  await page.evaluate(
    ({ sentence, contradictions }) => {
      const start = performance.now();
      /** @type {Map<string, number>} */
      const seen = new Map();
      const note = (/** @type {string} */ what) => {
        if (!seen.has(what)) {
          seen.set(what, Math.round(performance.now() - start));
        }
      };
      const visible = (/** @type {Element | null} */ element) =>
        !!element && element.getClientRects().length > 0;
      const check = () => {
        const panel = document.querySelector('#jp-mlpTokens-panel');
        const notice = panel?.querySelector('.jp-mlpTokens-notRunning p');
        const shown = notice?.textContent?.trim() ?? null;
        if (!visible(notice ?? null) || shown !== sentence) {
          note(`the notice ${shown === null ? 'is gone' : `says "${shown}"`}`);
        }
        const sections = panel?.querySelectorAll('.jp-mlpTokens-saved');
        for (const section of Array.from(sections ?? [])) {
          if (visible(section)) {
            note('a saved-tokens section is shown');
          }
        }
        const text = document.body.innerText;
        for (const contradiction of contradictions) {
          if (text.includes(contradiction)) {
            note(`"${contradiction}" is shown`);
          }
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true
      });
      check();
      /** @type {any} */ (window).mlpWatch = {
        since: () => performance.now() - start,
        stop: () => {
          observer.disconnect();
          check();
          return [...seen].map(([what, at]) => `${what} (after ${at} ms)`);
        }
      };
    },
    { sentence, contradictions: CONTRADICTIONS }
  );
}

/**
 * How long (ms) the page has been watched.
 *
 * @param {Page} page
 * @returns {Promise<number>}
 */
function watchedFor(page) {
  return page.evaluate(() => /** @type {any} */ (window).mlpWatch.since());
}

/**
 * Stop watching; what contradicted the notice, and when.
 *
 * @param {Page} page
 * @returns {Promise<string[]>}
 */
function stopWatching(page) {
  return page.evaluate(() => /** @type {any} */ (window).mlpWatch.stop());
}

test('6. carol installs the extension for herself with %pip: until her server restarts the panel says so in one sentence, and keeps saying it', async () => {
  const page = pages.carol;
  await join(page, pages.admin, state, 'carol');
  await logInToLab(page, state, 'carol', { extension: false });
  await newNotebook(page);
  await runCell(
    page,
    0,
    `%pip install ${state.wheel}`,
    /Successfully installed jupyterlab[-_]mlplatform[-_]tokens/i
  );
  // A user install, hers: the server part and the frontend under ~/.local.
  await expect.poll(() => ownInstall(carol).packages.length).toBe(1);
  expect(ownInstall(carol).frontend).toBe(true);
  const uid = fs.statSync(carol.home).uid;
  expect(fs.statSync(ownInstall(carol).packages[0]).uid).toBe(uid);
  await page.keyboard.press('Control+s');

  // The next page load has the frontend; her server still runs without the
  // server part, and the panel says that alone, with what to do. (Its page
  // clock is one the test can move on, to bring the panel's reads on.)
  await page.clock.install();
  await page.goto(`${serverUrl(state, 'carol')}/lab?reset`);
  await waitForLab(page, state, 'carol');
  const panel = await openPanel(page);
  const notice = panel.locator('.jp-mlpTokens-notRunning');
  await expect(notice).toBeVisible();
  const sentence = (await notice.locator('p').innerText()).trim();
  expect(sentence).toContain(
    'restart your server: File → Hub Control Panel → Stop My Server, then Start My Server.'
  );
  expect(sentence.match(/[.!?](\s|$)/g)).toHaveLength(1);
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    'restart the server'
  );
  // It stays so, with nothing that contradicts it, at every change of the
  // page, across the panel's own reads of the server: they come minutes
  // apart (the vault's, then the status'), so the page's clock is moved past
  // both, and the watch goes on for 10 s after they were answered.
  const reads = countReads(page);
  const watched = Date.now();
  await watchNotRunning(page, sentence);
  await page.clock.fastForward('06:00');
  await expect
    .poll(() => reads.answered(), { timeout: 60 * 1000 })
    .toEqual(expect.arrayContaining(['status', 'tokens']));
  const since = await watchedFor(page);
  await expect
    .poll(() => watchedFor(page), { timeout: 60 * 1000 })
    .toBeGreaterThanOrEqual(since + 10 * 1000);
  expect(await stopWatching(page)).toEqual([]);
  reads.stop();
  process.stdout.write(
    `The not-running notice watched for ${Math.round((Date.now() - watched) / 1000)} s with the page's clock moved 6 min on, across the panel's reads (${reads.answered().join(', ')}): nothing contradicted it\n`
  );
  carolNotice = sentence;
});

test('6. carol presses the notice\'s "Try again": the sentence stays, nothing contradicts it', async () => {
  const page = pages.carol;
  const sentence = /** @type {string} */ (carolNotice);
  const notice = page.locator('#jp-mlpTokens-panel .jp-mlpTokens-notRunning');
  const retry = notice.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeVisible();
  await watchNotRunning(page, sentence);
  const answered = page.waitForResponse(response =>
    response.url().includes('/mlplatform-tokens/status')
  );
  await retry.click();
  // The answer to the retry has come back and been shown...
  await answered;
  await expect(notice.locator('p')).toHaveText(sentence);
  // ...and a while after it.
  const since = await watchedFor(page);
  await expect
    .poll(() => watchedFor(page), { timeout: 60 * 1000 })
    .toBeGreaterThanOrEqual(since + 5 * 1000);
  expect(await stopWatching(page)).toEqual([]);
});

test('6. carol restarts her server as the notice says, from File → Hub Control Panel: after Stop and Start My Server it works', async () => {
  const page = pages.carol;
  const uid = fs.statSync(carol.home).uid;
  // She does what it says: File -> Hub Control Panel (a new tab), Stop My
  // Server, Start My Server.
  await forgetLayout(page, 'carol');
  await page.locator('#jp-MainMenu').getByText('File', { exact: true }).click();
  const opened = page.context().waitForEvent('page');
  await page.locator('.lm-Menu-item', { hasText: 'Hub Control Panel' }).click();
  const hub = await opened;
  // The old tab would save its layout again once the server is back.
  await page.close();
  pages.carol = hub;
  await hub.waitForURL(/\/hub\/home/);
  await hub.locator('#stop').click();
  await expect(hub.locator('#start')).toHaveText(/Start\s+My Server/, {
    timeout: 60 * 1000
  });
  await hub.locator('#start').click();
  await waitForLab(hub, state, 'carol');

  const restarted = await openPanel(hub);
  await expect(restarted.locator('.jp-mlpTokens-saved')).toContainText(
    'No access token is saved on this server.'
  );
  await expect(hub.locator('.jp-mlpTokens-notRunning')).toHaveCount(0);
  const token = await mintToken(state, `carol-${state.config}`);
  secrets.add(token.value);
  await restarted.locator('.jp-mlpTokens-saved .jp-mlpTokens-add').click();
  await pasteAndSave(hub, token);
  await expect(hub.locator('.jp-mlpTokens-statusItem')).toContainText(
    token.name
  );
  await newNotebook(hub);
  expect(await runCell(hub, 0, PROBE, /MLP:/)).toBe(probeLine(token.value));
  const vault = fs.statSync(vaultPath(carol));
  expect([vault.uid, vault.mode & 0o777]).toEqual([uid, 0o600]);
});

/**
 * Click through the menu bar: the top menu, then its entries (submenus
 * open on click too).
 *
 * @param {Page} page
 * @param {string[]} labels
 */
async function clickMenu(page, labels) {
  const [top, ...entries] = labels;
  await page
    .locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) })
    .click();
  for (const label of entries) {
    await page
      .locator('.lm-Menu:visible .lm-Menu-itemLabel', {
        hasText: new RegExp(`^${label}$`)
      })
      .click();
  }
}

const LEFT_SIDEBAR = ['View', 'Left Sidebar', 'Show ML Platform Tokens'];

test("7. Notebook 7 on the hub: the panel from View → Left Sidebar on the tree and a notebook page, the palette, and a live switch reaching that page's kernel", async () => {
  const page = pages.alice;
  const base = serverUrl(state, 'alice');
  const created = await pageFetch(page, `${base}/api/contents/nb7.ipynb`, {
    method: 'PUT',
    body: {
      type: 'notebook',
      format: 'json',
      content: notebook([{ source: PROBE }])
    }
  });
  expect(created.status).toBe(201);

  // The tree page: the panel opens from View -> Left Sidebar, and the same
  // entry closes it; the palette opens it.
  await page.goto(`${base}/tree`);
  await expect(page.locator('#main-panel')).toBeVisible({
    timeout: 90 * 1000
  });
  await clickMenu(page, LEFT_SIDEBAR);
  const panel = page.locator('#jp-left-stack #jp-mlpTokens-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-mlpTokens-active')).toContainText(
    adminToken.name
  );
  await clickMenu(page, LEFT_SIDEBAR);
  await expect(panel).toBeHidden();
  await runFromPalette(page, 'Open Tokens Panel');
  await expect(panel).toBeVisible();

  // A notebook page: its kernel's first cell has the active token...
  await page.goto(`${base}/notebooks/nb7.ipynb`);
  await expect(page.locator('#main-panel')).toBeVisible({
    timeout: 90 * 1000
  });
  await clickMenu(page, LEFT_SIDEBAR);
  await expect(panel).toBeVisible();
  await rerunCellUntil(page, 0, probeLine(adminToken.value), 90);

  // ...and a switch from the palette reaches it without a restart.
  const second = await mintToken(state, `alice-nb7-${state.config}`);
  secrets.add(second.value);
  await runFromPalette(page, 'Add Access Token');
  await pasteAndSave(page, second);
  await expect(panel.locator('.jp-mlpTokens-active')).toContainText(
    second.name
  );
  await rerunCellUntil(page, 0, probeLine(second.value));
  await runFromPalette(page, 'Switch Active Access Token');
  const select = page.locator(`${DIALOG} select`);
  await expect(select).toBeVisible();
  const choice = (await select.locator('option').allTextContents()).find(text =>
    text.includes(adminToken.name)
  );
  expect(choice).toBeDefined();
  await select.selectOption({ label: /** @type {string} */ (choice) });
  await page.locator(`${DIALOG} .jp-mod-accept`).click();
  await expect(page.locator(DIALOG)).toHaveCount(0);
  await expect(panel.locator('.jp-mlpTokens-active')).toContainText(
    adminToken.name
  );
  await rerunCellUntil(page, 0, probeLine(adminToken.value));
});

test("8. the hub administrator (access:servers) can read alice's token values; no log holds one", async () => {
  // What docs/jupyterhub.md says an administrator can do: log in to her
  // server (the hub asks to confirm) and read a value like she can.
  const page = await pages.admin.context().newPage();
  const base = serverUrl(state, 'alice');
  const api = `${base}/mlplatform-tokens`;
  // The hub's redirects end on its confirmation page, or in JupyterLab.
  await page.goto(`${base}/lab`);
  if (page.url().includes('/oauth2/authorize')) {
    await page.getByRole('button', { name: 'Authorize' }).click();
  }
  await waitForLab(page, state, 'alice');
  const listed = await page.goto(`${api}/tokens`);
  expect(listed?.status()).toBe(200);
  const list = JSON.parse(await page.innerText('body'));
  const saved = list.tokens.find(
    (/** @type {{ name: string }} */ token) => token.name === adminToken.name
  );
  const read = await page.goto(`${api}/tokens/${saved.id}/value`);
  expect(read?.status()).toBe(200);
  const { value } = JSON.parse(await page.innerText('body'));
  expect(probeLine(value)).toBe(probeLine(adminToken.value));
  await page.close();

  // The hub's log (the hub, the proxy, every single-user server and its
  // kernels write there) and the emulator's hold no value.
  secrets.add(adminToken.value);
  const logs = path.join(state.runDir, 'logs');
  for (const name of fs.readdirSync(logs)) {
    const text = fs.readFileSync(path.join(logs, name), 'latin1');
    expect(text.length, name).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(text.includes(secret), `a token value in ${name}`).toBe(false);
    }
  }
});
