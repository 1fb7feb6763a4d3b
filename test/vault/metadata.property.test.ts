/** @jest-environment node */

/**
 * Properties of the metadata the frontend sends to POST
 * /mlplatform-tokens/tokens (and POST .../verified) for any description the
 * platform could plausibly send — strings of any characters (unicode,
 * control characters, lone surrogates, very long), timestamps of any year
 * 0000–9999 with offsets and fractions, null, values of the wrong type —
 * judged by the server's own rules: the request bodies go through the
 * server extension's validators in a Python process.
 *
 * On a failure fast-check prints the seed and the shrunk counterexample.
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'child_process';
import fc from 'fast-check';
import * as path from 'path';
import { createInterface } from 'readline';

import { ServerExtensionError } from '../../src/server/request';
import {
  DEFAULT_TOKEN_NAME,
  expiryOf,
  metadataOf
} from '../../src/vault/metadata';
import { saveToken } from '../../src/vault/save';
import type { IAddResult, ITokenMetadata } from '../../src/vault/types';

const ROOT = path.resolve(__dirname, '../..');
const VALUE = 'mlp_rt_property-0123456789abcdef';

/**
 * The server's checks of POST /mlplatform-tokens/tokens, as its handler
 * runs them, and its reading of a timestamp. One JSON request per line.
 */
const CHECKER = `
import json, sys, unicodedata
from jupyterlab_mlplatform_tokens import validate as check
from jupyterlab_mlplatform_tokens.handlers import _ADD_FIELDS, _metadata

def unassigned(value):
    return isinstance(value, str) and any(unicodedata.category(c) == "Cn" for c in value)

for line in sys.stdin:
    request = json.loads(line)
    answer = {"ok": True, "error": None}
    try:
        if request["kind"] == "add":
            raw = json.loads(request["body"])
            answer["unassigned"] = unassigned(raw.get("name")) or unassigned(raw.get("issuer"))
            data = check.json_object(request["body"].encode("utf-8"), _ADD_FIELDS)
            check.token_value(check.required(data, "value"))
            metadata = _metadata(data)
            label = data.get("label")
            check.label(label) if label is not None else check.label(metadata.name[:100])
            check.boolean(data.get("activate", False), "activate")
        else:
            answer["value"] = check.timestamp(request["value"], "expires_at", nullable=True)
    except check.InputError as error:
        answer.update(ok=False, error=str(error))
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
`;

interface IVerdict {
  ok: boolean;
  error: string | null;
  unassigned?: boolean;
  value?: string | null;
}

/** The server's validators in a Python process, asked one line at a time. */
class Checker {
  constructor() {
    this._process = spawn(
      path.join(ROOT, '.venv/bin/python'),
      ['-c', CHECKER],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe']
      }
    );
    this._process.stderr.on('data', chunk => {
      this._stderr = (this._stderr + String(chunk)).slice(-4000);
    });
    createInterface({ input: this._process.stdout }).on('line', line => {
      this._waiting.shift()?.(JSON.parse(line) as IVerdict);
    });
    this._process.on('exit', () => {
      for (const waiting of this._waiting.splice(0)) {
        waiting({ ok: false, error: `checker exited: ${this._stderr}` });
      }
    });
  }

  /** The server's verdict on the body `VaultModel.add` sends. */
  add(metadata: ITokenMetadata, label?: string): Promise<IVerdict> {
    return this._ask({
      kind: 'add',
      body: JSON.stringify({ value: VALUE, ...metadata, label, activate: true })
    });
  }

  /** The server's reading of an `expires_at`: its UTC form, or refused. */
  timestamp(value: string): Promise<IVerdict> {
    return this._ask({ kind: 'timestamp', value });
  }

  close(): void {
    this._process.stdin.end();
  }

  private _ask(request: unknown): Promise<IVerdict> {
    return new Promise(resolve => {
      this._waiting.push(resolve);
      this._process.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  private _process: ChildProcessWithoutNullStreams;
  private _waiting: Array<(verdict: IVerdict) => void> = [];
  private _stderr = '';
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Any string: every code point, lone surrogates, controls, long ones. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 250, maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map(n => String.fromCharCode(n)),
    maxLength: 40
  }),
  fc.string({
    unit: fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\u0000',
      '\u007f',
      '\u0085',
      '\u00a0',
      '\u00ad',
      '\u200b',
      '\u2028',
      '\u202e',
      '\u3000',
      '\ufeff',
      '\ud800',
      '\udc00',
      '\ue000',
      '\uffff',
      'a',
      'Я',
      '😀'
    ),
    maxLength: 300
  }),
  fc.constantFrom('', ' ', '   ', 'a'.repeat(256), 'b'.repeat(257))
);

