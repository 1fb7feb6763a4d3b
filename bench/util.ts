/**
 * Small helpers shared by the benchmarks.
 */

import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * The project's venv first, and every PATH entry absolute: the documented
 * `PATH=.venv/bin:$PATH` is relative, and a child started in another
 * folder (ui-tests/, a scratch build) would not find `jupyter` through it.
 */
export function useProjectPath(): void {
  const entries = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(entry => entry !== '')
    .map(entry => resolve(entry));
  const venv = join(ROOT, '.venv', 'bin');
  process.env.PATH = [
    ...(existsSync(venv) ? [venv] : []),
    ...entries.filter(entry => entry !== venv)
  ].join(delimiter);
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  return Number(execFileSync(process.execPath, ['-e', script]).toString());
}

/**
 * Poll `url` every `intervalMs` until it answers 2xx; throws after
 * `timeoutMs`.
 */
export async function waitFor(
  url: string,
  timeoutMs: number,
  intervalMs = 300
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} did not answer`);
}

/** The median of `values` (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Build the extension for production, as the wheel ships it, from `lib/`
 * (`npm run build:lib` first) into `scratch`; return the folder holding the
 * built labextension (package.json, static/, schemas/). Needs
 * `jupyter-builder` on PATH.
 */
export function buildProduction(scratch: string): string {
  mkdirSync(scratch, { recursive: true });
  for (const folder of ['lib', 'style', 'schema']) {
    cpSync(join(ROOT, folder), join(scratch, folder), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  pkg.jupyterlab.outputDir = 'out';
  writeFileSync(join(scratch, 'package.json'), JSON.stringify(pkg));
  execFileSync('jupyter-builder', ['build', '.'], {
    cwd: scratch,
    stdio: 'ignore'
  });
  return join(scratch, 'out');
}

/**
 * The emulator in a process of its own (in memory, an Administrator token
 * seeded), so that its work does not share an event loop with what is
 * measured.
 */
export async function startEmulatorProcess(): Promise<{
  url: string;
  admin: string;
  stop: () => Promise<void>;
}> {
  const child = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(ROOT, 'emulator/src/main.ts'), '--port', '0', '--seed-admin'],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  let out = '';
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('The emulator did not start')),
        30_000
      );
      child.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`The emulator exited (${code})`));
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const url = /listening on (\S+)/.exec(out)?.[1];
        const admin = /^MLPLATFORM_ADMIN_TOKEN=(\S+)$/m.exec(out)?.[1];
        if (url && admin) {
          clearTimeout(timer);
          resolve({ url, admin, stop });
        }
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Save `value` as the active Administrator token of the Jupyter server at
 * `base` (one with XSRF checks off, as the benchmarks start it).
 */
export async function saveActiveAdmin(
  base: string,
  value: string
): Promise<void> {
  const saved = await fetch(`${base}/mlplatform-tokens/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      value,
      name: 'bench-admin',
      role: 'ADMIN',
      issuer: 'emulator',
      expires_at: null,
      activate: true
    })
  });
  if (!saved.ok) {
    throw new Error(`Saving the token failed: HTTP ${saved.status}`);
  }
}

/**
 * A folder of links to the prebuilt extensions JupyterLab would load (the
 * labextensions folders of `jupyter --paths`, the first one holding a name
 * winning, as in JupyterLab), leaving out the one named `without`; give it
 * to `c.LabApp.labextensions_path` to start JupyterLab with or without one
 * of them and nothing else different.
 */
export function linkedLabextensions(
  dir: string,
  without: string | null
): string {
  const paths = JSON.parse(
    execFileSync('jupyter', ['--paths', '--json']).toString()
  ) as { data: string[] };
  mkdirSync(dir, { recursive: true });
  for (const source of paths.data.map(data => join(data, 'labextensions'))) {
    if (!existsSync(source)) {
      continue;
    }
    for (const entry of readdirSync(source)) {
      const names = entry.startsWith('@')
        ? readdirSync(join(source, entry)).map(name => `${entry}/${name}`)
        : [entry];
      for (const name of names) {
        const target = join(dir, name);
        if (name === without || existsSync(target)) {
          continue;
        }
        mkdirSync(join(target, '..'), { recursive: true });
        symlinkSync(join(source, name), target);
      }
    }
  }
  return dir;
}

/**
 * The lines of a `jupyter lab --config` file that the start-up and idle
 * benches share: loopback, no browser, no token or XSRF check, and every
 * folder JupyterLab writes (root, workspaces, settings) under `dir`, with
 * the prebuilt extensions read from `labextensions` only.
 */
export function labConfigLines(dir: string, labextensions: string): string[] {
  return [
    'c.ServerApp.ip = "127.0.0.1"',
    'c.ServerApp.open_browser = False',
    'c.ServerApp.allow_root = True',
    'c.IdentityProvider.token = ""',
    'c.ServerApp.disable_check_xsrf = True',
    `c.ServerApp.root_dir = ${JSON.stringify(join(dir, 'root'))}`,
    `c.LabApp.workspaces_dir = ${JSON.stringify(join(dir, 'workspaces'))}`,
    `c.LabApp.user_settings_dir = ${JSON.stringify(join(dir, 'settings'))}`,
    `c.LabApp.labextensions_path = [${JSON.stringify(labextensions)}]`
  ];
}
