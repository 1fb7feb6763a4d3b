/**
 * Steps of the smoke journeys that hold on every supported release: they
 * use the page's DOM and the application object only, never APIs that
 * appeared after JupyterLab 4.0 / Notebook 7.0.
 */
import { Page } from '@playwright/test';

import { expect } from './fixtures';

export const PANEL = '#jp-mlpTokens-panel';
const DIALOG = '.jp-Dialog';

/**
 * Run a command the way a user does: open the command palette, search
 * for the label and click it.
 */
export async function runFromPalette(page: Page, label: string): Promise<void> {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('apputils:activate-command-palette')
  );
  const search = page.locator('#modal-command-palette input');
  // The palette matches the category and the label together, so this query
  // only finds the command in the "ML Platform" category.
  await search.fill(`ML Platform ${label}`);
  await page
    .locator('#modal-command-palette .lm-CommandPalette-item', {
      hasText: label
    })
    .first()
    .click();
}

/**
 * Paste a token into the open paste dialog, check it, see its name in the
 * confirmation, and save it as the active token.
 */
export async function pasteAndSave(
  page: Page,
  value: string,
  name: string
): Promise<void> {
  const dialog = page.locator(DIALOG);
  const field = dialog.locator('input[name="mlp-paste"]');
  await expect(field).toBeFocused();
  await field.fill(value);
  await dialog.getByRole('button', { name: 'Check' }).click();
  await expect(dialog).toContainText(name);
  await dialog.getByRole('button', { name: 'Save and Make Active' }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * Switch the active token from the palette: "Switch Active Access Token…",
 * pick the saved token whose label holds `label`, make it active.
 */
export async function switchFromPalette(
  page: Page,
  label: string
): Promise<void> {
  await runFromPalette(page, 'Switch Active Access Token');
  const select = page.locator(`${DIALOG} select`);
  await expect(select).toBeVisible();
  const options = await select.locator('option').allTextContents();
  const choice = options.find(text => text.includes(label));
  expect(choice).toBeDefined();
  await select.selectOption({ label: choice! });
  await page.locator(`${DIALOG} .jp-mod-accept`).click();
  await expect(page.locator(DIALOG)).toHaveCount(0);
}

/**
 * Wait until the main area's notebook has its kernel, then run all cells.
 */
export async function runAllCells(page: Page): Promise<void> {
  await page.evaluate(async () => {
    interface IPanel {
      context: { ready: Promise<void> };
      sessionContext: { ready: Promise<void> };
      content: { model: { cells: unknown } | null };
    }
    const app = window.jupyterapp;
    let panel: IPanel | null = null;
    for (const widget of app.shell.widgets('main')) {
      if ((widget as unknown as IPanel).content?.model?.cells) {
        panel = widget as unknown as IPanel;
      }
    }
    if (!panel) {
      throw new Error('no notebook in the main area');
    }
    await panel.context.ready;
    await panel.sessionContext.ready;
    await app.commands.execute('notebook:run-all-cells');
  });
}

/**
 * The text output of each cell of the main area's notebook, read from the
 * model (stream text, and error names).
 */
export async function cellOutputs(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    interface IOutput {
      output_type: string;
      text?: string | string[];
      ename?: string;
    }
    interface IPanel {
      content: {
        model: {
          cells: {
            length: number;
            get(i: number): { outputs: { toJSON(): IOutput[] } };
          };
        } | null;
      };
    }
    let panel: IPanel | null = null;
    for (const widget of window.jupyterapp.shell.widgets('main')) {
      if ((widget as unknown as IPanel).content?.model?.cells) {
        panel = widget as unknown as IPanel;
      }
    }
    const cells = panel?.content.model?.cells;
    const texts: string[] = [];
    for (let i = 0; cells && i < cells.length; i++) {
      texts.push(
        cells
          .get(i)
          .outputs.toJSON()
          .map(output =>
            output.output_type === 'error'
              ? `error:${output.ename}`
              : Array.isArray(output.text)
                ? output.text.join('')
                : (output.text ?? '')
          )
          .join('')
          .trim()
      );
    }
    return texts;
  });
}

/**
 * Run code in the main area's notebook kernel as a user would (not silent,
 * no history), without a cell, and answer its stdout.
 */
export async function runInKernel(page: Page, code: string): Promise<string> {
  return page.evaluate(async code => {
    interface IKernel {
      requestExecute(content: { code: string; store_history: boolean }): {
        onIOPub: (msg: {
          header: { msg_type: string };
          content: { text?: string; ename?: string };
        }) => void;
        done: Promise<unknown>;
      };
    }
    interface IPanel {
      content: { model: { cells: unknown } | null };
      sessionContext: { session: { kernel: IKernel | null } | null };
    }
    let panel: IPanel | null = null;
    for (const widget of window.jupyterapp.shell.widgets('main')) {
      if ((widget as unknown as IPanel).content?.model?.cells) {
        panel = widget as unknown as IPanel;
      }
    }
    const kernel = panel?.sessionContext.session?.kernel;
    if (!kernel) {
      throw new Error('no notebook kernel');
    }
    let out = '';
    const future = kernel.requestExecute({ code, store_history: false });
    future.onIOPub = msg => {
      if (msg.header.msg_type === 'stream') {
        out += msg.content.text ?? '';
      } else if (msg.header.msg_type === 'error') {
        out += `error:${msg.content.ename}`;
      }
    };
    await future.done;
    return out.trim();
  }, code);
}

/**
 * Wait until the notebook's kernel reports `expected` from the probe: a
 * switch reaches a running kernel without a restart.
 */
export async function waitKernelSees(
  page: Page,
  probe: string,
  expected: string
): Promise<void> {
  await expect
    .poll(() => runInKernel(page, probe), { timeout: 20000 })
    .toBe(expected);
}
