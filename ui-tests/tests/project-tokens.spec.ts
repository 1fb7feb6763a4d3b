import { EMULATOR_URL, redeemAsColleague } from './platform';
import { expect, test } from './fixtures';
import { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { APIRequestContext, Locator, Page } from '@playwright/test';

/**
 * Journeys of an Administrator in the "Project tokens" and "Registration
 * tokens" sections, against the ML Platform emulator the server is
 * pointed at (playwright.config.js).
 */

const EMULATOR = EMULATOR_URL;
const PANEL = '#jp-mlpTokens-panel';
const PROJECT = '#jp-mlpTokens-projectTokens';
const REGISTRATION = '#jp-mlpTokens-registrationTokens';

interface IMinted {
  refresh_token: string;
  token: {
    name: string;
    type: 'USER' | 'ADMIN';
    issuer_name: string;
    exp: string | null;
  };
}

/** Mint an access token in the emulator through its control API. */
async function mint(
  request: APIRequestContext,
  name: string,
  type: 'USER' | 'ADMIN' = 'USER'
): Promise<IMinted> {
  const answer = await request.post(`${EMULATOR}/_emulator/tokens`, {
    data: { name, token_type: type }
  });
  expect(answer.status()).toBe(201);
  return (await answer.json()) as IMinted;
}

/** Forget every token and note of the server vault, and of the emulator. */
async function resetAll(
  request: APIRequestContext,
  baseURL: string
): Promise<void> {
  expect((await request.post(`${EMULATOR}/_emulator/reset`)).status()).toBe(
    204
  );
  const api = `${baseURL}/mlplatform-tokens`;
  const state = await (await request.get(`${api}/tokens`)).json();
  for (const token of state.tokens as { id: string }[]) {
    expect((await request.delete(`${api}/tokens/${token.id}`)).ok()).toBe(true);
  }
  const notes = await (await request.get(`${api}/invitations`)).json();
  for (const note of notes.invitations as { id: string }[]) {
    expect((await request.delete(`${api}/invitations/${note.id}`)).ok()).toBe(
      true
    );
  }
}

/** Save a minted token in the server vault and make it active. */
async function saveActive(
  request: APIRequestContext,
  baseURL: string,
  minted: IMinted
): Promise<void> {
  const answer = await request.post(`${baseURL}/mlplatform-tokens/tokens`, {
    data: {
      value: minted.refresh_token,
      name: minted.token.name,
      role: minted.token.type,
      issuer: minted.token.issuer_name,
      expires_at: minted.token.exp,
      activate: true
    }
  });
  expect(answer.ok()).toBe(true);
}

/** Reload JupyterLab and open the tokens panel from its sidebar tab. */
async function openPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.goto();
  await page
    .locator(
      '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-mlpTokens-panel"]'
    )
    .click();
  const panel = page.locator(PANEL);
  await expect(panel).toBeVisible();
  return panel;
}

/**
 * Collapse the panel's other sections, so the project sections get the
 * same room whatever else the panel shows (stable screenshots).
 */
async function collapseOtherSections(page: Page): Promise<void> {
  const titles = page.locator(`${PANEL} .lm-AccordionPanel-title`);
  for (let i = 0; i < (await titles.count()); i++) {
    const title = titles.nth(i);
    const label = (await title.textContent())?.trim() ?? '';
    const mine = ['Project tokens', 'Registration tokens'].includes(label);
    const expanded = (await title.getAttribute('aria-expanded')) === 'true';
    if (mine !== expanded) {
      await title.click();
    }
  }
}

/** The project list's row of a token. */
function row(page: Page, name: string): Locator {
  return page.locator(
    `${PROJECT} .jp-mlpTokens-projectRow[data-name="${name}"]`
  );
}

/** Set up an active Administrator token and a few others. */
async function adminProject(
  request: APIRequestContext,
  baseURL: string
): Promise<void> {
  await resetAll(request, baseURL);
  const boss = await mint(request, 'boss', 'ADMIN');
  await mint(request, 'ops', 'ADMIN');
  await mint(request, 'bob');
  await mint(request, 'carol');
  await saveActive(request, baseURL, boss);
}

