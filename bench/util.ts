/**
 * Small helpers shared by the benchmarks.
 */

import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

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
