/**
 * The Russian catalog as JupyterLab loads it: compiled from the .po by the
 * build's own script, handed to a real TranslationManager the way the
 * server's translations endpoint hands it over.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import {
  type ITranslatorConnector,
  type TranslationBundle,
  TranslationManager
} from '@jupyterlab/translation';

export const DOMAIN = 'jupyterlab_mlplatform_tokens';

const ROOT = path.resolve(__dirname, '..', '..');

function python(): string {
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/**
 * The JSON `scripts/i18n/catalog.py compile` writes for ru_RU.
 */
export function compiledCatalog(): Record<string, unknown> {
  const out = execFileSync(
    python(),
    [
      path.join(ROOT, 'scripts', 'i18n', 'catalog.py'),
      'compile',
      '--locale',
      'ru_RU',
      '--stdout'
    ],
    { encoding: 'utf8' }
  );
  return JSON.parse(out);
}

/**
 * The extension's bundle in a JupyterLab whose language is `locale`, with
 * `catalog` as the package's catalog.
 */
export async function bundleFor(
  catalog: Record<string, unknown>,
  locale = 'ru_RU'
): Promise<TranslationBundle> {
  const connector = {
    fetch: async () => ({
      data: { [DOMAIN]: catalog },
      message: ''
    }),
    list: async () => ({ ids: [], values: [] }),
    save: async () => undefined,
    remove: async () => undefined
  } as unknown as ITranslatorConnector;
  const manager = new TranslationManager('', undefined, undefined, connector);
  await manager.fetch(locale);
  return manager.load(DOMAIN);
}

let cached: Promise<TranslationBundle> | null = null;

/**
 * The Russian bundle (compiled once per test file).
 */
export function russian(): Promise<TranslationBundle> {
  cached ??= bundleFor(compiledCatalog());
  return cached;
}
