import { Page } from '@playwright/test';

import { expect, test } from './fixtures';
import {
  advanceClock,
  clearVault,
  createRegistrationToken,
  mintToken,
  saveToken
} from './platform';

const PANEL = '#jp-mlpTokens-panel';
const DIALOG = '.jp-Dialog';

test.beforeEach(async ({ request, baseURL }) => {
  await clearVault(request, baseURL!);
});

async function openPanel(page: Page): Promise<void> {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('mlplatform-tokens:open-panel')
  );
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

function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
}

test.describe('saved access tokens', () => {
  test('add a good token: checked, shown, saved and made active', async ({
    page,
    request
  }) => {
    const name = unique('team-admin');
    const minted = await mintToken(request, { name, token_type: 'ADMIN' });
    await openPanel(page);
    await page
      .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-add`)
      .click();
    await pasteToken(page, minted.refresh_token, 'Check');

    const confirm = page.locator(DIALOG);
    await expect(confirm).toContainText('Save This Token?');
    await expect(confirm).toContainText(name);
    await expect(confirm).toContainText('Administrator');
    await confirm.getByRole('button', { name: 'Save and Make Active' }).click();

    const active = page.locator(`${PANEL} .jp-mlpTokens-active`);
    await expect(active).toContainText(name);
    await expect(active).toContainText('Administrator');
    await expect(active.locator('.jp-mlpTokens-badge')).toHaveText('verified');
    await expect(active).toContainText(`****${minted.refresh_token.slice(-4)}`);
    await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(name);
    // The value itself is nowhere on the page.
    expect(await page.content()).not.toContain(minted.refresh_token);
  });

  test('a rejected token is not saved and the dialog says why', async ({
    page,
    request,
    baseURL
  }) => {
    await openPanel(page);
    await page
      .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-add`)
      .click();
    await pasteToken(page, 'mlp_rt_not-a-real-token-0000', 'Check');
    const dialog = page.locator(DIALOG);
    await expect(dialog.locator('[role="alert"]')).toHaveText(
      'This token has expired or was deleted — add a new one.'
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const list = await request.get(`${baseURL}/mlplatform-tokens/tokens`);
    expect((await list.json()).tokens).toEqual([]);
  });

  test('switch the active token from the palette, keyboard only', async ({
    page,
    request,
    baseURL
  }) => {
    const first = await mintToken(request, { name: unique('personal') });
    const second = await mintToken(request, {
      name: unique('team'),
      token_type: 'ADMIN'
    });
    await saveToken(request, baseURL!, first, {
      label: 'Personal',
      activate: true
    });
    await saveToken(request, baseURL!, second, { label: 'Team' });
    await page.reload();
    await page.waitForSelector('.jp-mlpTokens-statusItem');

    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Switch Active Access Token');
    await page.keyboard.press('Enter');
    const dialog = page.locator(DIALOG);
    await expect(dialog).toContainText('Switch Active Access Token');
    await expect(dialog.locator('select')).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
      'Team'
    );
    const state = await (
      await request.get(`${baseURL}/mlplatform-tokens/tokens`)
    ).json();
    const team = state.tokens.find(
      (t: { label: string }) => t.label === 'Team'
    );
    expect(state.active_id).toBe(team.id);
  });

  test('add a token with the keyboard only', async ({ page, request }) => {
    const minted = await mintToken(request, { name: unique('keys') });
    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Add Access Token');
    await page.keyboard.press('Enter');
    await expect(
      page.locator(`${DIALOG} input[name="mlp-paste"]`)
    ).toBeFocused();
    await page.keyboard.type(minted.refresh_token);
    await page.keyboard.press('Tab');
    await page.keyboard.type('From the keyboard');
    await page.keyboard.press('Enter');
    await expect(page.locator(DIALOG)).toContainText('Save This Token?');
    await page.keyboard.press('Enter');
    await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
      'From the keyboard'
    );
  });

  test('remove a token after a confirmation', async ({
    page,
    request,
    baseURL
  }) => {
    const minted = await mintToken(request, { name: unique('old') });
    await saveToken(request, baseURL!, minted, {
      label: 'Old one',
      activate: true
    });
    await page.reload();
    await openPanel(page);
    await page
      .locator(PANEL)
      .getByRole('button', { name: 'Remove "Old one" from this server' })
      .click();
    const dialog = page.locator(DIALOG);
    await expect(dialog).toContainText('Remove "Old one"?');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await expect(page.locator(`${PANEL} .jp-mlpTokens-saved`)).toContainText(
      'No access token is saved on this server.'
    );
    await expect(page.locator('.jp-mlpTokens-statusItem')).toContainText(
      'No ML Platform token'
    );
  });

  test('warns in the status bar when the token expires soon', async ({
    page,
    request,
    baseURL
  }) => {
    const minted = await mintToken(request, {
      name: unique('short'),
      refresh_ttl: '30m'
    });
    await saveToken(request, baseURL!, minted, {
      label: 'Short-lived',
      activate: true
    });
    await page.reload();
    const item = page.locator('.jp-mlpTokens-statusButton');
    await expect(item).toHaveClass(/jp-mod-warning/);
    await expect(item).toContainText('expires in');
    await expect(
      page.getByText(/The access token "Short-lived" expires in \d+ minutes/)
    ).toBeVisible();
  });
});

