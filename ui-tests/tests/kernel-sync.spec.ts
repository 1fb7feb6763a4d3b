import { Page } from '@playwright/test';
import * as fs from 'fs';

import { expect, test } from './fixtures';
import {
  activate,
  checkpointOnDisk,
  cellOutputs,
  installHandle,
  kernelStates,
  newValue,
  notebookKernelState,
  openAndRunAll,
  PROBE,
  probeLine,
  remove,
  runCell,
  runInKernel,
  TokenFixture,
  waitOutputs,
  waitSynced,
  writeNotebook
} from './kernel-helpers';

/**
 * The marker every sync snippet holds, split so this file's own code sent to
 * the kernel never contains it.
 */
const MARKER = ['_mlp_tokens', '_env_sync'].join('');

/**
 * Python that reports whether the active value, its hex form or a sync
 * snippet is anywhere in the kernel's history or linecache.
 */
const LEAK_CHECK = [
  'import os as _o, linecache as _lc, sqlite3 as _sq',
  'from IPython.utils.capture import capture_output as _cap',
  '_ip = get_ipython()',
  "_v = _o.environ['MLP_REFRESH_TOKEN']",
  `_needles = (_v, _v.encode().hex(), '_mlp_tokens' + '_env_sync')`,
  '_hit = lambda t: any(n in t for n in _needles)',
  '_ip.history_manager.writeout_cache()',
  '_db = _sq.connect(str(_ip.history_manager.hist_file))',
  "_rows = [r[0] + ' ' + r[1] for r in _db.execute('SELECT source, source_raw FROM history')]",
  '_db.close()',
  'with _cap() as _c:',
  "    _ip.run_line_magic('history', '-g')",
  '_found = {',
  "    'In': any(_hit(t) for t in _ip.user_ns['In']),",
  "    'history_g': _hit(_c.stdout),",
  "    'db': any(_hit(t) for t in _rows),",
  "    'linecache': any(_hit(''.join(e[2])) for e in list(_lc.cache.values())),",
  "    'names': sorted(k for k in _ip.user_ns if 'mlp' in k.lower()),",
  '}',
  "print('LEAKS', sorted(k for k, f in _found.items() if f), _found['names'])",
  'del _o, _lc, _sq, _cap, _ip, _v, _needles, _hit, _db, _rows, _c, _found'
].join('\n');

const NO_LEAKS = 'LEAKS [] []';

const REMOVED_CHECK = [
  'import os as _o, subprocess as _sp',
  "print('MLP_REFRESH_TOKEN' in _o.environ, _sp.run(['printenv', 'MLP_REFRESH_TOKEN'], capture_output=True).returncode)",
  'del _o, _sp'
].join('\n');

async function accept(page: Page): Promise<void> {
  await page.locator('.jp-Dialog .jp-mod-accept').click();
}

async function clearOutputs(page: Page): Promise<void> {
  await page.evaluate(() =>
    (
      window as unknown as {
        jupyterapp: { commands: { execute(id: string): Promise<unknown> } };
      }
    ).jupyterapp.commands.execute('notebook:clear-all-cell-outputs')
  );
}

// Galata's kernel and session mocks answer a kernel restart with 201 and
// hide kernels the page did not start: talk to the real server instead, and
// shut the kernels down after each test.
test.use({ kernels: null, sessions: null });

