/** @jest-environment node */

import * as fc from 'fast-check';

import {
  REGISTRATION_TTL_MAX_SECONDS,
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  TOKEN_NAME_MAX_LENGTH,
  TOKEN_NAME_PATTERN,
  TOKEN_TYPES,
  TOKEN_VALUE_MAX_LENGTH,
  validateTokenName,
  validateTokenType,
  validateTokenValue,
  validateTtl,
  ValidationError
} from '../../src/api';
import {
  contract,
  contractAcceptsName,
  type ISchema,
  NAME_EXAMPLES,
  nameCandidates,
  schemas
} from '../contract/schemas';

function failure(check: () => unknown): ValidationError {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('Expected a ValidationError');
}

describe('validateTokenName', () => {
  it.each(['a', 'alice', 'team-ml.admin_2', 'A'.repeat(64), '...', '0'])(
    'accepts %s',
    name => {
      expect(validateTokenName(name)).toBe(name);
    }
  );

  it.each([
    ['empty', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'my token'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'алиса'],
    ['a quote', "o'neil"],
    ['not a string', 42]
  ])('rejects %s with an actionable message', (_, name) => {
    const error = failure(() => validateTokenName(name, 'client_name'));
    expect(error.field).toBe('client_name');
    expect(error.message).toBe(
      "Name must be 1–64 characters of letters, digits, '.', '_' or '-'"
    );
  });
});

describe('validateTokenType', () => {
  it.each(['USER', 'ADMIN'])('accepts %s', role => {
    expect(validateTokenType(role)).toBe(role);
  });

  it.each(['user', 'Admin', 'OWNER', '', undefined])('rejects %p', role => {
    const error = failure(() => validateTokenType(role));
    expect(error.field).toBe('token_type');
    expect(error.message).toBe("Role must be 'USER' or 'ADMIN'");
  });
});

describe('validateTokenValue', () => {
  it('accepts printable ASCII without spaces', () => {
    const value = 'mlp_rt_!#$%&()*+,-./:;<=>?@[]^_`{|}~AZaz09';
    expect(validateTokenValue(value, 'refresh_token')).toBe(value);
    const longest = 'x'.repeat(TOKEN_VALUE_MAX_LENGTH);
    expect(validateTokenValue(longest, 'refresh_token')).toBe(longest);
  });

  it.each([
    ['empty', '', 'Token must not be empty'],
    ['not a string', null, 'Token must not be empty'],
    [
      'too long',
      'x'.repeat(TOKEN_VALUE_MAX_LENGTH + 1),
      `Token must be at most ${TOKEN_VALUE_MAX_LENGTH} characters`
    ],
    [
      'a space',
      'mlp_rt abc',
      'Token must be printable ASCII characters without spaces'
    ],
    [
      'a newline',
      'mlp_rt_abc\n',
      'Token must be printable ASCII characters without spaces'
    ],
    [
      'a tab',
      '\tmlp_rt_abc',
      'Token must be printable ASCII characters without spaces'
    ],
    [
      'a control character',
      'mlp\u0000rt',
      'Token must be printable ASCII characters without spaces'
    ],
    [
      'non-ASCII',
      'mlp_rt_é',
      'Token must be printable ASCII characters without spaces'
    ]
  ])('rejects %s', (_, value, message) => {
    const error = failure(() => validateTokenValue(value, 'register_token'));
    expect(error.field).toBe('register_token');
    expect(error.message).toBe(message);
  });

  it('never repeats the value in the error', () => {
    const value = 'mlp_rt_SECRET with space';
    const error = failure(() => validateTokenValue(value, 'refresh_token'));
    expect(JSON.stringify(error) + String(error)).not.toContain('SECRET');
  });
});

describe('validateTtl', () => {
  it('keeps text as given and formats seconds', () => {
    expect(validateTtl('90m', 'access_ttl')).toBe('90m');
    expect(validateTtl(9930, 'refresh_ttl')).toBe('2h45m30s');
  });

  it('applies each field its own bound', () => {
    expect(validateTtl('720h', 'access_ttl')).toBe('720h');
    expect(failure(() => validateTtl('721h', 'access_ttl')).field).toBe(
      'access_ttl'
    );
    expect(validateTtl('721h', 'refresh_ttl')).toBe('721h');
    expect(validateTtl(ACCESS_TOKEN_LIFETIME_MAX_SECONDS, 'refresh_ttl')).toBe(
      '87600h'
    );
    expect(
      failure(() =>
        validateTtl(ACCESS_TOKEN_LIFETIME_MAX_SECONDS + 1, 'refresh_ttl')
      ).field
    ).toBe('refresh_ttl');
  });

  it.each([0, -1, 1.5, NaN])('rejects %p seconds', seconds => {
    expect(failure(() => validateTtl(seconds, 'access_ttl')).field).toBe(
      'access_ttl'
    );
  });
});

/**
 * The parts of an OpenAPI schema object the client's checks correspond to.
 */

/**
 * Seconds of a TTL text the contract's pattern matches, summed here
 * independently of the client's parser.
 */
function contractSeconds(text: string): number {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, amount, letter] of text.matchAll(/(\d+)([hms])/g)) {
    total += Number(amount) * unit[letter];
  }
  return total;
}

function accepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return false;
  }
}

