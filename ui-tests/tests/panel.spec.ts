import { expect, test } from './fixtures';
import { clearVault } from './platform';
import { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

const PANEL = '#jp-mlpTokens-panel';

/**
 * The drawing of the extension's key icon, from its SVG file.
 */
const KEY_ICON_PATH = /\sd="([^"]+)"/.exec(
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'style', 'icons', 'key.svg'),
    'utf-8'
  )
)![1];

/**
 * Open the panel the way a user does: through the command palette.
 */
async function openFromPalette(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  const search = page.locator('#modal-command-palette input');
  // The palette matches the category and the label together, so this query
  // only finds the command in the "ML Platform" category.
  await search.fill('ML Platform Open Tokens Panel');
  const items = page.locator('#modal-command-palette .lm-CommandPalette-item');
  await expect(items.first()).toHaveText(/Open Tokens Panel/);
  await search.press('Enter');
}

test.describe('ML Platform Tokens panel', () => {
  test.beforeEach(async ({ request, baseURL }) => {
    await clearVault(request, baseURL!);
  });

  test('activates without console errors', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    page.on('pageerror', error => errors.push(error.message));
    await page.goto();
    await page.waitForSelector(PANEL, { state: 'attached' });
    const activated = await page.evaluate(() =>
      window.jupyterapp.isPluginActivated('jupyterlab-mlplatform-tokens:plugin')
    );
    expect(activated).toBe(true);
    expect(errors).toEqual([]);
  });

  test('the palette command opens the panel with the server status', async ({
    page
  }) => {
    const panel = page.locator(PANEL);
    await expect(panel).toBeHidden();
    await openFromPalette(page);
    await expect(panel).toBeVisible();
    await expect(panel).toHaveAttribute('role', 'region');
    await expect(panel).toHaveAttribute('aria-label', 'ML Platform Tokens');
    await expect(
      panel.locator('.jp-mlpTokens-status .jp-mlpTokens-facts')
    ).toContainText('Server extension');
    // The UI tests run against the emulator; the "no API URL" state is
    // covered by the jest tests of the view.
    await expect(panel.locator('.jp-mlpTokens-status')).toContainText(
      'http://127.0.0.1:'
    );
  });

  test('the sidebar tab with the key icon opens the panel', async ({
    page
  }) => {
    // Found by its role and accessible name, as assistive technology does.
    const tab = page
      .locator('.jp-SideBar.jp-mod-left')
      .getByRole('tab', { name: 'ML Platform Tokens', exact: true });
    await expect(tab).toHaveAttribute('data-id', 'jp-mlpTokens-panel');
    await expect(tab).toHaveAttribute('title', 'ML Platform Tokens');
    // The tab shows the extension's key icon: its LabIcon, drawn with the
    // shape of style/icons/key.svg, visible, and the tab's only icon.
    const icon = tab.locator('.lm-TabBar-tabIcon svg');
    await expect(icon).toHaveCount(1);
    await expect(icon).toHaveAttribute(
      'data-icon',
      'jupyterlab-mlplatform-tokens:key'
    );
    await expect(icon.locator('path')).toHaveAttribute('d', KEY_ICON_PATH);
    await expect(icon).toBeVisible();
    const box = await icon.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(12);
    expect(box!.height).toBeGreaterThanOrEqual(12);
    // Painted in a colour that stands out from the sidebar behind it.
    const colours = await icon.locator('path').evaluate(node => {
      const bar = node.closest('.jp-SideBar')!;
      return {
        fill: getComputedStyle(node).fill,
        background: getComputedStyle(bar).backgroundColor
      };
    });
    expect(colours.fill).toMatch(/^rgb\(/);
    expect(colours.fill).not.toBe(colours.background);
    await tab.click();
    await expect(page.locator(PANEL)).toBeVisible();
  });

  test('looks right in the light and the dark theme', async ({ page }) => {
    await openFromPalette(page);
    const panel = page.locator(PANEL);
    await expect(
      panel.locator('.jp-mlpTokens-status .jp-mlpTokens-facts')
    ).toBeVisible();
    expect.soft(await panel.screenshot()).toMatchSnapshot('panel-light.png');

    await page.theme.setDarkTheme();
    await openFromPalette(page);
    await expect(
      panel.locator('.jp-mlpTokens-status .jp-mlpTokens-facts')
    ).toBeVisible();
    expect(await panel.screenshot()).toMatchSnapshot('panel-dark.png');
  });
});
