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
import { errorFromResponse } from '../src/api/response';
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

  it("shows the server's sentence in English, and a translated one in Russian, for a code or cause it does not know, or none", () => {
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
      // In Russian: a translated sentence, not the server's English.
      expect(describeServerMessage(message, russian)).toContain(
        'Серверная часть расширения сообщила о проблеме'
      );
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
    ).toContain('(файл нельзя перенести в другую файловую систему)');
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

/**
 * The platform-shaped errors the pipe and the library backend answer with:
 * status, `errorCode` and `errorParams.field` of each call site.
 */
function pipeErrors(): Array<[number, string, string]> {
  const found = new Map<string, [number, string, string]>();
  for (const match of serverSources().matchAll(
    /\b(?:PipeError|_Rejected|super\(\)\.__init__)\(\s*(\d{3}),\s*"([A-Za-z]+)",\s*(?:"([^"]*)"|[^,)]+)/g
  )) {
    const entry: [number, string, string] = [
      Number(match[1]),
      match[2],
      match[3] ?? ''
    ];
    found.set(entry.join(' '), entry);
  }
  return [...found.values()].sort((a, b) =>
    a.join(' ').localeCompare(b.join(' '))
  );
}

/** Latin words of a sentence outside quotes, names and settings. */
function latinWords(text: string): string[] {
  return (
    text
      .replace(/"[^"]*"|«[^»]*»/g, '')
      .replace(
        /\bc\.MLPlatformTokens\.\w+|mlplatform_client|MLPLATFORM_API_URL|ML Platform Tokens/g,
        ''
      )
      .match(/[A-Za-zА-Яа-яЁё]{4,}/g) ?? []
  ).filter(
    word =>
      /^[A-Za-z]+$/.test(word) &&
      !['JSON', 'ASCII', 'JupyterHub', 'Jupyter', 'HTTP', 'Platform'].includes(
        word
      )
  );
}

describe('errors of the pipe and the library backend', () => {
  const errors = pipeErrors();

  it('reads every call site: each names its status and code as literals', () => {
    const sites = [
      ...serverSources().matchAll(/\b(?:PipeError|_Rejected)\((?!Exception\))/g)
    ].length;
    const literal = [
      ...serverSources().matchAll(
        /\b(?:PipeError|_Rejected)\(\s*\d{3},\s*"[A-Za-z]+"/g
      )
    ].length;
    expect(literal).toBe(sites);
  });

  it('finds every code the pipe and the library send', () => {
    const codes = new Set(errors.map(([, code]) => code));
    for (const code of [
      'BadRequestException',
      'MethodNotAllowedException',
      'PayloadTooLarge',
      'ServiceUnavailableException',
      'NotFoundException',
      'ForbiddenException',
      'UnauthorizedException',
      'UpstreamNotConfigured',
      'UpstreamMisconfigured',
      'UpstreamTimeout',
      'UpstreamUnavailable',
      'UpstreamProtocolError',
      'UpstreamResponseTooLarge',
      'UpstreamLibraryMissing',
      'UpstreamLibraryUnsupported',
      'UpstreamCaBundleUnusable',
      'UpstreamCertificateUntrusted'
    ]) {
      expect(codes).toContain(code);
    }
  });

  let russian: Awaited<ReturnType<typeof bundleFor>>;
  beforeAll(async () => {
    russian = await bundleFor(compiledCatalog());
  });

  function errorOf(status: number, code: string, field: string) {
    return errorFromResponse(
      {
        status,
        text: JSON.stringify({
          status,
          errorCode: code,
          errorParams: { field, message: 'An English sentence of the pipe.' }
        })
      },
      []
    );
  }

  // The sentences for a code nobody worded.
  const GENERIC = [
    'refused the request (HTTP',
    'failed (HTTP',
    'The input is not valid',
    'is not valid:',
    'no longer exists on the platform'
  ];

  it.each(errors)(
    'words %i %s (%s) in its own sentence',
    (status, code, field) => {
      const english = describeError(errorOf(status, code, field), trans);
      for (const generic of GENERIC) {
        expect(english).not.toContain(generic);
      }
      expect(english).not.toContain('An English sentence');
      if (status === 405 || status === 413) {
        expect(english).not.toContain('does not understand');
      }
      const text = describeError(errorOf(status, code, field), russian);
      expect(text).not.toMatch(/%\d/);
      expect({ code, field, latin: latinWords(text) }).toEqual({
        code,
        field,
        latin: []
      });
    }
  );

  it('says that too many calls are under way on a 503 of the pipe', () => {
    const busy = describeError(
      errorOf(503, 'ServiceUnavailableException', 'upstream'),
      trans
    );
    expect(busy).toContain('too many');
  });

  it('names the library version when the server sends it', () => {
    const withVersion = errorFromResponse(
      {
        status: 502,
        text: JSON.stringify({
          status: 502,
          errorCode: 'UpstreamLibraryUnsupported',
          errorParams: { field: 'backend', library_version: '2.4.0' }
        })
      },
      []
    );
    expect(describeError(withVersion, trans)).toContain('2.4.0');
    expect(describeError(withVersion, russian)).toContain('2.4.0');
    // As the library backend sends it: `params` beside `errorParams`.
    const beside = errorFromResponse(
      {
        status: 502,
        text: JSON.stringify({
          status: 502,
          errorCode: 'UpstreamLibraryUnsupported',
          errorParams: { field: 'backend', message: 'English.' },
          params: { library_version: '2.5.1' }
        })
      },
      []
    );
    expect(describeError(beside, russian)).toContain('mlplatform_client 2.5.1');
    const without = errorOf(502, 'UpstreamLibraryUnsupported', 'backend');
    expect(describeError(without, russian)).not.toMatch(/%\d|undefined/);
  });
});

describe('failures of the Jupyter server without a code', () => {
  let russian: Awaited<ReturnType<typeof bundleFor>>;
  beforeAll(async () => {
    russian = await bundleFor(compiledCatalog());
  });

  it.each([
    [403, 'Forbidden', 'sign in again'],
    [401, 'Unauthorized', 'sign in again'],
    [404, 'Not Found', 'reload the page'],
    [500, 'Internal Server Error', 'try again later'],
    [502, 'Unexpected answer from the server (HTTP 502)', 'try again later'],
    [413, 'Payload Too Large', 'HTTP 413']
  ])('words HTTP %i by its status, without "%s"', (status, detail, said) => {
    const error = new ServerExtensionError(detail, status);
    expect(describeError(error, trans)).toContain(said);
    expect(describeError(error, trans)).not.toContain(detail);
    const text = describeError(error, russian);
    expect(text).not.toContain(detail);
    expect(latinWords(text)).toEqual([]);
  });

  it('words a code this page does not know in Russian too', () => {
    const error = new ServerExtensionError(
      FALLBACK,
      400,
      'from-a-newer-server'
    );
    expect(describeError(error, trans)).toBe(FALLBACK);
    expect(describeError(error, russian)).not.toBe(FALLBACK);
    expect(latinWords(describeError(error, russian))).toEqual([]);
  });
});

describe('no English inside a Russian sentence', () => {
  let russian: Awaited<ReturnType<typeof bundleFor>>;
  beforeAll(async () => {
    russian = await bundleFor(compiledCatalog());
  });

  it.each([
    'ENOENT',
    'EISDIR',
    'ENOTDIR',
    'ELOOP',
    'EMFILE',
    'ENFILE',
    'EIO',
    'EBUSY',
    'ETXTBSY',
    'ENAMETOOLONG',
    'EXDEV',
    'ESOMETHINGNEW',
    ''
  ])('words the system error %s', errno => {
    const text = describeServerMessage(
      {
        message: FALLBACK,
        code: 'save-failed',
        params: { path: '/v', errno, reason: 'Some English system text' }
      },
      russian
    );
    expect(text).not.toContain('Some English');
    expect(latinWords(text.replace(errno, ''))).toEqual([]);
  });

  it('words a file that is not a vault without the English detail', () => {
    const text = describeServerMessage(
      {
        message: FALLBACK,
        code: 'vault-set-aside',
        params: { ...PARAMS, cause: 'not-a-vault' }
      },
      russian
    );
    expect(text).not.toContain(PARAMS.detail);
    expect(
      latinWords(text.replace(PARAMS.moved_to, '').replace(PARAMS.name, ''))
    ).toEqual([]);
  });

  it('does not splice an unexpected error into the sentence', () => {
    const error = new TypeError('Cannot read properties of undefined');
    expect(describeError(error, trans)).not.toContain('Cannot read');
    expect(describeError(error, russian)).not.toContain('Cannot read');
  });

  it.each([
    [1, '1 токен'],
    [2, '2 токена'],
    [5, '5 токенов'],
    [21, '21 токен'],
    [22, '22 токена'],
    [25, '25 токенов']
  ])('says how many tokens a full vault keeps: %i', async (max, said) => {
    const text = describeServerMessage(
      { message: FALLBACK, code: 'vault-full', params: { max } },
      russian
    );
    expect(text).toMatch(new RegExp(`(^|\\D)${said}(\\s|[,.;])`));
  });
});

describe('a 400 of the platform about one field', () => {
  let russian: Awaited<ReturnType<typeof bundleFor>>;
  beforeAll(async () => {
    russian = await bundleFor(compiledCatalog());
  });

  const refused = (field: string) =>
    errorFromResponse(
      {
        status: 400,
        text: JSON.stringify({
          status: 400,
          errorCode: 'BadRequestException',
          errorParams: { field }
        })
      },
      []
    );

  it.each([
    'client_name',
    'access_ttl',
    'refresh_ttl',
    'token_type',
    'refresh_token',
    'register_token',
    'name',
    'label',
    'path',
    'body',
    'authorization',
    'a_field_of_a_newer_platform',
    ''
  ])('words the field %s in a translated sentence', field => {
    const english = describeError(refused(field), trans);
    expect(english).not.toContain('is not valid:');
    const text = describeError(refused(field), russian);
    expect(text).not.toContain('refused');
    expect(text).not.toMatch(/%\d/);
    expect(latinWords(text.replace(field, ''))).toEqual([]);
  });

  it('names the lifetime for a refused access_ttl', () => {
    expect(describeError(refused('access_ttl'), russian)).toContain(
      'время жизни'
    );
  });
});