describe('limits', () => {
  // The client's constants must say what the contract says.
  const request = schemas.CreateRegisterTokenRequest.properties!;

  it('checks names with the contract TokenName schema', () => {
    const name = schemas.TokenName;
    expect(name.type).toBe('string');
    expect(TOKEN_NAME_PATTERN.source).toBe(name.pattern);
    expect(TOKEN_NAME_PATTERN.flags).toBe('');
    expect(TOKEN_NAME_MAX_LENGTH).toBe(name.maxLength);
    expect(name.minLength).toBe(1);
    // The fields the client checks as names are this schema.
    expect(request.client_name.$ref).toBe('#/components/schemas/TokenName');
    expect(
      contract.paths['/tokens/{name}'].delete.parameters!.find(
        parameter => parameter.name === 'name'
      )!.schema.$ref
    ).toBe('#/components/schemas/TokenName');
    // The bounds hold at their edges.
    expect(validateTokenName('a'.repeat(name.maxLength!))).toHaveLength(
      name.maxLength!
    );
    expect(
      accepts(() => validateTokenName('a'.repeat(name.maxLength! + 1)))
    ).toBe(false);
    expect(accepts(() => validateTokenName(''))).toBe(false);
  });

  it('accepts names exactly where the contract pattern and lengths do', () => {
    fc.assert(
      fc.property(nameCandidates, text => {
        expect([text, accepts(() => validateTokenName(text))]).toEqual([
          text,
          contractAcceptsName(text)
        ]);
      }),
      { examples: NAME_EXAMPLES }
    );
  });

  it('uses the contract roles', () => {
    expect([...TOKEN_TYPES]).toEqual(schemas.TokenType.enum);
    expect(request.token_type.$ref).toBe('#/components/schemas/TokenType');
    for (const role of schemas.TokenType.enum!) {
      expect(validateTokenType(role)).toBe(role);
    }
  });

  it('uses the TTL bounds the contract gives each field', () => {
    // Both fields are the Ttl schema; the bound is stated in each field's
    // own description as "at most … (`<n>h`)".
    expect(request.access_ttl.allOf).toEqual([
      { $ref: '#/components/schemas/Ttl' }
    ]);
    expect(request.refresh_ttl.anyOf).toEqual([
      { $ref: '#/components/schemas/Ttl' },
      { type: 'null' }
    ]);
    const bound = (field: ISchema): number => {
      const match = /at most [^(`]*\(`(\w+)`\)/.exec(field.description ?? '');
      expect(match).not.toBeNull();
      expect(new RegExp(schemas.Ttl.pattern!).test(match![1])).toBe(true);
      return contractSeconds(match![1]);
    };
    expect(REGISTRATION_TTL_MAX_SECONDS).toBe(bound(request.access_ttl));
    expect(ACCESS_TOKEN_LIFETIME_MAX_SECONDS).toBe(bound(request.refresh_ttl));
  });

  it('accepts the same TTL texts as the contract pattern', () => {
    const ttl = schemas.Ttl;
    expect(ttl.type).toBe('string');
    const contractPattern = new RegExp(ttl.pattern!);
    const samples = [
      '2h45m30s',
      '90m',
      '45s',
      '1h30s',
      '1h',
      '0s',
      '',
      'h',
      '1m1h',
      '1d',
      '1.5h',
      '2h 1m',
      '-1s'
    ];
    const contractSays = (text: string): boolean =>
      contractPattern.test(text) &&
      // Zero totals (no digit but 0) match the grammar but are refused by
      // its prose.
      /[1-9]/.test(text) &&
      contractSeconds(text) <= ACCESS_TOKEN_LIFETIME_MAX_SECONDS;
    for (const text of samples) {
      expect([text, accepts(() => validateTtl(text, 'refresh_ttl'))]).toEqual([
        text,
        contractSays(text)
      ]);
    }
    // Any text over the grammar's alphabet; well-formed texts of every size
    // (zero totals and totals past the bound included); and near misses:
    // one character inserted or replaced, parts out of order, upper case.
    const part = (letter: string) =>
      fc
        .option(fc.nat({ max: 400000 }), { nil: undefined })
        .map(n => (n === undefined ? '' : `${n}${letter}`));
    const parts = fc.tuple(part('h'), part('m'), part('s'));
    const wellFormed = parts.map(list => list.join(''));
    const stray = fc.constantFrom(...' \n\t.-+dHMShms0');
    const texts = fc.oneof(
      fc.string({
        unit: fc.constantFrom('0', '1', '7', '9', 'h', 'm', 's', 'd', ' '),
        maxLength: 12
      }),
      wellFormed,
      fc
        .tuple(wellFormed, fc.nat(), stray, fc.boolean())
        .map(([text, at, char, replace]) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + char + text.slice(replace ? i + 1 : i);
        }),
      parts
        .chain(list =>
          fc.shuffledSubarray(list, { minLength: 3, maxLength: 3 })
        )
        .map(list => list.join('')),
      wellFormed.map(text => text.toUpperCase())
    );
    fc.assert(
      fc.property(texts, text => {
        expect([text, accepts(() => validateTtl(text, 'refresh_ttl'))]).toEqual(
          [text, contractSays(text)]
        );
      }),
      { numRuns: 2000 }
    );
  });

  it('accepts token values of the contract minimum length and sets its own upper bound', () => {
    for (const [schema, field] of [
      ['RefreshRequest', 'refresh_token'],
      ['RedeemRequest', 'register_token']
    ] as const) {
      const value = schemas[schema].properties![field];
      expect(value.type).toBe('string');
      expect(value.minLength).toBe(1);
      expect(accepts(() => validateTokenValue('', field))).toBe(false);
      expect(validateTokenValue('x'.repeat(value.minLength!), field)).toBe('x');
      // The contract sets no upper bound; the client's own one
      // (TOKEN_VALUE_MAX_LENGTH) must be revisited if it ever does.
      expect(value.maxLength).toBeUndefined();
    }
  });
});
