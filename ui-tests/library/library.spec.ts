/**
 * The token journeys with the library backend: the server part makes every
 * ML Platform call through `mlplatform_client` (here its stand-in, calling
 * the emulator), and the panel works exactly as with the HTTP API.
 */
import { expect, test } from '../tests/fixtures';
import { EMULATOR_URL, mintToken, redeemAsColleague } from '../tests/platform';

const PANEL = '#jp-mlpTokens-panel';
const DIALOG = '.jp-Dialog';
const PROJECT = '#jp-mlpTokens-projectTokens';
const REGISTRATION = '#jp-mlpTokens-registrationTokens';

function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
}

test('with the library: add, create a registration token, redeem it, list and delete', async ({
  page,
  request,
  baseURL,
  browser
}) => {
  expect((await request.post(`${EMULATOR_URL}/_emulator/reset`)).status()).toBe(
    204
  );
  const status = await (
    await request.get(`${baseURL}/mlplatform-tokens/status`)
  ).json();
  expect([status.backend, status.api_configured, status.api_url]).toEqual([
    'library',
    true,
    ''
  ]);

  // Add an Administrator token: checked through who_am_i().
  const name = unique('lib-admin');
  const admin = await mintToken(request, { name, token_type: 'ADMIN' });
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('mlplatform-tokens:open-panel')
  );
  const panel = page.locator(PANEL);
  await expect(panel).toBeVisible();
  await panel.locator('.jp-mlpTokens-saved .jp-mlpTokens-add').click();
  const dialog = page.locator(DIALOG);
  await expect(dialog.locator('input[name="mlp-paste"]')).toBeFocused();
  await dialog.locator('input[name="mlp-paste"]').fill(admin.refresh_token);
  await dialog.getByRole('button', { name: 'Check' }).click();
  await expect(dialog).toContainText('Save This Token?');
  await expect(dialog).toContainText(name);
  await expect(dialog).toContainText('Administrator');
  await dialog.getByRole('button', { name: 'Save and Make Active' }).click();
  await expect(panel.locator('.jp-mlpTokens-active')).toContainText(name);
  await expect(
    panel.locator('.jp-mlpTokens-active .jp-mlpTokens-badge')
  ).toHaveText('verified');

  // Create a registration token (create_register_token) and take it once.
  await panel
    .locator(REGISTRATION)
    .getByRole('button', { name: 'Create registration token…' })
    .click();
  await dialog.getByLabel('Access token name').fill('lib-colleague');
  await dialog.getByLabel('Registration token valid for').fill('1h');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    'Registration token for "lib-colleague"'
  );
  const registration = await dialog
    .getByLabel('Registration token')
    .inputValue();
  expect(registration.length).toBeGreaterThan(10);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);

  // A colleague redeems it (create_refresh_token) in another browser; the
  // server's active token becomes theirs, then the Administrator's again.
  await redeemAsColleague(
    browser,
    request,
    baseURL!,
    registration,
    'lib-colleague'
  );

  // The project's tokens (get_project_tokens_info), and a deletion
  // (delete_token).
  await page.reload();
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('mlplatform-tokens:open-panel')
  );
  await page
    .locator(PROJECT)
    .getByRole('button', { name: 'Refresh project tokens' })
    .click();
  const row = page.locator(
    `${PROJECT} .jp-mlpTokens-projectRow[data-name="lib-colleague"]`
  );
  await expect(row).toContainText('User');
  await row
    .getByRole('button', { name: 'Delete access token "lib-colleague"' })
    .click();
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    'Delete access token "lib-colleague"?'
  );
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  await expect(
    page.locator('.jp-Notification-Toast-success').first()
  ).toContainText('Access token "lib-colleague" deleted.');
  expect(await page.content()).not.toContain(admin.refresh_token);
});