/** Timestamps as platforms write them, valid or nearly so, years 0000–9999. */
const timestamp = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,12}$/)),
    separator: fc.constantFrom('T', 't', ' '),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '', '+00:00', '-00:00'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 60 }),
          fc.constantFrom(':', '', 'none')
        )
        .map(([sign, h, m, style]) =>
          style === 'none'
            ? `${sign}${pad(h, 2)}`
            : `${sign}${pad(h, 2)}${style}${pad(m, 2)}`
        )
    )
  })
  .map(
    t =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}` +
      `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.fraction === null ? '' : `.${t.fraction}`}${t.zone}`
  );

/** Well-formed RFC 3339 date-times of any year 0001–9999, any offset and fraction. */
const rfc3339 = fc
  .record({
    moment: fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true
    }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 })
        )
        .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`)
    )
  })
  .map(({ moment, fraction, zone }) => {
    const text = moment.toISOString().slice(0, 19);
    return `${text}${fraction === null ? '' : `.${fraction}`}${zone}`;
  });

/** Anything as an `exp`. */
const anyExp = fc.oneof(
  fc.constant(null),
  timestamp,
  rfc3339,
  anyText,
  fc.double(),
  fc.integer(),
  fc.anything()
);

/** Anything as a role. */
const anyType = fc.oneof(
  fc.constantFrom('USER', 'ADMIN', 'user', ' Admin ', 'Administrator', 'OWNER'),
  anyText,
  fc.anything()
);

/** A field as the platform could send it: text most often, or anything. */
const field = fc.oneof(
  { weight: 4, arbitrary: anyText },
  { weight: 1, arbitrary: fc.anything() }
);

/** A description of a token: a TokenInfo-like object, or anything at all. */
const description = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        id: field,
        name: field,
        type: anyType,
        issuer_name: field,
        created_at: anyExp,
        exp: anyExp,
        extra: fc.anything()
      },
      { requiredKeys: [] }
    )
  },
  { weight: 1, arbitrary: fc.anything() }
);

const fallbackName = fc.option(anyText, { nil: undefined });