test.describe('registration tokens', () => {
  test('redeem: the minted token is saved and active, never shown; a used or expired one is refused', async ({
    page,
    request,
    baseURL
  }) => {
    const admin = await mintToken(request, {
      name: unique('admin'),
      token_type: 'ADMIN'
    });
    const colleague = unique('colleague');
    const registration = await createRegistrationToken(
      request,
      admin.refresh_token,
      { client_name: colleague, token_type: 'USER', access_ttl: '1h' }
    );
    await openPanel(page);
    await page
      .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-redeem`)
      .click();
    await pasteToken(page, registration, 'Redeem');
    const active = page.locator(`${PANEL} .jp-mlpTokens-active`);
    await expect(active).toContainText(colleague);
    await expect(active).toContainText('User');
    const state = await (
      await request.get(`${baseURL}/mlplatform-tokens/tokens`)
    ).json();
    const value = (
      await (
        await request.get(
          `${baseURL}/mlplatform-tokens/tokens/${state.active_id}/value`
        )
      ).json()
    ).value as string;
    expect(await page.content()).not.toContain(value);

    // The same registration token again: already used.
    await page
      .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-redeem`)
      .click();
    await pasteToken(page, registration, 'Redeem');
    await expect(page.locator(`${DIALOG} [role="alert"]`)).toContainText(
      'was already used'
    );
    await page.locator(DIALOG).getByRole('button', { name: 'Cancel' }).click();

    // One that expired before it was used.
    const late = await createRegistrationToken(request, admin.refresh_token, {
      client_name: unique('late'),
      token_type: 'USER',
      access_ttl: '1m'
    });
    await advanceClock(request, 120);
    await page
      .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-redeem`)
      .click();
    await pasteToken(page, late, 'Redeem');
    await expect(page.locator(`${DIALOG} [role="alert"]`)).toContainText(
      'has expired'
    );
    await page.locator(DIALOG).getByRole('button', { name: 'Cancel' }).click();
  });
});

test.describe('usage snippet', () => {
  test('builds the client from the environment variable, never the value', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    const minted = await mintToken(request, { name: unique('snippet') });
    await saveToken(request, baseURL!, minted, {
      label: 'Snippet',
      activate: true
    });
    // A stand-in for the vendor's library, next to the notebook.
    await page.contents.uploadContent(
      [
        'class MLPlatform:',
        '    def __init__(self, refresh_token):',
        '        self.refresh_token = refresh_token',
        '',
        '    @property',
        '    def fingerprint(self):',
        '        return "****" + self.refresh_token[-4:]',
        ''
      ].join('\n'),
      'text',
      `${tmpPath}/mlplatform_client.py`
    );
    await page.notebook.createNew('snippet.ipynb');
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('mlplatform-tokens:insert-snippet')
    );
    const source = await page.notebook.getCellTextInput(1);
    expect(source).toContain('os.environ["MLP_REFRESH_TOKEN"]');
    expect(source).not.toContain(minted.refresh_token);
    await page.notebook.runCell(1);
    await page.notebook.addCell('code', 'print(mlp.fingerprint)');
    const last = (await page.notebook.getCellCount()) - 1;
    await page.notebook.runCell(last);
    expect(await page.notebook.getCellTextOutput(last)).toEqual([
      `****${minted.refresh_token.slice(-4)}\n`
    ]);
  });
});

test.describe('looks', () => {
  test('panel, dialog and status bar in the light and dark themes', async ({
    page,
    request,
    baseURL
  }) => {
    const minted = await mintToken(request, {
      name: 'screenshot-admin',
      token_type: 'ADMIN'
    });
    await saveToken(request, baseURL!, minted, {
      label: 'Team admin',
      activate: true
    });
    await page.reload();
    await openPanel(page);
    const active = page.locator(`${PANEL} .jp-mlpTokens-active`);
    await expect(active.locator('.jp-mlpTokens-badge')).toHaveText('verified');
    // Values differ per run: hide the fingerprints before comparing.
    const mask = [page.locator(`${PANEL} .jp-mlpTokens-fingerprint`)];
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
        await openPanel(page);
      }
      // The sections this spec is about; the project list changes with the
      // emulator's state from other tests.
      expect
        .soft(
          await page
            .locator(`${PANEL} .jp-mlpTokens-active`)
            .screenshot({ mask })
        )
        .toMatchSnapshot(`active-section-${theme}.png`);
      expect
        .soft(
          await page
            .locator(`${PANEL} .jp-mlpTokens-saved`)
            .screenshot({ mask })
        )
        .toMatchSnapshot(`saved-section-${theme}.png`);
      expect
        .soft(await page.locator('.jp-mlpTokens-statusItem').screenshot())
        .toMatchSnapshot(`tokens-status-${theme}.png`);
      // Not awaited: the command resolves when the dialog closes.
      await page.evaluate(() => {
        void window.jupyterapp.commands.execute('mlplatform-tokens:add-token');
      });
      await expect(
        page.locator(`${DIALOG} input[name="mlp-paste"]`)
      ).toBeFocused();
      expect
        .soft(await page.locator('.jp-Dialog-content').screenshot())
        .toMatchSnapshot(`add-token-dialog-${theme}.png`);
      await page.keyboard.press('Escape');
      await expect(page.locator(DIALOG)).toHaveCount(0);
      // The confirmation that names what is removed.
      await page
        .locator(PANEL)
        .getByRole('button', { name: 'Remove "Team admin" from this server' })
        .click();
      await expect(
        page
          .locator(DIALOG)
          .getByRole('button', { name: 'Remove', exact: true })
      ).toBeFocused();
      expect
        .soft(await page.locator('.jp-Dialog-content').screenshot())
        .toMatchSnapshot(`remove-dialog-${theme}.png`);
      await page.keyboard.press('Escape');
      await expect(page.locator(DIALOG)).toHaveCount(0);
      await page.evaluate(() => {
        void window.jupyterapp.commands.execute(
          'mlplatform-tokens:redeem-registration-token'
        );
      });
      await expect(
        page.locator(`${DIALOG} input[name="mlp-paste"]`)
      ).toBeFocused();
      expect
        .soft(await page.locator('.jp-Dialog-content').screenshot())
        .toMatchSnapshot(`redeem-dialog-${theme}.png`);
      await page.keyboard.press('Escape');
      await expect(page.locator(DIALOG)).toHaveCount(0);
    }
  });
});
