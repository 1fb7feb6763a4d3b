/**
 * Hostile inputs against the browser side: the validators, the kernel snippet
 * builder and the views that render labels and names. The corpus is
 * `security/hostile-inputs.json`, shared with the server's pytest suite
 * (`security/test_hostile_inputs.py`).
 */

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { ValidationError } from '../../src/api/errors';
import { parseTtl } from '../../src/api/ttl';
import {
  validateTokenName,
  validateTokenType,
  validateTokenValue,
  validateTtl
} from '../../src/api/validate';
import { buildSnippet, type SnippetLanguage } from '../../src/kernels/snippets';
import { VaultModel } from '../../src/vault/model';
import type { ISavedToken } from '../../src/vault/types';
import { SavedTokensSection } from '../../src/widgets/SavedTokensSection';

type Expected = 'rejected' | 'stored-as-typed' | 'n/a';

interface IHostile {
  field: 'value' | 'label' | 'name' | 'role' | 'expiry' | 'ttl';
  value: string;
  client: Expected;
  note: string;
}

interface ICorpusFile {
  sentinel: string;
  inputs: {
    field: IHostile['field'];
    value: string | { repeat: string; times: number };
    client: Expected;
    note: string;
  }[];
}

const CORPUS_FILE = path.join(
  __dirname,
  '..',
  '..',
  'security',
  'hostile-inputs.json'
);
const corpus = JSON.parse(fs.readFileSync(CORPUS_FILE, 'utf-8')) as ICorpusFile;
const SENTINEL = corpus.sentinel;
const INPUTS: IHostile[] = corpus.inputs.map(item => ({
  field: item.field,
  value:
    typeof item.value === 'string'
      ? item.value
      : item.value.repeat.repeat(item.value.times),
  client: item.client,
  note: item.note
}));
const LANGUAGES: SnippetLanguage[] = ['python', 'r', 'julia'];
const NAMES = ['MLP_REFRESH_TOKEN'];
const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

const counts = {
  inputs: INPUTS.length,
  checks: 0,
  rejectedWithMessage: 0,
  storedAsTyped: 0,
  executed: 0,
  renderedAsHtml: 0,
  rendered: 0
};

function hex(value: string): string {
  return Buffer.from(value, 'ascii').toString('hex');
}

/**
 * Run `check`; it must throw a ValidationError with a message that does not
 * repeat the input. Counts one rejection.
 */
function expectRejected(item: IHostile, check: () => unknown): void {
  let error: unknown = null;
  try {
    check();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const message = (error as ValidationError).message;
  expect(message.length).toBeGreaterThan(10);
  if (item.value.length >= 8) {
    expect(message).not.toContain(item.value);
  }
  counts.rejectedWithMessage++;
}

function byField(field: IHostile['field']): IHostile[] {
  return INPUTS.filter(item => item.field === field && item.client !== 'n/a');
}

function label(item: IHostile): string {
  return `${item.note} (${item.client})`;
}

describe('hostile token values', () => {
  const items = byField('value');
  const accepted = items.filter(item => item.client === 'stored-as-typed');

  it.each(items.map(item => [label(item), item] as const))(
    '%s: validator and snippet builder',
    (_, item) => {
      counts.checks++;
      if (item.client === 'rejected') {
        expectRejected(item, () =>
          validateTokenValue(item.value, 'refresh_token')
        );
        for (const language of LANGUAGES) {
          expect(() => buildSnippet(language, NAMES, item.value)).toThrow();
        }
        return;
      }
      expect(validateTokenValue(item.value, 'refresh_token')).toBe(item.value);
      for (const language of LANGUAGES) {
        const code = buildSnippet(language, NAMES, item.value);
        // Only the hex form of the value is in the code, never the value itself.
        expect(code).toContain(hex(item.value));
        expect(code).not.toContain(item.value);
      }
      counts.storedAsTyped++;
    }
  );

  it('sets exactly the value and runs none of it in a real Python', () => {
    fs.rmSync(SENTINEL, { force: true });
    const snippets = accepted.map(item => ({
      code: buildSnippet('python', NAMES, item.value),
      expected: item.value
    }));
    const runner = [
      'import json, os, sys',
      'cases = json.load(sys.stdin)',
      'ok = 0',
      'for case in cases:',
      '    os.environ.pop("MLP_REFRESH_TOKEN", None)',
      '    exec(compile(case["code"], "<snippet>", "exec"), {})',
      '    ok += os.environ.get("MLP_REFRESH_TOKEN") == case["expected"]',
      'print(ok)'
    ].join('\n');
    const run = spawnSync('python3', ['-c', runner], {
      input: JSON.stringify(snippets),
      encoding: 'utf-8',
      timeout: 60000
    });
    expect(run.stderr).toBe('');
    expect(Number(run.stdout.trim())).toBe(snippets.length);
    counts.executed += fs.existsSync(SENTINEL) ? 1 : 0;
    expect(fs.existsSync(SENTINEL)).toBe(false);
  });
});

describe('hostile names, roles and TTLs', () => {
  const cases: [string, IHostile, () => unknown][] = [
    ...byField('name').map(
      item =>
        [`name: ${label(item)}`, item, () => validateTokenName(item.value)] as [
          string,
          IHostile,
          () => unknown
        ]
    ),
    ...byField('role').map(
      item =>
        [`role: ${label(item)}`, item, () => validateTokenType(item.value)] as [
          string,
          IHostile,
          () => unknown
        ]
    ),
    ...byField('ttl').flatMap(item => [
      [
        `ttl (validateTtl): ${label(item)}`,
        item,
        () => validateTtl(item.value, 'refresh_ttl')
      ] as [string, IHostile, () => unknown],
      [
        `ttl (parseTtl): ${label(item)}`,
        item,
        () => parseTtl(item.value, { field: 'refresh_ttl' })
      ] as [string, IHostile, () => unknown]
    ])
  ];

  it.each(cases)('%s', (_, item, check) => {
    counts.checks++;
    if (item.client === 'rejected') {
      expectRejected(item, check);
      return;
    }
    const result = check();
    if (typeof result === 'string') {
      expect(result).toBe(item.value);
    }
    counts.storedAsTyped++;
  });
});

/**
 * A stand-in server holding `tokens`; only the vault listing is needed.
 */
function standIn(tokens: ISavedToken[]): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async () =>
      new Response(
        JSON.stringify({
          tokens,
          active_id: tokens.find(t => t.active)?.id ?? null
        }),
        { status: 200 }
      )
  });
}