describe('metadata sent to the server vault', () => {
  let checker: Checker;

  beforeAll(() => {
    checker = new Checker();
  });

  afterAll(() => {
    checker.close();
  });

  it('judges by the rules of the server (the checker refuses what the server refuses)', async () => {
    const good: ITokenMetadata = {
      name: 'dora',
      role: 'USER',
      issuer: '',
      expires_at: null
    };
    expect(await checker.add(good)).toMatchObject({ ok: true });
    for (const bad of [
      { name: '' },
      { name: ' ' },
      { name: 'n'.repeat(257) },
      { name: 'a\u0000b' },
      { issuer: '\u00a0' },
      { role: 'OWNER' },
      { expires_at: '2030-02-30T00:00:00Z' },
      { expires_at: '0001-01-01T00:00:00+01:00' }
    ]) {
      expect(
        await checker.add({ ...good, ...bad } as ITokenMetadata)
      ).toMatchObject({ ok: false });
    }
    expect(await checker.timestamp('2030-01-31T12:00:00+01:00')).toEqual({
      ok: true,
      error: null,
      value: '2030-01-31T11:00:00Z'
    });
  });

  it('is accepted by the server, or its ASCII-only form is when the server does not know a character', async () => {
    await fc.assert(
      fc.asyncProperty(description, fallbackName, async (info, fallback) => {
        const metadata = metadataOf(info, { fallbackName: fallback });
        const verdict = await checker.add(metadata);
        const ascii = await checker.add(
          metadataOf(info, { fallbackName: fallback, asciiOnly: true })
        );
        expect(ascii).toMatchObject({ ok: true });
        // Only a character the browser's Unicode knows and the server's
        // does not (assigned lately, unassigned to it) may be refused.
        expect(verdict.ok || verdict.unassigned).toBe(true);
      }),
      { numRuns: 400 }
    );
  }, 60000);

  it('says the same as the server about every well-formed expiry', async () => {
    await fc.assert(
      fc.asyncProperty(rfc3339, async exp => {
        const server = await checker.timestamp(exp);
        const ours = expiryOf(exp);
        if (server.ok) {
          // The same moment, to the second, as the server reads it.
          expect(ours).toBe(server.value);
        } else {
          // Beyond the years 1–9999 once in UTC: kept as the nearest end.
          expect(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z']).toContain(
            ours
          );
        }
      }),
      { numRuns: 400 }
    );
  }, 60000);

  it('keeps a timestamp the server reads as the server reads it, and anything else as null or in range', async () => {
    await fc.assert(
      fc.asyncProperty(timestamp, async exp => {
        const server = await checker.timestamp(exp);
        const ours = expiryOf(exp);
        if (server.ok) {
          expect(ours).toBe(server.value);
        } else if (ours !== null) {
          expect(await checker.timestamp(ours)).toMatchObject({ ok: true });
        }
      }),
      { numRuns: 400 }
    );
  }, 60000);

  it('gives a saved token whatever the description, through the save of the add and redeem flows', async () => {
    // A vault that answers as the server would: 400 with its sentence when
    // the body breaks its rules.
    const vault = {
      add: async (
        value: string,
        metadata: ITokenMetadata,
        options: { label?: string }
      ): Promise<IAddResult> => {
        const verdict = await checker.add(metadata, options.label);
        if (!verdict.ok) {
          throw new ServerExtensionError(verdict.error ?? '', 400);
        }
        return { created: true, metadata } as unknown as IAddResult;
      }
    };
    await fc.assert(
      fc.asyncProperty(description, fallbackName, async (info, fallback) => {
        const result = await saveToken(vault, VALUE, info, {
          activate: true,
          fallbackName: fallback,
          sleep: async () => undefined
        });
        const kept = (result as unknown as { metadata: ITokenMetadata })
          .metadata;
        expect(kept.name.length).toBeGreaterThan(0);
        expect(['USER', 'ADMIN']).toContain(kept.role);
      }),
      { numRuns: 300 }
    );
  }, 60000);

  it('keeps what a well-formed description says', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        fc.constantFrom('USER', 'ADMIN'),
        fc.stringMatching(/^[ -~]{0,80}$/),
        fc.option(rfc3339),
        (name, type, issuer, exp) => {
          const metadata = metadataOf({
            id: 'x',
            name,
            type,
            issuer_name: issuer,
            created_at: '2026-01-01T00:00:00Z',
            exp
          });
          expect(metadata.name).toBe(name);
          expect(metadata.role).toBe(type);
          expect(metadata.issuer).toBe(issuer.trim());
          expect(metadata.expires_at === null).toBe(exp === null);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('falls back to a name when there is none to keep', () => {
    expect(metadataOf(null).name).toBe(DEFAULT_TOKEN_NAME);
    expect(metadataOf({ name: ' \u200b\n' }).name).toBe(DEFAULT_TOKEN_NAME);
    expect(
      metadataOf({ name: 42 }, { fallbackName: 'Redeemed access token' }).name
    ).toBe('Redeemed access token');
    expect(metadataOf({ name: 'Иван' }, { asciiOnly: true }).name).toBe(
      DEFAULT_TOKEN_NAME
    );
  });
});
