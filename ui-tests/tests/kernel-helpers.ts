import * as fs from 'fs';
import * as path from 'path';
/**
 * Helpers of the kernel-sync journeys: tokens through the REST API, and a
 * handle on the page's notebooks, kernels and the extension's models.
 */
import { APIRequestContext, Page } from '@playwright/test';
import { createHash, randomBytes } from 'crypto';

import { expect } from './fixtures';

/**
 * Python that prints a short hash of the variable (never the value), or
 * `none`, and leaves no names behind.
 */
export const PROBE = [
  'import hashlib as _h, os as _o',
  "_v = _o.environ.get('MLP_REFRESH_TOKEN')",
  "print('MLP:' + (_h.sha256(_v.encode()).hexdigest()[:16] if _v else 'none'))",
  'del _h, _o, _v'
].join('\n');

/**
 * What the probe prints for a value (or for none).
 */
export function probeLine(value: string | null): string {
  return value === null
    ? 'MLP:none'
    : `MLP:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/**
 * A fresh token value that the vault accepts.
 */
export function newValue(): string {
  return `kst.${randomBytes(18).toString('base64url')}`;
}

/**
 * A token saved for one test, removed after it.
 */
export interface ITestToken {
  readonly id: string;
  readonly fingerprint: string;
  readonly value: string;
}

/**
 * Saves tokens through the REST API and removes them again.
 */
export class TokenFixture {
  constructor(
    private _request: APIRequestContext,
    private _baseURL: string
  ) {}

  url(path: string): string {
    return `${this._baseURL}/mlplatform-tokens/${path}`;
  }

  async add(value: string, activate = true): Promise<ITestToken> {
    const response = await this._request.post(this.url('tokens'), {
      data: {
        value,
        name: 'kernel-sync-test',
        role: 'USER',
        issuer: 'galata',
        expires_at: null,
        label: `kernel-sync ${value.slice(-4)}`,
        activate
      }
    });
    expect(response.status()).toBe(201);
    const body = (await response.json()) as {
      token: { id: string; fingerprint: string };
    };
    const token = {
      id: body.token.id,
      fingerprint: body.token.fingerprint,
      value
    };
    this._added.push(token.id);
    return token;
  }

  /**
   * Remove every token this fixture added.
   */
  async cleanup(): Promise<void> {
    for (const id of this._added.splice(0)) {
      await this._request.delete(this.url(`tokens/${id}`));
    }
  }

  private _added: string[] = [];
}

/**
 * The kernel sync state of one kernel as the page reports it.
 */
export interface IKernelStateView {
  kernelId: string;
  name: string;
  language: string;
  fingerprint: string | null;
  supported: boolean;
  sync: string;
}

/**
 * Loose shapes of what the page exposes to the tests.
 */
interface IPageHandle {
  jupyterapp: {
    commands: { execute(id: string, args?: unknown): Promise<unknown> };
    pluginRegistry: unknown;
  };
  mlpTest: {
    vault: {
      refresh(): Promise<void>;
      activate(id: string): Promise<void>;
      remove(id: string): Promise<void>;
    };
    sync: { kernels: IKernelStateView[]; syncNow(): Promise<void> };
    logs: { getLogger(source: string): { length: number } };
  };
}

/**
 * Give the page a `window.mlpTest` handle on the extension's models.
 */
export async function installHandle(page: Page): Promise<void> {
  await page.evaluate(() => {
    const win = window as unknown as {
      jupyterapp: {
        pluginRegistry: { _plugins: Map<string, { service: unknown }> };
      };
      mlpTest: unknown;
    };
    const plugins = win.jupyterapp.pluginRegistry._plugins;
    const service = (id: string) => plugins.get(id)?.service;
    const shell = (
      win.jupyterapp as unknown as {
        shell: { widgets(area: string): Iterable<{ id: string }> };
      }
    ).shell;
    win.mlpTest = {
      // The last notebook panel in the main area (the console may be current).
      notebook: () => {
        let found: unknown = null;
        for (const widget of shell.widgets('main')) {
          const content = (widget as { content?: { activeCellIndex?: number } })
            .content;
          if (content && typeof content.activeCellIndex === 'number') {
            found = widget;
          }
        }
        return found;
      },
      vault: service('jupyterlab-mlplatform-tokens:vault'),
      sync: service('jupyterlab-mlplatform-tokens:kernel-sync'),
      logs: service('@jupyterlab/logconsole-extension:plugin')
    };
  });
  await page.evaluate(() =>
    (window as unknown as IPageHandle).mlpTest.vault.refresh()
  );
}

/**
 * Activate a saved token the way the panel does (through the page's vault).
 */
export async function activate(page: Page, id: string): Promise<void> {
  await page.evaluate(
    id => (window as unknown as IPageHandle).mlpTest.vault.activate(id),
    id
  );
}

/**
 * Remove a saved token the way the panel does.
 */
export async function remove(page: Page, id: string): Promise<void> {
  await page.evaluate(
    id => (window as unknown as IPageHandle).mlpTest.vault.remove(id),
    id
  );
}

/**
 * The sync states of the running kernels.
 */
export async function kernelStates(page: Page): Promise<IKernelStateView[]> {
  return page.evaluate(() => [
    ...(window as unknown as IPageHandle).mlpTest.sync.kernels
  ]);
}

/**
 * Wait until every running kernel reports `fingerprint` as synced.
 */
export async function waitSynced(
  page: Page,
  fingerprint: string | null,
  timeout = 15000
): Promise<void> {
  await expect
    .poll(
      async () =>
        (await kernelStates(page)).every(
          kernel =>
            kernel.sync === 'synced' && kernel.fingerprint === fingerprint
        ),
      { timeout }
    )
    .toBe(true);
}

/**
 * Write a notebook with these code cells through the contents API.
 */
export async function writeNotebook(
  request: APIRequestContext,
  baseURL: string,
  path: string,
  sources: readonly string[]
): Promise<void> {
  const response = await request.put(`${baseURL}/api/contents/${path}`, {
    data: {
      type: 'notebook',
      format: 'json',
      content: {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {
          kernelspec: {
            name: 'python3',
            display_name: 'Python 3 (ipykernel)',
            language: 'python'
          }
        },
        cells: sources.map((source, i) => ({
          cell_type: 'code',
          id: `cell-${i}`,
          source,
          metadata: {},
          outputs: [],
          execution_count: null
        }))
      }
    }
  });
  expect(response.ok()).toBe(true);
}

/**
 * Open a notebook, and as soon as its kernel is chosen, run all its cells.
 */
export async function openAndRunAll(
  page: Page,
  path: string,
  runAll = true
): Promise<void> {
  await page.evaluate(
    async ({ path, runAll }) => {
      interface IPanel {
        context: { ready: Promise<void> };
        sessionContext: {
          ready: Promise<void>;
        };
      }
      const app = (window as unknown as IPageHandle).jupyterapp;
      const panel = (await app.commands.execute('docmanager:open', {
        path,
        factory: 'Notebook',
        kernel: { name: 'python3' }
      })) as IPanel;
      // The session is set up and its kernel chosen (the kernel itself may
      // still be starting): run everything at once.
      await panel.context.ready;
      await panel.sessionContext.ready;
      if (runAll) {
        await app.commands.execute('notebook:run-all-cells');
      }
    },
    { path, runAll }
  );
}

/**
 * The text output of each cell of the current notebook (stream text and
 * error names), read from the model.
 */
export async function cellOutputs(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    interface IOutput {
      output_type: string;
      text?: string | string[];
      ename?: string;
    }
    const win = window as unknown as {
      mlpTest: {
        notebook(): {
          content: {
            model: {
              cells: {
                length: number;
                get(i: number): { outputs: { toJSON(): IOutput[] } };
              };
            };
          };
        } | null;
      };
    };
    const model = win.mlpTest.notebook()?.content.model;
    if (!model) {
      return [];
    }
    const texts: string[] = [];
    for (let i = 0; i < model.cells.length; i++) {
      const outputs = model.cells.get(i).outputs.toJSON();
      texts.push(
        outputs
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
 * Wait until cells `from`..`to` (inclusive) all show output.
 */
export async function waitOutputs(
  page: Page,
  count: number,
  timeout = 60000
): Promise<string[]> {
  let last: string[] = [];
  await expect
    .poll(
      async () => {
        last = await cellOutputs(page);
        return last.slice(0, count).filter(text => text !== '').length;
      },
      { timeout }
    )
    .toBe(count);
  return last;
}

/**
 * Run code in the current notebook's kernel as a user would (not silent),
 * without a cell, and answer its stdout.
 */
export async function runInKernel(
  page: Page,
  code: string,
  widget: 'notebook' | 'console' = 'notebook'
): Promise<string> {
  return page.evaluate(
    async ({ code, widget }) => {
      interface IKernel {
        requestExecute(content: { code: string; store_history: boolean }): {
          onIOPub: (msg: {
            header: { msg_type: string };
            content: { text?: string; ename?: string };
          }) => void;
          done: Promise<unknown>;
        };
      }
      interface IWidget {
        sessionContext: { session: { kernel: IKernel } | null };
      }
      const win = window as unknown as {
        jupyterapp: {
          shell: { widgets(area: string): Iterable<IWidget & { id: string }> };
        };
      };
      let target: IWidget | null = null;
      for (const item of win.jupyterapp.shell.widgets('main')) {
        const isConsole = item.id.startsWith('console-');
        if ((widget === 'console') === isConsole && item.sessionContext) {
          target = item;
        }
      }
      const kernel = target?.sessionContext.session?.kernel;
      if (!kernel) {
        throw new Error(`no ${widget} kernel`);
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
      const reply = (await future.done) as { content: { status: string } };
      return out.trim() || `reply:${reply.content.status}`;
    },
    { code, widget }
  );
}

/**
 * Run one cell of the current notebook through the notebook's own command
 * (stop_on_error as a user gets it); wait for it unless `wait` is false.
 */
export async function runCell(
  page: Page,
  index: number,
  wait = true
): Promise<void> {
  await page.evaluate(
    async ({ index, wait }) => {
      const win = window as unknown as {
        jupyterapp: {
          commands: { execute(id: string): Promise<unknown> };
          shell: { activateById(id: string): void };
        };
        mlpTest: {
          notebook(): {
            id: string;
            content: { activeCellIndex: number; deselectAll(): void };
          };
        };
      };
      const panel = win.mlpTest.notebook();
      win.jupyterapp.shell.activateById(panel.id);
      panel.content.activeCellIndex = index;
      panel.content.deselectAll();
      const done = win.jupyterapp.commands.execute('notebook:run-cell');
      if (wait) {
        await done;
      }
    },
    { index, wait }
  );
}

/**
 * The sync state of the current notebook's kernel.
 */
export async function notebookKernelState(
  page: Page
): Promise<IKernelStateView | undefined> {
  const id = await page.evaluate(() => {
    const win = window as unknown as {
      mlpTest: {
        notebook(): {
          sessionContext: { session: { kernel: { id: string } | null } };
        };
      };
    };
    return win.mlpTest.notebook().sessionContext.session?.kernel?.id;
  });
  return (await kernelStates(page)).find(kernel => kernel.kernelId === id);
}

/**
 * A notebook's checkpoint as the server keeps it on disk, or null when it
 * has none (read straight from the server's root folder).
 */
export async function checkpointOnDisk(
  page: Page,
  folder: string,
  notebookName: string
): Promise<string | null> {
  const root = await page.evaluate(
    () =>
      (
        window as unknown as {
          jupyterapp: { paths: { directories: { serverRoot: string } } };
        }
      ).jupyterapp.paths.directories.serverRoot
  );
  const stem = notebookName.replace(/\.ipynb$/, '');
  const file = path.join(
    root,
    folder,
    '.ipynb_checkpoints',
    `${stem}-checkpoint.ipynb`
  );
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : null;
}