function token(labelText: string, name: string): ISavedToken {
  return {
    id: 'a',
    label: labelText,
    fingerprint: '****abcd',
    name,
    role: 'USER',
    issuer: 'console',
    expires_at: null,
    added_at: '2026-01-01T00:00:00Z',
    verified_at: null,
    active: true
  };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

/**
 * Render one saved token in the panel's saved-tokens section; the tag names of
 * every element in it, and its text.
 */
async function render(
  labelText: string,
  name: string
): Promise<{ tags: string[]; text: string }> {
  const vault = new VaultModel({
    serverSettings: standIn([token(labelText, name)])
  });
  const section = new SavedTokensSection({
    vault,
    trans,
    actions: {
      add: () => undefined,
      redeem: () => undefined,
      activate: () => undefined,
      copy: () => undefined,
      reveal: async () => '',
      rename: () => undefined,
      remove: () => undefined
    }
  });
  Widget.attach(section, document.body);
  await vault.refresh();
  await flush();
  const tags = [...section.node.querySelectorAll('*')].map(e => e.tagName);
  const text = section.node.textContent ?? '';
  section.dispose();
  vault.dispose();
  return { tags, text };
}

describe('hostile labels and names in the saved-tokens view', () => {
  const items = INPUTS.filter(
    item => item.field === 'label' || item.field === 'name'
  );
  let baseline: string[] = [];

  beforeAll(async () => {
    baseline = (await render('Plain label', 'plain-name')).tags;
    expect(baseline.length).toBeGreaterThan(3);
  });

  it.each(items.map(item => [`${item.field}: ${item.note}`, item] as const))(
    '%s is shown as text, never as HTML',
    async (_, item) => {
      const shown =
        item.field === 'label'
          ? await render(item.value, 'plain-name')
          : await render('Plain label', item.value);
      counts.rendered++;
      const same =
        shown.tags.length === baseline.length &&
        shown.tags.every((tag, i) => tag === baseline[i]);
      counts.renderedAsHtml += same ? 0 : 1;
      expect(shown.tags).toEqual(baseline);
      // Exactly as typed: nothing decoded, substituted or dropped.
      expect(shown.text).toContain(item.value);
    }
  );
});

afterAll(() => {
  const rows: [string, number, string][] = [
    ['inputs in the corpus', counts.inputs, ''],
    ['validator and builder checks', counts.checks, ''],
    ['rejected with a message', counts.rejectedWithMessage, ''],
    ['accepted exactly as typed', counts.storedAsTyped, ''],
    ['executed', counts.executed, '0'],
    ['labels and names rendered', counts.rendered, ''],
    ['rendered as HTML', counts.renderedAsHtml, '0']
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(
    '\nHostile inputs, browser side\n' +
      rows
        .map(
          ([name, value, target]) =>
            `  ${name.padEnd(width)}  ${String(value).padStart(6)}  ${target}`
        )
        .join('\n') +
      '\n'
  );
});
