/**
 * Smoke journeys in JupyterLab, run in every environment of the
 * compatibility matrix (scripts/compat.sh).
 */
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

// Real kernels and sessions (Galata's mocks hide the ones the page did not
// start); they are shut down after each test.
test.use({ kernels: null, sessions: null });

test.beforeEach(async ({ request, baseURL }) => {
  await clearVault(request, baseURL!);
});

test.afterEach(async ({ request, baseURL }) => {
  const running = await request.get(`${baseURL}/api/kernels`);
  for (const kernel of (await running.json()) as { id: string }[]) {
    await request.delete(`${baseURL}/api/kernels/${kernel.id}`);
  }
});

test('all eight plugins activate and the panel opens from the palette', async ({
  page
}) => {
  expect(await pluginStates(page)).toEqual(
    PLUGINS.map(id => ({ id, activated: true }))
  );
  await runFromPalette(page, 'Open Tokens Panel');
  await expect(page.locator(PANEL)).toBeVisible();
  await expect(page.locator('.jp-mlpTokens-statusItem')).toBeVisible();
});

test("a token added in the panel is in a new kernel's first cell, and a switch reaches the running kernel", async ({
  page,
  request,
  baseURL,
  tmpPath
}) => {
  const first = await mintToken(request, {
    name: `smoke-${newValue().slice(-6)}`
  });
  await runFromPalette(page, 'Open Tokens Panel');
  await page.locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-add`).click();
  await pasteAndSave(page, first.refresh_token, first.token.name);
  await expect(page.locator(`${PANEL} .jp-mlpTokens-active`)).toContainText(
    first.token.name
  );
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    first.token.name
  );

  // A new kernel: its first cell sees the active token.
  const notebook = `${tmpPath}/smoke.ipynb`;
  await writeNotebook(request, baseURL!, notebook, [PROBE]);
  await page.evaluate(
    path =>
      window.jupyterapp.commands.execute('docmanager:open', {
        path,
        factory: 'Notebook',
        kernel: { name: 'python3' }
      }),
    notebook
  );
  await runAllCells(page);
  await expect
    .poll(async () => (await cellOutputs(page))[0], { timeout: 60000 })
    .toBe(probeLine(first.refresh_token));

  // A live switch reaches the running kernel.
  const second = await mintToken(request, {
    name: `smoke-${newValue().slice(-6)}`
  });
  await saveToken(request, baseURL!, second, { label: 'second smoke token' });
  await switchFromPalette(page, 'second smoke token');
  await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
    'second smoke token'
  );
  await waitKernelSees(page, PROBE, probeLine(second.refresh_token));
});