test.describe('Project and registration tokens', () => {
  test('an Administrator lists, filters and deletes project tokens behind both guards', async ({
    page,
    request,
    baseURL
  }) => {
    await adminProject(request, baseURL!);
    await openPanel(page);
    const section = page.locator(PROJECT);
    await expect(section.locator('.jp-mlpTokens-projectRow')).toHaveCount(4);
    await expect(row(page, 'boss')).toContainText('Administrator');
    await expect(row(page, 'boss')).toContainText('in use');
    await expect(row(page, 'bob')).toContainText('issued by emulator');
    await expect(row(page, 'bob')).toContainText('never expires');

    const filter = section.getByRole('searchbox', {
      name: 'Filter project tokens'
    });
    await filter.fill('CAR');
    await expect(section.locator('.jp-mlpTokens-projectRow')).toHaveCount(1);
    await expect(row(page, 'carol')).toBeVisible();
    await filter.fill('administrator');
    await expect(section.locator('.jp-mlpTokens-projectRow')).toHaveCount(2);
    await filter.fill('');

    // One confirmation, naming the token, for an ordinary token.
    await row(page, 'bob')
      .getByRole('button', { name: 'Delete access token "bob"' })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Delete access token "bob"?'
    );
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(row(page, 'bob')).toHaveCount(0);
    await expect(
      page.locator('.jp-Notification-Toast-success').first()
    ).toContainText('Access token "bob" deleted.');

    // The active token: a second confirmation says what breaks; keep it.
    await row(page, 'boss')
      .getByRole('button', { name: 'Delete access token "boss"' })
      .click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Delete the token you are using?'
    );
    await expect(dialog).toContainText('MLP_REFRESH_TOKEN');
    await expect(dialog).not.toContainText('only Administrator token');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(row(page, 'boss')).toBeVisible();

    // Keyboard only: delete "ops" with one confirmation.
    await row(page, 'ops')
      .getByRole('button', { name: 'Delete access token "ops"' })
      .focus();
    await page.keyboard.press('Enter');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Delete access token "ops"?'
    );
    await dialog.getByRole('button', { name: 'Delete' }).focus();
    await page.keyboard.press('Enter');
    await expect(row(page, 'ops')).toHaveCount(0);

    // Now "boss" is both in use and the last Administrator token.
    await row(page, 'boss')
      .getByRole('button', { name: 'Delete access token "boss"' })
      .click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(dialog).toContainText('you are using in this JupyterLab');
    await expect(dialog).toContainText(
      'the only Administrator token in this project'
    );
    await dialog.getByRole('button', { name: 'Delete anyway' }).click();
    await expect(section.getByRole('alert')).toContainText(
      'This token has expired or was deleted — add a new one.'
    );
  });

  test('a User token sees why the project is not listed', async ({
    page,
    request,
    baseURL
  }) => {
    await resetAll(request, baseURL!);
    await saveActive(request, baseURL!, await mint(request, 'bob'));
    await openPanel(page);
    await expect(page.locator(PROJECT)).toContainText(
      'The active token "bob" is a User token.'
    );
    await expect(
      page.locator(`${PROJECT} .jp-mlpTokens-projectRow`)
    ).toHaveCount(0);
    await expect(page.locator(REGISTRATION)).toContainText(
      'Creating registration tokens needs an Administrator token'
    );
    await expect(
      page.locator(REGISTRATION).getByRole('button', {
        name: 'Create registration token…'
      })
    ).toHaveCount(0);
  });

  test('an Administrator creates a registration token, hands it over once, and sees it redeemed', async ({
    page,
    request,
    baseURL,
    browser
  }) => {
    await adminProject(request, baseURL!);
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: new URL(baseURL!).origin
      });
    await openPanel(page);
    await page
      .locator(REGISTRATION)
      .getByRole('button', { name: 'Create registration token…' })
      .click();

    const dialog = page.locator('.jp-Dialog');
    const name = dialog.getByLabel('Access token name');
    await expect(name).toBeFocused();
    const create = dialog.getByRole('button', { name: 'Create' });
    await expect(create).toBeDisabled();
    await name.fill('bad name');
    await expect(dialog).toContainText('1–64 characters');
    await expect(create).toBeDisabled();
    await name.fill('dora');
    await dialog.getByLabel('Registration token valid for').fill('2h45m30s');
    await expect(dialog).toContainText('Redeemable for 2 h 45 min 30 s');
    await dialog.getByLabel('Expires after').check();
    await dialog
      .getByRole('textbox', { name: 'Access token lifetime' })
      .fill('48h');
    await expect(dialog).toContainText(
      'The access token works for 48 h after it is redeemed.'
    );
    await expect(create).toBeEnabled();
    await page.keyboard.press('Enter');

    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Registration token for "dora"'
    );
    const value = await dialog.getByLabel('Registration token').inputValue();
    expect(value.length).toBeGreaterThan(10);
    const countdown = dialog.getByRole('timer');
    await expect(countdown).toHaveText(/^Valid for 2 h 45 min \d+ s$/);
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first!);
    await expect(dialog.getByLabel('Message for your colleague')).toHaveValue(
      /Redeem registration token/
    );

    await dialog.getByRole('button', { name: 'Copy token' }).click();
    await expect(dialog).toContainText('Registration token copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      value
    );
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toHaveCount(0);

    const note = page.locator(`${REGISTRATION} [data-name="dora"]`);
    await expect(note).toContainText(/pending, expires/);

    // The colleague redeems it in another browser, through the panel's
    // redeem dialog. Both browsers share this one Jupyter server, so the
    // redeemed token becomes its active token; the Administrator's is made
    // active again afterwards.
    await redeemAsColleague(browser, request, baseURL!, value, 'dora');
    await page
      .locator(`${PANEL} .jp-SidePanel-toolbar`)
      .getByRole('button', { name: 'Refresh' })
      .click();

    await page
      .locator(PROJECT)
      .getByRole('button', { name: 'Refresh project tokens' })
      .click();
    await expect(row(page, 'dora')).toContainText('User');
    await expect(note).toContainText('redeemed');
  });

  test('looks right in the light and the dark theme', async ({
    page,
    request,
    baseURL
  }) => {
    await adminProject(request, baseURL!);
    await openPanel(page);
    const project = page.locator(PROJECT);
    await expect(project.locator('.jp-mlpTokens-projectRow')).toHaveCount(4);
    await collapseOtherSections(page);

    const shoot = async (theme: string, last: boolean) => {
      await page.mouse.move(0, 0);
      const check = last ? expect : expect.soft;
      check(
        await project.screenshot({
          mask: [project.locator('.jp-mlpTokens-created')]
        })
      ).toMatchSnapshot(`project-section-${theme}.png`);

      await page
        .locator(REGISTRATION)
        .getByRole('button', { name: 'Create registration token…' })
        .click();
      const dialog = page.locator('.jp-Dialog-content');
      // The dialog focuses its first field once it opens; wait for that so
      // the focus ring is where the snapshot expects it.
      await expect(dialog.getByLabel('Access token name')).toBeFocused();
      await dialog.getByLabel('Access token name').fill(`dora-${theme}`);
      const validity = dialog.getByLabel('Registration token valid for');
      await validity.fill('2h45m30s');
      await validity.focus();
      await expect(validity).toBeFocused();
      await expect(dialog).toContainText('Redeemable for 2 h 45 min 30 s');
      expect
        .soft(await dialog.screenshot())
        .toMatchSnapshot(`create-dialog-${theme}.png`);
      await dialog.getByRole('button', { name: 'Create' }).click();

      await expect(dialog.getByRole('timer')).toBeVisible();
      const shot = await dialog.screenshot({
        mask: [
          dialog.getByLabel('Registration token'),
          dialog.getByRole('timer'),
          dialog.getByLabel('Message for your colleague')
        ]
      });
      check(shot).toMatchSnapshot(`show-once-dialog-${theme}.png`);
      await dialog.getByRole('button', { name: 'Done' }).click();
      await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    };

    await shoot('light', false);
    await page.theme.setDarkTheme();
    await page.locator(PROJECT).scrollIntoViewIfNeeded();
    await shoot('dark', true);
  });
});
