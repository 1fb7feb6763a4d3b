/**
 * The server part's messages reach the user in their language: every code
 * the server can send (read from its Python sources, so a new one cannot be
 * forgotten here) is worded by the frontend, with its parameters; an
 * unknown code shows the server's own sentence.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { nullTranslator } from '@jupyterlab/translation';

import { describeError, describeServerMessage } from '../src/messages';
import { ServerError } from '../src/api';
import { ServerExtensionError } from '../src/server/request';
import type { IServerMessage } from '../src/tokens';
import { bundleFor, compiledCatalog } from './i18n/russian';

const SERVER = path.resolve(__dirname, '..', 'jupyterlab_mlplatform_tokens');
const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');
const FALLBACK = '§ the server sentence §';

/**
 * The Python sources of the server part (not its tests).
 */
function serverSources(): string {
  return readdirSync(SERVER)
    .filter(name => name.endsWith('.py'))
    .map(name => readFileSync(path.join(SERVER, name), 'utf-8'))
    .join('\n');
}

/**
 * The codes the server sends: the first argument of each error or notice.
 */
function serverCodes(): string[] {
  const pattern =
    /\b(?:InputError|VaultError|VaultBusy|VaultFull|RecordNotFound|notice)\(\s*(?:"([a-z-]+)"|\s*"([a-z-]+)"\s*if [^)]*?else\s*"([a-z-]+)")/g;
  const codes = new Set<string>();
  for (const match of serverSources().matchAll(pattern)) {
    for (const code of match.slice(1)) {
      if (code) {
        codes.add(code);
      }
    }
  }
  codes.add('vault-set-aside');
  return [...codes].sort();
}

/**
 * Why a vault file is set aside: the causes `_set_aside` and
 * `CorruptVault` are given.
 */
