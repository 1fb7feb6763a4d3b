/**
 * Two tabs on one server: random add / switch / remove actions, alternating
 * between the tabs, some through the panel and some through the REST API.
 * At the end, after a refresh, both tabs show what the vault file says.
 *
 * MLP_LONG=1 runs 100 actions instead of 20; MLP_SEED=<n> repeats a run.
 */
import { Browser, Page } from '@playwright/test';

import { expect, test } from './fixtures';
import { clearVault, IMinted, mintToken, saveToken } from './platform';

const PANEL = '#jp-mlpTokens-panel';
const DIALOG = '.jp-Dialog';
const ACTIONS = process.env.MLP_LONG === '1' ? 100 : 20;
const MAX_TOKENS = 5;

interface IVaultState {
  active_id: string | null;
  tokens: { id: string; label: string }[];
}

interface IView {
  labels: string[];
  active: string | null;
}

/**
 * A small seeded generator (mulberry32).
 */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function openTab(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseURL}/lab`);
  await page.waitForSelector('.jp-mlpTokens-statusItem', { timeout: 60000 });
  await page.evaluate(() =>
    (
      window as unknown as {
        jupyterapp: { commands: { execute(id: string): Promise<unknown> } };
      }
    ).jupyterapp.commands.execute('mlplatform-tokens:open-panel')
  );
  await expect(page.locator(PANEL)).toBeVisible();
  return page;
}

async function refresh(page: Page): Promise<void> {
  await page
    .locator(PANEL)
    .getByRole('button', { name: 'Refresh', exact: true })
    .click();
}

async function view(page: Page): Promise<IView> {
  const labels = await page
    .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-rowLabel`)
    .allTextContents();
  const active = page.locator(`${PANEL} .jp-mlpTokens-activeLabel`);
  return {
    labels: labels.sort(),
    active: (await active.count()) ? await active.textContent() : null
  };
}

function expected(state: IVaultState): IView {
  return {
    labels: state.tokens.map(t => t.label).sort(),
    active: state.tokens.find(t => t.id === state.active_id)?.label ?? null
  };
}

function mismatches(seen: IView, want: IView): number {
  const missing = want.labels.filter(l => !seen.labels.includes(l)).length;
  const extra = seen.labels.filter(l => !want.labels.includes(l)).length;
  return missing + extra + (seen.active === want.active ? 0 : 1);
}

test('two tabs: random actions end with both tabs showing the vault', async ({
  browser,
  request,
  baseURL
}) => {
  test.setTimeout(ACTIONS > 20 ? 600000 : 120000);
  const seed = Number(process.env.MLP_SEED ?? Date.now() % 1000000);
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)];
  console.log(`two-tab test: seed ${seed} (MLP_SEED=${seed} repeats it)`);

  await clearVault(request, baseURL!);
  const tabs = [
    await openTab(browser, baseURL!),
    await openTab(browser, baseURL!)
  ];
  const vault = async (): Promise<IVaultState> =>
    (await (
      await request.get(`${baseURL}/mlplatform-tokens/tokens`)
    ).json()) as IVaultState;

  const done = { add: 0, switch: 0, remove: 0, ui: 0, rest: 0 };
  let serial = 0;
  for (let i = 0; i < ACTIONS; i++) {
    const tab = tabs[i % 2];
    const state = await vault();
    const kinds: ('add' | 'switch' | 'remove')[] =
      state.tokens.length === 0
        ? ['add']
        : state.tokens.length >= MAX_TOKENS
          ? ['switch', 'remove']
          : ['add', 'add', 'switch', 'remove'];
    const kind = pick(kinds);
    const ui = random() < 0.5;
    const activate = random() < 0.5;
    done[kind]++;
    done[ui ? 'ui' : 'rest']++;

    if (kind === 'add') {
      const label = `Tab ${(i % 2) + 1} #${++serial}`;
      const minted: IMinted = await mintToken(request, {
        name: `two-tabs-${seed}-${serial}`
      });
      if (ui) {
        await tab
          .locator(`${PANEL} .jp-mlpTokens-saved .jp-mlpTokens-add`)
          .click();
        const dialog = tab.locator(DIALOG);
        await dialog
          .locator('input[name="mlp-paste"]')
          .fill(minted.refresh_token);
        await dialog.locator('.jp-mlpTokens-label').fill(label);
        await dialog.getByRole('button', { name: 'Check' }).click();
        await expect(dialog).toContainText('Save This Token?');
        await dialog
          .getByRole('button', {
            name: activate ? 'Save and Make Active' : 'Save',
            exact: true
          })
          .click();
        await expect(dialog).toHaveCount(0);
      } else {
        await saveToken(request, baseURL!, minted, { label, activate });
      }
      await expect
        .poll(async () => (await vault()).tokens.some(t => t.label === label))
        .toBe(true);
      continue;
    }

    const target = pick(state.tokens);
    if (kind === 'switch') {
      if (ui) {
        await refresh(tab);
        const button = tab.locator(PANEL).getByRole('button', {
          name: `Make "${target.label}" active`
        });
        if (state.active_id === target.id) {
          // Already active: the panel offers no button; nothing to do.
          await expect(button).toHaveCount(0);
        } else {
          await button.click();
        }
      } else {
        const answer = await request.post(
          `${baseURL}/mlplatform-tokens/tokens/${target.id}/activate`
        );
        expect(answer.ok()).toBe(true);
      }
      await expect.poll(async () => (await vault()).active_id).toBe(target.id);
    } else {
      if (ui) {
        await refresh(tab);
        await tab
          .locator(PANEL)
          .getByRole('button', {
            name: `Remove "${target.label}" from this server`
          })
          .click();
        const dialog = tab.locator(DIALOG);
        await expect(dialog).toContainText(`Remove "${target.label}"?`);
        await dialog.getByRole('button', { name: 'Remove' }).click();
        await expect(dialog).toHaveCount(0);
      } else {
        const answer = await request.delete(
          `${baseURL}/mlplatform-tokens/tokens/${target.id}`
        );
        expect(answer.ok()).toBe(true);
      }
      await expect
        .poll(async () => (await vault()).tokens.some(t => t.id === target.id))
        .toBe(false);
    }
  }

  // Each tab refreshes; both must show what the vault file says.
  const want = expected(await vault());
  let total = 0;
  const lines: string[] = [];
  for (const [n, tab] of tabs.entries()) {
    await refresh(tab);
    let seen = await view(tab);
    await expect
      .poll(
        async () => {
          seen = await view(tab);
          return mismatches(seen, want);
        },
        { timeout: 5000 }
      )
      .toBe(0)
      .catch(() => undefined);
    const wrong = mismatches(seen, want);
    total += wrong;
    lines.push(
      `tab ${n + 1}: ${seen.labels.length} labels, active ${JSON.stringify(seen.active)}, mismatches ${wrong}`
    );
  }
  console.log(
    [
      `two-tab test (base URL ${new URL(baseURL!).pathname}, seed ${seed})`,
      `actions: ${ACTIONS} (add ${done.add}, switch ${done.switch}, remove ${done.remove}; panel ${done.ui}, REST ${done.rest})`,
      `vault: ${want.labels.length} tokens, active ${JSON.stringify(want.active)}`,
      ...lines,
      `mismatches: ${total} [target 0]`
    ].join('\n')
  );
  for (const tab of tabs) {
    await tab.context().close();
  }
  await clearVault(request, baseURL!);
  expect(total).toBe(0);
});
