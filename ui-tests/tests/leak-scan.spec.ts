/**
 * Leak scan: a full journey with real token values (added, redeemed,
 * switched, used and printed in a notebook, saved, kernel restarted,
 * removed), then a search for every value in every place where one must
 * never be written. Only the vault file and the kernels' environment may
 * hold a value.
 *
 * Not covered here: the server log (the config does not capture the web
 * server's output; the pytest suites check it) and the live DOM (a cell
 * output printed on purpose stays on screen until the page goes away).
 */
import { Page } from '@playwright/test';
import * as fs from 'fs';

import { expect, test } from './fixtures';
import { checkpointOnDisk, runInKernel } from './kernel-helpers';
import { clearVault, createRegistrationToken, mintToken } from './platform';

const PANEL = '#jp-mlpTokens-panel';
const DIALOG = '.jp-Dialog';

// Real kernels and sessions, and state and settings written to the server so
// that the workspace and settings scans see what the page would store.
test.use({
  kernels: null,
  sessions: null,
  mockState: false,
  mockSettings: false,
  autoGoto: false
});

interface IVaultState {
  active_id: string | null;
  tokens: { id: string; label: string }[];
}

function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
}

function count(text: string, needles: readonly string[]): number {
  let found = 0;
  for (const needle of needles) {
    let at = text.indexOf(needle);
    while (at >= 0) {
      found++;
      at = text.indexOf(needle, at + needle.length);
    }
  }
  return found;
}

async function execute(page: Page, id: string): Promise<void> {
  await page.evaluate(
    id =>
      (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string): Promise<unknown> } };
        }
      ).jupyterapp.commands.execute(id),
    id
  );
}

async function openPanel(page: Page): Promise<void> {
  await execute(page, 'mlplatform-tokens:open-panel');
  await expect(page.locator(PANEL)).toBeVisible();
}

async function pasteToken(
  page: Page,
  value: string,
  button: string
): Promise<void> {
  const dialog = page.locator(DIALOG);
  await expect(dialog.locator('input[name="mlp-paste"]')).toBeFocused();
  await dialog.locator('input[name="mlp-paste"]').fill(value);
  await dialog.getByRole('button', { name: button }).click();
}

