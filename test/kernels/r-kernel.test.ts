/** @jest-environment node */
/**
 * R kernels (IRkernel, Debian's r-cran-irkernel) against a real
 * jupyter_server: the token from the first cell, after restarts, live on a
 * switch and a removal, and values with R's special characters.
 *
 * Skipped, saying so, when no `ir` kernel spec is installed; `make test`
 * installs R and sets MLP_REQUIRE_R=1, and then a missing kernel fails.
 */
import type { KernelMessage, Session } from '@jupyterlab/services';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { Harness, type IHarnessToken } from './helpers';
import { delay, newValue, probeLine, run, runDuringRestart } from './probe';

// apputils needs a DOM to load; the sync only uses its notifications.
jest.mock('@jupyterlab/apputils', () => ({
  Notification: { info: jest.fn() }
}));

jest.setTimeout(180000);

const ROOT = path.resolve(__dirname, '../..');

/** Whether the test server will find an `ir` kernel spec (it uses an empty data folder of its own, so a spec in the user's folder does not count). */
function hasIrKernel(): boolean {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-kernelspecs-'));
  try {
    const listed = execFileSync(
      path.join(ROOT, '.venv/bin/jupyter'),
      ['kernelspec', 'list', '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, JUPYTER_DATA_DIR: dataDir }
      }
    );
    return 'ir' in (JSON.parse(listed).kernelspecs ?? {});
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const AVAILABLE = hasIrKernel();
if (!AVAILABLE) {
  if (process.env.MLP_REQUIRE_R === '1') {
    throw new Error(
      'No `ir` kernel spec: install R with `apt-get install r-base-core r-cran-irkernel`.'
    );
  }
  console.warn(
    'R kernel tests skipped: no `ir` kernel spec (apt-get install r-base-core r-cran-irkernel).'
  );
}

/** Prints the token's fingerprint line, like the Python probe. */
const PROBE = [
  'local({',
  '  v <- Sys.getenv("MLP_REFRESH_TOKEN", unset = NA)',
  '  cat(paste0("MLP:", if (is.na(v)) "none" else',
  '    substr(digest::digest(v, algo = "sha256", serialize = FALSE), 1, 16)))',
  '})'
].join('\n');

/** The execution count a user cell gets. */
async function countOf(
  kernel: Session.ISessionConnection['kernel']
): Promise<number> {
  const future = kernel!.requestExecute({ code: 'cat("")', silent: false });
  const reply = await future.done;
  return (reply.content as { execution_count: number }).execution_count;
}

(AVAILABLE ? describe : describe.skip)('kernel sync with R kernels', () => {
  let harness: Harness;
  let user: Session.ISessionConnection;
  let first: IHarnessToken;
  let second: IHarnessToken;

  beforeAll(async () => {
    harness = await Harness.start();
    first = await harness.addToken(newValue());
    // Every character R gives a meaning to in a string or a name.
    second = await harness.addToken(
      `hrn.a"b\\c$d'e\`f{g}h#i%j~k(l)m[n]o;p,q@r!s^t&u*v|w<x>y?z=`,
      false
    );
    await harness.startSync();
    user = await harness.openNotebook('analysis.ipynb', 'ir');
  });

  afterAll(async () => {
    await harness?.dispose();
  });

  it('a new R kernel sees the token in its first cell', async () => {
    expect(await run(user.kernel!, PROBE)).toBe(probeLine(first.value));
  });

  it.each([0, 200])(
    'after restart(), a cell sent at %i ms sees the token',
    async ms => {
      expect(await runDuringRestart(user.kernel!, ms, PROBE)).toBe(
        probeLine(first.value)
      );
    }
  );

  it('a switch reaches the R kernel exactly, silently, without using an execution count', async () => {
    await harness.sessions.refreshRunning();
    await harness.synced(first.fingerprint);
    const names = 'cat(ls(globalenv(), all.names = TRUE))';
    const namesBefore = await run(user.kernel!, names);
    const before = await countOf(user.kernel);
    const iopub: KernelMessage.IIOPubMessage[] = [];
    const watch = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
      iopub.push(msg);
    };
    user.kernel!.iopubMessage.connect(watch);
    await harness.vault!.activate(second.id);
    await harness.synced(second.fingerprint);
    await delay(300);
    user.kernel!.iopubMessage.disconnect(watch);

    expect(harness.sync!.kernels).toEqual([
      expect.objectContaining({
        language: 'R',
        supported: true,
        sync: 'synced'
      })
    ]);
    // Nothing printed, returned or raised. IRkernel, unlike ipykernel,
    // echoes the code of a silent request as `execute_input` (see
    // docs/security.md); nothing else goes out.
    const types = new Set(iopub.map(msg => msg.header.msg_type));
    types.delete('status');
    types.delete('execute_input');
    expect([...types]).toEqual([]);
    // The echoed code carries the value only hex-encoded.
    for (const msg of iopub) {
      expect(JSON.stringify(msg.content)).not.toContain(second.value);
    }
    expect(await countOf(user.kernel)).toBe(before + 1);
    expect(await run(user.kernel!, PROBE)).toBe(probeLine(second.value));
    // No name left behind in the global environment.
    expect(await run(user.kernel!, names)).toBe(namesBefore);
  });

  it('a removal takes the variable away from the R session and its subprocesses', async () => {
    await harness.vault!.remove(second.id);
    await harness.synced(null);
    expect(
      await run(
        user.kernel!,
        'cat(is.na(Sys.getenv("MLP_REFRESH_TOKEN", unset = NA)), ' +
          'suppressWarnings(system2("printenv", "MLP_REFRESH_TOKEN", stdout = FALSE)))'
      )
    ).toBe('TRUE 1');
  });
});