function setAsideCauses(): string[] {
  const text = serverSources();
  const causes = new Set<string>();
  for (const match of text.matchAll(
    /_set_aside\(\s*(?:f?"[^"]*"|[^,]+),\s*"([a-z-]+)"/g
  )) {
    causes.add(match[1]);
  }
  for (const match of text.matchAll(
    /CorruptVault\(\s*f?"[^"]*",\s*"([a-z-]+)"/g
  )) {
    causes.add(match[1]);
  }
  for (const match of text.matchAll(/cause: str = "([a-z-]+)"/g)) {
    causes.add(match[1]);
  }
  return [...causes].sort();
}

const PARAMS = {
  path: '/home/dora/.local/share/jupyter/mlplatform_tokens/vault.json',
  moved_to:
    '/home/dora/.local/share/jupyter/mlplatform_tokens/vault.json.corrupt-1',
  name: 'vault.json',
  field: 'label',
  param: 'after',
  max: 100,
  max_kib: 64,
  errno: 'EACCES',
  reason: 'Permission denied',
  cause: 'not-json',
  detail: 'two tokens share an id',
  version: 2
};

describe('server messages', () => {
  const codes = serverCodes();
  const causes = setAsideCauses();

  it('finds the codes and causes in the server sources', () => {
    expect(codes).toEqual(
      expect.arrayContaining([
        'field-required',
        'token-not-found',
        'vault-busy',
        'vault-full',
        'save-failed',
        'token-already-saved',
        'field-not-text-or-empty',
        'field-not-timestamp-or-null'
      ])
    );
    expect(codes.length).toBeGreaterThan(35);
    expect(causes).toEqual(
      expect.arrayContaining([
        'unreadable',
        'not-regular',
        'too-large',
        'not-json',
        'newer-schema',
        'not-a-vault'
      ])
    );
  });

  // The add dialog words the outcome of a save itself.
  const worded = codes.filter(
    code => code !== 'token-saved' && code !== 'token-already-saved'
  );

  // The Russian catalog, as JupyterLab loads it.
  let russian: Awaited<ReturnType<typeof bundleFor>>;
  beforeAll(async () => {
    russian = await bundleFor(compiledCatalog());
  });

  it.each(worded)('words %s in the catalog, with its parameters', code => {
    const text = describeServerMessage(
      { message: FALLBACK, code, params: PARAMS },
      russian
    );
    expect(text).not.toBe(FALLBACK);
    expect(text).not.toMatch(/%\d/);
  });

  it.each(worded)("shows the server's own sentence for %s in English", code => {
    expect(
      describeServerMessage({ message: FALLBACK, code, params: PARAMS }, trans)
    ).toBe(FALLBACK);
  });

  it.each(setAsideCauses())('words the set-aside cause %s', cause => {
    const text = describeServerMessage(
      {
        message: FALLBACK,
        code: 'vault-set-aside',
        params: { ...PARAMS, cause }
      },
      russian
    );
    expect(text).not.toBe(FALLBACK);
    expect(text).toContain(PARAMS.moved_to);
  });

  it("shows the server's sentence for a code or cause it does not know, or none", () => {
    const messages: IServerMessage[] = [
      { message: FALLBACK, code: 'from-a-newer-server', params: {} },
      { message: FALLBACK },
      {
        message: FALLBACK,
        code: 'vault-set-aside',
        params: { cause: 'from-a-newer-server' }
      }
    ];
    for (const message of messages) {
      expect(describeServerMessage(message, trans)).toBe(FALLBACK);
      expect(describeServerMessage(message, russian)).toBe(FALLBACK);
    }
  });

  it('words the parameters: paths and limits as sent, system errors by name', () => {
    const saved = describeServerMessage(
      { message: FALLBACK, code: 'save-failed', params: PARAMS },
      russian
    );
    expect(saved).toContain(PARAMS.path);
    expect(saved).toContain('доступ запрещен');
    expect(
      describeServerMessage(
        {
          message: FALLBACK,
          code: 'save-failed',
          params: {
            path: '/v',
            errno: 'EXDEV',
            reason: 'Invalid cross-device link'
          }
        },
        russian
      )
    ).toContain('(Invalid cross-device link)');
  });

  it('is in Russian for every code when JupyterLab is', () => {
    for (const code of worded) {
      const text = describeServerMessage(
        { message: FALLBACK, code, params: PARAMS },
        russian
      );
      // Cyrillic words, not an English sentence (the parameters aside).
      const words = Object.values(PARAMS)
        .map(String)
        .sort((a, b) => b.length - a.length)
        .reduce<string>(
          (rest, value) => rest.split(String(value)).join(''),
          text
        )
        .replace(/"[^"]*"|«[^»]*»/g, '')
        .match(/[A-Za-zА-Яа-яЁё]{4,}/g);
      const latin = (words ?? []).filter(word => /^[A-Za-z]+$/.test(word));
      expect({ code, latin }).toEqual({
        code,
        latin: latin.filter(word =>
          ['JSON', 'ASCII', 'JupyterHub'].includes(word)
        )
      });
    }
    const error = new ServerExtensionError(FALLBACK, 503, 'vault-busy', {
      path: PARAMS.path
    });
    expect(describeError(error, russian)).toContain('другим процессом');
  });
});

describe('the library backend in words', () => {
  it('says the library is missing or answered oddly, with what to do', () => {
    const missing = new ServerError('x', {
      status: 503,
      code: 'UpstreamLibraryMissing'
    });
    expect(describeError(missing, trans)).toContain(
      'mlplatform_client) is not installed'
    );
    const odd = new ServerError('x', {
      status: 502,
      code: 'UpstreamLibraryUnsupported'
    });
    expect(describeError(odd, trans)).toContain('c.MLPlatformTokens.api_url');
    // A redemption that ended in an odd answer may have minted the token.
    expect(describeError(odd, trans, { token: 'registration' })).toContain(
      'could not be read'
    );
    expect(describeError(missing, trans, { token: 'registration' })).toContain(
      'is not installed'
    );
  });
});
