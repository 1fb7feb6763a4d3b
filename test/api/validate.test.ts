/** @jest-environment node */

import { readFileSync } from 'fs';
import { join } from 'path';

import {
  ACCESS_TTL_MAX_SECONDS,
  REFRESH_TTL_MAX_SECONDS,
  TOKEN_NAME_PATTERN,
  TOKEN_TYPES,
  TOKEN_VALUE_MAX_LENGTH,
  validateTokenName,
  validateTokenType,
  validateTokenValue,
  validateTtl,
  ValidationError
} from '../../src/api';

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
    expect(validateTtl(REFRESH_TTL_MAX_SECONDS, 'refresh_ttl')).toBe('87600h');
    expect(
      failure(() => validateTtl(REFRESH_TTL_MAX_SECONDS + 1, 'refresh_ttl'))
        .field
    ).toBe('refresh_ttl');
  });

  it.each([0, -1, 1.5, NaN])('rejects %p seconds', seconds => {
    expect(failure(() => validateTtl(seconds, 'access_ttl')).field).toBe(
      'access_ttl'
    );
  });
});

describe('limits', () => {
  // The constants must say what the contract says.
  const contract = readFileSync(
    join(__dirname, '..', '..', 'api', 'openapi.yaml'),
    'utf8'
  );

  it('uses the contract name pattern', () => {
    expect(contract).toContain(`pattern: '${TOKEN_NAME_PATTERN.source}'`);
  });

  it('uses the contract roles', () => {
    expect(contract).toContain(`enum: [${TOKEN_TYPES.join(', ')}]`);
  });

  it('uses the contract TTL bounds', () => {
    expect(contract).toContain(`(\`${ACCESS_TTL_MAX_SECONDS / 3600}h\``);
    expect(contract).toContain(`(\`${REFRESH_TTL_MAX_SECONDS / 3600}h\``);
  });

  it('accepts the same TTL texts as the contract pattern', () => {
    const match = /Ttl:\s*\n\s*type: string\s*\n\s*pattern: '([^']+)'/.exec(
      contract
    );
    expect(match).not.toBeNull();
    const contractPattern = new RegExp(match![1]);
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
    for (const text of samples) {
      let ours: boolean;
      try {
        validateTtl(text, 'refresh_ttl');
        ours = true;
      } catch {
        ours = false;
      }
      // Zero totals match the contract's grammar but are refused by its prose.
      const zero = /^(0+[hms])+$/.test(text);
      expect([text, ours]).toEqual([text, contractPattern.test(text) && !zero]);
    }
  });
});
