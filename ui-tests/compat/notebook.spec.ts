/**
 * Journeys on Notebook 7 pages (the tree and a notebook), run in every
 * environment of the compatibility matrix that has Notebook 7.
 */
import { Page } from '@playwright/test';

import {
  newValue,
  PROBE,
  probeLine,
  writeNotebook
} from '../tests/kernel-helpers';
import { clearVault, mintToken, saveToken } from '../tests/platform';
import { expect, pluginStates, PLUGINS, test } from './fixtures';
import {
  cellOutputs,
  PANEL,
  pasteAndSave,
  runAllCells,
  runFromPalette,
  switchFromPalette,
  waitKernelSees
} from './helpers';

const LEFT_SIDEBAR_ITEM = 'View>Left Sidebar>Show ML Platform Tokens';

// Notebook's pages are ready when the main panel is there (as in Notebook's
// own UI tests); real kernels and sessions, shut down after each test.
test.use({
  kernels: null,
  sessions: null,
  // Playwright reads a fixture's dependencies from its first parameter,
  // which must be an object pattern; this one needs none.
  // eslint-disable-next-line no-empty-pattern
  waitForApplication: async ({}, use) => {
    await use(async (page: Page) => {
      await page.waitForSelector('#main-panel');
    });
  }
});

test.beforeEach(async ({ request, baseURL }) => {
  await clearVault(request, baseURL!);
});

test.afterEach(async ({ request, baseURL }) => {
  const running = await request.get(`${baseURL}/api/kernels`);
  for (const kernel of (await running.json()) as { id: string }[]) {
    await request.delete(`${baseURL}/api/kernels/${kernel.id}`);
  }
});

test('on the tree page: the plugins activate, the panel opens from View → Left Sidebar and the palette, and a token is added from the palette', async ({
  page,
  request
}) => {
  await page.goto('tree');
  expect(await pluginStates(page)).toEqual(
    PLUGINS.map(id => ({ id, activated: true }))
  );
  // Notebook 7 has no status bar; the status-bar plugin activates all the
  // same (it also gives the expiry warnings) and adds nothing.
  await expect(page.locator('.jp-mlpTokens-statusItem')).toHaveCount(0);

  await page.menu.clickMenuItem(LEFT_SIDEBAR_ITEM);
  await expect(page.locator(`#jp-left-stack ${PANEL}`)).toBeVisible();
  // The same entry closes it again; the palette opens it.
  await page.menu.clickMenuItem(LEFT_SIDEBAR_ITEM);
  await expect(page.locator(PANEL)).toBeHidden();
  await runFromPalette(page, 'Open Tokens Panel');
  await expect(page.locator(`#jp-left-stack ${PANEL}`)).toBeVisible();

  const minted = await mintToken(request, {
    name: `nb-${newValue().slice(-6)}`
  });
  await runFromPalette(page, 'Add Access Token');
  await pasteAndSave(page, minted.refresh_token, minted.token.name);
  await expect(page.locator(`${PANEL} .jp-mlpTokens-active`)).toContainText(
    minted.token.name
  );
});

test("on a notebook page: the panel opens from View → Left Sidebar, the kernel's first cell sees the token, and a switch reaches it", async ({
  page,
  request,
  baseURL,
  tmpPath
}) => {
  const first = await mintToken(request, {
    name: `nb-${newValue().slice(-6)}`
  });
  await saveToken(request, baseURL!, first, { activate: true });
  const notebook = `${tmpPath}/smoke.ipynb`;
  await writeNotebook(request, baseURL!, notebook, [PROBE]);
  await page.goto(`notebooks/${notebook}`);

  await page.menu.clickMenuItem(LEFT_SIDEBAR_ITEM);
  await expect(page.locator(`#jp-left-stack ${PANEL}`)).toBeVisible();
  await expect(page.locator(`${PANEL} .jp-mlpTokens-active`)).toContainText(
    first.token.name
  );

  await runAllCells(page);
  await expect
    .poll(async () => (await cellOutputs(page))[0], { timeout: 60000 })
    .toBe(probeLine(first.refresh_token));

  const second = await mintToken(request, {
    name: `nb-${newValue().slice(-6)}`
  });
  await saveToken(request, baseURL!, second, { label: 'second nb token' });
  await switchFromPalette(page, 'second nb token');
  await expect(page.locator(`${PANEL} .jp-mlpTokens-active`)).toContainText(
    'second nb token'
  );
  await waitKernelSees(page, PROBE, probeLine(second.refresh_token));
});