test.describe('Live token sync into running kernels', () => {
  let tokens: TokenFixture;

  test.beforeEach(async ({ request, baseURL }) => {
    tokens = new TokenFixture(request, baseURL!);
  });

  test.afterEach(async ({ request, baseURL }) => {
    await tokens.cleanup();
    const running = await request.get(`${baseURL}/api/kernels`);
    for (const kernel of (await running.json()) as { id: string }[]) {
      await request.delete(`${baseURL}/api/kernels/${kernel.id}`);
    }
  });

  test('new notebooks, restarts, Shift-Enter during a restart and a kernel change all see the token', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    test.setTimeout(150000);
    const token = await tokens.add(newValue());
    await installHandle(page);
    const expected = probeLine(token.value);
    const notebook = `${tmpPath}/fresh.ipynb`;
    await writeNotebook(request, baseURL!, notebook, [PROBE, PROBE, PROBE]);

    // 1. Run all as soon as the kernel is chosen.
    await openAndRunAll(page, notebook);
    expect(await waitOutputs(page, 3)).toEqual([expected, expected, expected]);

    // 2a. Restart & Run All.
    await clearOutputs(page);
    const restartRunAll = page.evaluate(() =>
      (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string): Promise<unknown> } };
        }
      ).jupyterapp.commands.execute('notebook:restart-run-all')
    );
    await accept(page);
    await restartRunAll;
    expect(await waitOutputs(page, 3)).toEqual([expected, expected, expected]);

    // 2b. Shift-Enter repeatedly while the kernel restarts.
    await clearOutputs(page);
    await page.notebook.selectCells(0);
    const restart = page.evaluate(() =>
      (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string): Promise<unknown> } };
        }
      ).jupyterapp.commands.execute('notebook:restart-kernel')
    );
    await accept(page);
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Shift+Enter');
    }
    await restart;
    expect((await waitOutputs(page, 3)).slice(0, 3)).toEqual([
      expected,
      expected,
      expected
    ]);

    // 6. Change kernel: the new kernel has the token from its start.
    const before = (await notebookKernelState(page))?.kernelId;
    await clearOutputs(page);
    await page.evaluate(async () => {
      const win = window as unknown as {
        jupyterapp: {
          shell: {
            currentWidget: {
              sessionContext: {
                changeKernel(options: { name: string }): Promise<unknown>;
              };
            };
          };
          commands: { execute(id: string): Promise<unknown> };
        };
      };
      await win.jupyterapp.shell.currentWidget.sessionContext.changeKernel({
        name: 'python3'
      });
      await win.jupyterapp.commands.execute('notebook:run-all-cells');
    });
    expect((await waitOutputs(page, 3)).slice(0, 3)).toEqual([
      expected,
      expected,
      expected
    ]);
    expect((await notebookKernelState(page))?.kernelId).not.toBe(before);
  });

  test('cells after an auto-restart (os._exit) see the token', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    test.setTimeout(120000);
    const token = await tokens.add(newValue());
    await installHandle(page);
    const expected = probeLine(token.value);
    const notebook = `${tmpPath}/crash.ipynb`;
    await writeNotebook(request, baseURL!, notebook, [
      PROBE,
      'import os\nos._exit(1)',
      PROBE,
      PROBE
    ]);
    await openAndRunAll(page, notebook, false);
    await runCell(page, 0);
    await expect.poll(async () => (await cellOutputs(page))[0]).toBe(expected);

    await page.evaluate(() => {
      const win = window as unknown as {
        jupyterapp: {
          shell: {
            currentWidget: {
              sessionContext: {
                session: {
                  kernel: {
                    statusChanged: {
                      connect(fn: (_: unknown, status: string) => void): void;
                    };
                  };
                };
              };
            };
          };
        };
        mlpStatuses: string[];
      };
      win.mlpStatuses = [];
      win.jupyterapp.shell.currentWidget.sessionContext.session.kernel.statusChanged.connect(
        (_, status) => win.mlpStatuses.push(status)
      );
    });
    await runCell(page, 1, false);
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const statuses = (window as unknown as { mlpStatuses: string[] })
              .mlpStatuses;
            const at = statuses.lastIndexOf('autorestarting');
            return at >= 0 && statuses.slice(at).includes('idle');
          }),
        { timeout: 60000 }
      )
      .toBe(true);
    await runCell(page, 2);
    await runCell(page, 3);
    await expect
      .poll(async () => (await cellOutputs(page)).slice(2, 4))
      .toEqual([expected, expected]);
  });

  test('a switch reaches a notebook and its console, waits behind busy and failing cells, and a removal takes the variable away, leaving no trace', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    test.setTimeout(150000);
    const first = await tokens.add(newValue());
    const second = await tokens.add(newValue(), false);
    await installHandle(page);
    const notebook = `${tmpPath}/switch.ipynb`;
    await writeNotebook(request, baseURL!, notebook, [
      PROBE,
      'import time\ntime.sleep(5)',
      'import time\ntime.sleep(2)\nraise ValueError("expected failure")'
    ]);
    await openAndRunAll(page, notebook);
    await expect
      .poll(async () => (await cellOutputs(page))[2], { timeout: 30000 })
      .toBe('error:ValueError');
    expect((await cellOutputs(page))[0]).toBe(probeLine(first.value));
    await page.evaluate(() =>
      (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string): Promise<unknown> } };
        }
      ).jupyterapp.commands.execute('notebook:create-console')
    );
    await expect(page.locator('.jp-CodeConsole')).toBeVisible();
    await expect
      .poll(async () => (await kernelStates(page)).length)
      .toBeGreaterThan(0);

    // 5. Switch: the notebook and the console, one kernel, see the new value.
    await activate(page, second.id);
    await waitSynced(page, second.fingerprint);
    expect(await runInKernel(page, PROBE)).toBe(probeLine(second.value));
    expect(await runInKernel(page, PROBE, 'console')).toBe(
      probeLine(second.value)
    );

    // 7. Switch while a cell sleeps: the next cell sees the new value.
    await runCell(page, 1, false);
    await activate(page, first.id);
    await expect
      .poll(async () => (await notebookKernelState(page))?.sync)
      .not.toBe('synced');
    expect(await runInKernel(page, PROBE)).toBe(probeLine(first.value));

    // 8. Switch queued behind a failing cell: aborted, retried, lands.
    await runCell(page, 2, false);
    await activate(page, second.id);
    await waitSynced(page, second.fingerprint);
    expect(await runInKernel(page, PROBE)).toBe(probeLine(second.value));

    // 11. A second client sees only status messages from a sync; the log
    // console stays empty.
    const countBefore = Number(
      await runInKernel(page, 'print(get_ipython().execution_count)')
    );
    const kernelId = (await notebookKernelState(page))!.kernelId;
    await page.evaluate(kernelId => {
      const win = window as unknown as {
        jupyterapp: {
          serviceManager: {
            kernels: {
              connectTo(options: {
                model: { id: string; name: string };
                handleComms: boolean;
              }): {
                iopubMessage: {
                  connect(
                    fn: (
                      _: unknown,
                      msg: { header: { msg_type: string } }
                    ) => void
                  ): void;
                };
                dispose(): void;
              };
            };
          };
        };
        mlpSecond: { types: string[]; dispose(): void };
      };
      const types: string[] = [];
      const second = win.jupyterapp.serviceManager.kernels.connectTo({
        model: { id: kernelId, name: 'python3' },
        handleComms: false
      });
      second.iopubMessage.connect((_, msg) => types.push(msg.header.msg_type));
      win.mlpSecond = { types, dispose: () => second.dispose() };
    }, kernelId);
    // Let the second client connect before the switch.
    await page.waitForTimeout(1000);
    await activate(page, first.id);
    await waitSynced(page, first.fingerprint);
    await page.waitForTimeout(500);
    const seen = await page.evaluate(() => {
      const win = window as unknown as {
        mlpSecond: { types: string[]; dispose(): void };
      };
      win.mlpSecond.dispose();
      return [...new Set(win.mlpSecond.types)];
    });
    expect(seen).toEqual(['status']);
    const logged = await page.evaluate(
      path =>
        (
          window as unknown as {
            mlpTest: {
              logs: { getLogger(source: string): { length: number } };
            };
          }
        ).mlpTest.logs.getLogger(path).length,
      notebook
    );
    expect(logged).toBe(0);

    // 10. No trace in history, linecache or the notebook files; the
    // execution count is unchanged by the syncs.
    expect(await runInKernel(page, LEAK_CHECK)).toBe(NO_LEAKS);
    expect(await runInKernel(page, LEAK_CHECK, 'console')).toBe(NO_LEAKS);
    expect(
      Number(await runInKernel(page, 'print(get_ipython().execution_count)'))
    ).toBe(countBefore);
    await page.notebook.save();
    const saved = await request.get(`${baseURL}/api/contents/${notebook}`);
    const files = [await saved.text()];
    const checkpoint = await checkpointOnDisk(page, tmpPath, 'switch.ipynb');
    if (checkpoint !== null) {
      files.push(checkpoint);
    }
    for (const text of files) {
      for (const needle of [
        first.value,
        second.value,
        Buffer.from(first.value).toString('hex'),
        Buffer.from(second.value).toString('hex'),
        MARKER
      ]) {
        expect(text.includes(needle)).toBe(false);
      }
    }

    // 9. Removal: gone from os.environ and from subprocesses.
    await remove(page, first.id);
    await waitSynced(page, null);
    expect(await runInKernel(page, REMOVED_CHECK)).toBe('False 1');
    expect(await runInKernel(page, REMOVED_CHECK, 'console')).toBe('False 1');
  });

  test('hostile values are refused, tricky ones arrive unchanged, and kernels no widget holds are synced without leaving a connection open', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    test.setTimeout(120000);
    // 12. Values the vault refuses: nothing is saved, nothing runs.
    for (const value of [
      '$(touch /tmp/mlp-pwned)',
      'a\nb',
      'a\u2028b',
      'tökén',
      'x'.repeat(10 * 1024),
      ''
    ]) {
      const response = await request.post(tokens.url('tokens'), {
        data: {
          value,
          name: 'kernel-sync-test',
          role: 'USER',
          issuer: 'galata',
          expires_at: null,
          activate: true
        }
      });
      expect(response.status()).toBe(400);
    }

    const plain = await tokens.add(newValue());
    await installHandle(page);
    const sockets = new Set<string>();
    let open = 0;
    page.on('websocket', socket => {
      if (!socket.url().includes('/api/kernels/')) {
        return;
      }
      open++;
      sockets.add(socket.url());
      socket.on('close', () => open--);
    });

    // A kernel that no widget of this page holds.
    const started = await request.post(`${baseURL}/api/sessions`, {
      data: {
        path: `${tmpPath}/headless.ipynb`,
        type: 'notebook',
        name: '',
        kernel: { name: 'python3' }
      }
    });
    expect(started.ok()).toBe(true);
    const session = (await started.json()) as {
      id: string;
      kernel: { id: string };
    };
    const notebook = `${tmpPath}/tricky.ipynb`;
    await writeNotebook(request, baseURL!, notebook, [PROBE]);
    await openAndRunAll(page, notebook);
    expect(await waitOutputs(page, 1)).toEqual([probeLine(plain.value)]);
    await expect
      .poll(
        async () => {
          await page.evaluate(() =>
            (
              window as unknown as {
                jupyterapp: {
                  serviceManager: {
                    sessions: { refreshRunning(): Promise<void> };
                  };
                };
              }
            ).jupyterapp.serviceManager.sessions.refreshRunning()
          );
          return (await kernelStates(page)).some(
            k => k.kernelId === session.kernel.id
          );
        },
        { timeout: 20000 }
      )
      .toBe(true);
    const openBefore = open;

    const flag = `/tmp/mlp-pwned-${Date.now()}`;
    const tricky = [
      `');open('${flag}','w')#`,
      `"$(touch\${IFS}${flag})\`touch\${IFS}${flag}\`\\'`
    ];
    for (const value of tricky) {
      const token = await tokens.add(value, false);
      await activate(page, token.id);
      await waitSynced(page, token.fingerprint);
      expect(await runInKernel(page, PROBE)).toBe(probeLine(value));
    }
    expect(fs.existsSync(flag)).toBe(false);

    // 13. The short-lived connections to the headless kernel are closed.
    await expect.poll(() => open, { timeout: 10000 }).toBe(openBefore);
    expect(sockets.size).toBeGreaterThan(1);
    await request.delete(`${baseURL}/api/sessions/${session.id}`);
  });
});