async function addThroughPanel(
  page: Page,
  value: string,
  label: string,
  button: 'Save' | 'Save and Make Active'
): Promise<void> {
  await page.locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-add`).click();
  const dialog = page.locator(DIALOG);
  await expect(dialog.locator('input[name="mlp-paste"]')).toBeFocused();
  await dialog.locator('input[name="mlp-paste"]').fill(value);
  await dialog.locator('.jp-mlpTokens-label').fill(label);
  await dialog.getByRole('button', { name: 'Check' }).click();
  const confirm = page.locator(DIALOG);
  await expect(confirm).toContainText('Save This Token?');
  await confirm.getByRole('button', { name: button, exact: true }).click();
  await expect(page.locator(`${PANEL} .jp-mlpTokens-saved`)).toContainText(
    label
  );
}

/**
 * Python that counts the needles (sent reversed, so that this code in the
 * kernel's linecache does not hold them) in `In`, the history database and
 * linecache, and leaves no names behind.
 */
function kernelScan(needles: readonly string[]): string {
  const reversed = JSON.stringify(
    needles.map(needle => [...needle].reverse().join(''))
  );
  return [
    'import json as _j, linecache as _lc, sqlite3 as _sq',
    '_ip = get_ipython()',
    `_n = [s[::-1] for s in _j.loads(${JSON.stringify(reversed)})]`,
    '_c = lambda ts: sum(t.count(n) for t in ts for n in _n)',
    '_ip.history_manager.writeout_cache()',
    '_db = _sq.connect(str(_ip.history_manager.hist_file))',
    "_rows = [str(a) + ' ' + str(b) for a, b in _db.execute('SELECT source, source_raw FROM history')]",
    '_db.close()',
    "_lines = [''.join(e[2]) for e in list(_lc.cache.values()) if len(e) > 2 and isinstance(e[2], list)]",
    "print('SCAN ' + _j.dumps({'In': _c(_ip.user_ns['In']), 'history db': _c(_rows), 'linecache': _c(_lines)}))",
    'del _j, _lc, _sq, _ip, _n, _c, _db, _rows, _lines'
  ].join('\n');
}

async function scanKernel(
  page: Page,
  needles: readonly string[]
): Promise<Record<string, number>> {
  const out = await runInKernel(page, kernelScan(needles));
  expect(out).toMatch(/^SCAN /);
  return JSON.parse(out.slice(5)) as Record<string, number>;
}

/**
 * Everything the page keeps in localStorage, sessionStorage and IndexedDB,
 * as text.
 */
async function browserStorage(
  page: Page
): Promise<{ local: string; session: string; indexedDB: string }> {
  return page.evaluate(async () => {
    const dump = (storage: Storage) => {
      const entries: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i)!;
        entries.push(`${key}=${storage.getItem(key)}`);
      }
      return entries.join('\n');
    };
    const stringify = (value: unknown): string => {
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return String(value);
      }
    };
    const databases = await indexedDB.databases();
    const parts: string[] = [];
    for (const info of databases) {
      if (!info.name) {
        continue;
      }
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name!);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const [keys, values] = await new Promise<[unknown[], unknown[]]>(
          (resolve, reject) => {
            const tx = db.transaction(store, 'readonly');
            const keysRequest = tx.objectStore(store).getAllKeys();
            const valuesRequest = tx.objectStore(store).getAll();
            tx.oncomplete = () =>
              resolve([keysRequest.result, valuesRequest.result]);
            tx.onerror = () => reject(tx.error);
          }
        );
        parts.push(`${info.name}/${store}`, stringify(keys), stringify(values));
      }
      db.close();
    }
    return {
      local: dump(localStorage),
      session: dump(sessionStorage),
      indexedDB: parts.join('\n')
    };
  });
}

test('leak scan: no token value outside the vault and kernel environments', async ({
  page,
  request,
  baseURL,
  tmpPath
}) => {
  test.setTimeout(120000);
  await clearVault(request, baseURL!);
  const consoleLog: string[] = [];
  const urls: string[] = [];
  page.on('console', message => consoleLog.push(message.text()));
  page.on('pageerror', error => consoleLog.push(String(error)));
  page.on('request', r => urls.push(r.url()));
  page.on('requestfailed', r => urls.push(r.url()));

  // Values: two access tokens, and a registration token to redeem.
  const admin = await mintToken(request, {
    name: unique('leak-admin'),
    token_type: 'ADMIN'
  });
  const user = await mintToken(request, { name: unique('leak-user') });
  const registration = await createRegistrationToken(
    request,
    admin.refresh_token,
    {
      client_name: unique('leak-redeemed'),
      token_type: 'USER',
      access_ttl: '1h'
    }
  );

  // Earlier specs in the same server may have left a layout in the real
  // (unmocked) workspace; start from an empty one.
  await request.delete(`${baseURL}/lab/api/workspaces/default`);
  await page.goto(`tree/${tmpPath}`);
  await openPanel(page);

  // 1. Add both access tokens through the dialog.
  await addThroughPanel(page, admin.refresh_token, 'Leak admin', 'Save');
  await addThroughPanel(
    page,
    user.refresh_token,
    'Leak user',
    'Save and Make Active'
  );

  // 2. Redeem the registration token: the minted token becomes active.
  await page
    .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-redeem`)
    .click();
  await pasteToken(page, registration, 'Redeem');
  await expect(page.locator(DIALOG)).toHaveCount(0);
  const vault = async (): Promise<IVaultState> =>
    (await (
      await request.get(`${baseURL}/mlplatform-tokens/tokens`)
    ).json()) as IVaultState;
  await expect.poll(async () => (await vault()).tokens.length).toBe(3);
  const state = await vault();
  const values = new Map<string, string>();
  for (const token of state.tokens) {
    const answer = await request.get(
      `${baseURL}/mlplatform-tokens/tokens/${token.id}/value`
    );
    expect(answer.ok()).toBe(true);
    values.set(token.label, ((await answer.json()) as { value: string }).value);
  }
  const redeemed = state.tokens.find(t => t.id === state.active_id)!;
  expect(values.get(redeemed.label)).not.toBe(user.refresh_token);

  // 3. A notebook that uses the variable, and prints it on purpose.
  await page.notebook.createNew('leak.ipynb');
  await page.notebook.setCell(
    0,
    'code',
    'import os\ntoken = os.environ["MLP_REFRESH_TOKEN"]\nprint(len(token))'
  );
  await page.notebook.addCell('code', 'print(os.environ["MLP_REFRESH_TOKEN"])');
  await page.notebook.runCell(0);
  await page.notebook.runCell(1);
  await expect
    .poll(async () => (await page.notebook.getCellTextOutput(1))?.join(''))
    .toBe(`${values.get(redeemed.label)}\n`);

  // 4. Switch the active token in the panel; the kernel follows.
  await openPanel(page);
  await page
    .locator(PANEL)
    .getByRole('button', { name: 'Make "Leak admin" active' })
    .click();
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    'Leak admin'
  );
  await page.notebook.activate('leak.ipynb');
  await expect
    .poll(
      async () => {
        await page.notebook.runCell(1);
        return (await page.notebook.getCellTextOutput(1))?.join('');
      },
      { timeout: 20000 }
    )
    .toBe(`${admin.refresh_token}\n`);
  await page.notebook.runCell(0);

  const needles = [
    admin.refresh_token,
    user.refresh_token,
    registration,
    ...values.values()
  ].filter((value, i, all) => all.indexOf(value) === i);
  const kernels: Record<string, number>[] = [];
  kernels.push(await scanKernel(page, needles));

  // 5. Save, then restart the kernel and use the variable again.
  await page.notebook.save();
  const restart = execute(page, 'notebook:restart-kernel');
  await page.locator(`${DIALOG} .jp-mod-accept`).click();
  await restart;
  await page.notebook.runCell(0);
  expect(await page.notebook.getCellTextOutput(0)).toEqual([
    `${admin.refresh_token.length}\n`
  ]);
  kernels.push(await scanKernel(page, needles));
  // The kernel scan does find what is there: the cells' own source.
  const control = await scanKernel(page, ['os.environ["MLP_REFRESH_TOKEN"]']);
  expect(control['In']).toBeGreaterThan(0);
  expect(control['history db']).toBeGreaterThan(0);
  expect(control['linecache']).toBeGreaterThan(0);
  await page.notebook.save();

  // 6. Remove every token through the panel.
  await openPanel(page);
  for (const label of values.keys()) {
    await page
      .locator(PANEL)
      .getByRole('button', { name: `Remove "${label}" from this server` })
      .click();
    const dialog = page.locator(DIALOG);
    await expect(dialog).toContainText(`Remove "${label}"?`);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await expect(dialog).toHaveCount(0);
  }
  await expect(page.locator(`${PANEL} .jp-mlpTokens-saved`)).toContainText(
    'No access token is saved on this server.'
  );
  kernels.push(await scanKernel(page, needles));
  // Let the page write its workspace state.
  await page.waitForTimeout(1500);

  // The scan.
  const counts: Record<string, number> = {};
  const notebook = `${tmpPath}/leak.ipynb`;
  const file = await request.get(`${baseURL}/api/contents/${notebook}`);
  expect(file.ok()).toBe(true);
  const fileText = await file.text();
  counts['notebook file'] = count(fileText, needles);
  // The output printed on purpose was saved, redacted.
  expect(fileText).toContain('[MLP token redacted]');

  const checkpoints = await request.get(
    `${baseURL}/api/contents/${notebook}/checkpoints`
  );
  const list = (await checkpoints.json()) as { id: string }[];
  expect(list.length).toBeGreaterThan(0);
  let checkpointText = '';
  checkpointText += (await checkpointOnDisk(page, tmpPath, 'leak.ipynb')) ?? '';
  // Through the contents API too: restore the checkpoint, read the file.
  const restored = await request.post(
    `${baseURL}/api/contents/${notebook}/checkpoints/${list[0].id}`
  );
  expect(restored.ok()).toBe(true);
  checkpointText += await (
    await request.get(`${baseURL}/api/contents/${notebook}`)
  ).text();
  counts['checkpoint'] = count(checkpointText, needles);

  const workspaces = await request.get(`${baseURL}/lab/api/workspaces`);
  expect(workspaces.ok()).toBe(true);
  const workspacesText = await workspaces.text();
  // The page did write its state to the server.
  expect(workspacesText).toContain('leak.ipynb');
  counts['workspaces'] = count(workspacesText, needles);

  const settings = await request.get(`${baseURL}/lab/api/settings`);
  expect(settings.ok()).toBe(true);
  counts['user settings'] = count(await settings.text(), needles);

  const storage = await browserStorage(page);
  counts['localStorage'] = count(storage.local, needles);
  counts['sessionStorage'] = count(storage.session, needles);
  counts['IndexedDB'] = count(storage.indexedDB, needles);
  counts['cookies'] = count(
    JSON.stringify(await page.context().cookies()),
    needles
  );
  counts['browser console'] = count(consoleLog.join('\n'), needles);
  counts['request URLs'] = count(urls.join('\n'), needles);
  // The Jupyter server's log at its default level (playwright.config.js
  // points MLP_UI_SERVER_LOG at it).
  const serverLog = process.env.MLP_UI_SERVER_LOG;
  const serverLogText =
    serverLog && fs.existsSync(serverLog)
      ? fs.readFileSync(serverLog, 'utf-8')
      : '';
  expect(serverLogText).toContain('jupyterlab_mlplatform_tokens');
  counts['server log'] = count(serverLogText, needles);
  for (const where of ['In', 'history db', 'linecache']) {
    counts[`kernel ${where}`] = kernels.reduce((n, k) => n + k[where], 0);
  }

  const width = Math.max(...Object.keys(counts).map(k => k.length));
  const table = [
    `Leak scan (base URL ${new URL(baseURL!).pathname}): ${needles.length} values, ${urls.length} requests, ${consoleLog.length} console messages, ${kernels.length} kernel scans`,
    `${'Place'.padEnd(width)}  Values found [target 0]`,
    ...Object.entries(counts).map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    `${'Server log'.padEnd(width)}  not scanned here (pytest suites)`
  ].join('\n');
  console.log(table);

  const running = await request.get(`${baseURL}/api/kernels`);
  for (const kernel of (await running.json()) as { id: string }[]) {
    await request.delete(`${baseURL}/api/kernels/${kernel.id}`);
  }

  for (const [place, found] of Object.entries(counts)) {
    expect.soft(found, place).toBe(0);
  }
});
