/** @jest-environment node */

import {
  REGISTRATION_TTL_MAX_SECONDS,
  formatTtl,
  formatTtlHuman,
  parseTtl,
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  splitTtl,
  TtlErrorCode,
  ValidationError
} from '../../src/api';

function parseError(text: unknown, maxSeconds?: number): ValidationError {
  try {
    parseTtl(text as string, { field: 'access_ttl', maxSeconds });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`parseTtl accepted ${JSON.stringify(text)}`);
}

describe('parseTtl', () => {
  it.each([
    ['2h45m30s', 9930],
    ['90m', 5400],
    ['45s', 45],
    ['1h', 3600],
    ['1h30s', 3630],
    ['10m5s', 605],
    ['0h0m1s', 1],
    ['05m', 300],
    ['87600h', ACCESS_TOKEN_LIFETIME_MAX_SECONDS]
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each([
    ['empty', ''],
    ['unit only', 'h'],
    ['number without unit', '45'],
    ['wrong order', '30s2h'],
    ['minutes before hours', '5m1h'],
    ['repeated unit', '1h1h'],
    ['negative', '-5m'],
    ['sign', '+5m'],
    ['decimal', '1.5h'],
    ['inner space', '2h 30m'],
    ['leading space', ' 2h'],
    ['trailing newline', '2h\n'],
    ['days', '1d'],
    ['weeks', '1w'],
    ['milliseconds', '10ms'],
    ['upper-case unit', '2H'],
    ['words', 'two hours'],
    ['not a string', 90]
  ])('rejects %s', (_, text) => {
    const error = parseError(text);
    expect(error.code).toBe(TtlErrorCode.syntax);
    expect(error.field).toBe('access_ttl');
    expect(error.message).toBe('Lifetime must look like 2h45m30s, 90m or 45s');
  });

  it.each(['0s', '0m', '0h', '0h0m0s', '00s'])(
    'rejects the zero total %s',
    text => {
      const error = parseError(text);
      expect(error.code).toBe(TtlErrorCode.zero);
      expect(error.message).toBe('Lifetime must be longer than zero');
    }
  );

  it.each([
    ['one second over the longest lifetime', '87600h1s', undefined],
    ['a huge number', '99999999999999999999h', undefined],
    ['beyond a field bound', '720h1s', REGISTRATION_TTL_MAX_SECONDS]
  ])('rejects %s as too long', (_, text, max) => {
    const error = parseError(text, max);
    expect(error.code).toBe(TtlErrorCode.tooLong);
    expect(error.message).toBe(
      `Lifetime must be at most ${formatTtl(max ?? ACCESS_TOKEN_LIFETIME_MAX_SECONDS)}`
    );
  });

  it('accepts exactly the field bound', () => {
    expect(parseTtl('720h', { maxSeconds: REGISTRATION_TTL_MAX_SECONDS })).toBe(
      REGISTRATION_TTL_MAX_SECONDS
    );
  });
});

describe('formatTtl', () => {
  it.each([
    [9930, '2h45m30s'],
    [5400, '1h30m'],
    [3600, '1h'],
    [3630, '1h30s'],
    [45, '45s'],
    [60, '1m'],
    [0, '0s'],
    [REGISTRATION_TTL_MAX_SECONDS, '720h']
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(formatTtl(seconds)).toBe(text);
  });

  it('round-trips with parseTtl', () => {
    const samples = [1, 59, 60, 61, 3599, 3600, 3601, 9930, 86399, 86400];
    for (let n = 1; n < 4000; n += 37) {
      samples.push(n, n * 97);
    }
    samples.push(
      REGISTRATION_TTL_MAX_SECONDS,
      ACCESS_TOKEN_LIFETIME_MAX_SECONDS
    );
    for (const n of samples) {
      expect(parseTtl(formatTtl(n))).toBe(n);
    }
  });

  it('is canonical: parse then format gives the compact form', () => {
    expect(formatTtl(parseTtl('90m'))).toBe('1h30m');
    expect(formatTtl(parseTtl('0h0m75s'))).toBe('1m15s');
  });

  it.each([-1, 1.5, NaN, Infinity])('rejects %p seconds', seconds => {
    expect(() => formatTtl(seconds)).toThrow(ValidationError);
  });
});

describe('formatTtlHuman', () => {
  it.each([
    [9930, '2 h 45 min 30 s'],
    [5400, '1 h 30 min'],
    [3630, '1 h 30 s'],
    [45, '45 s'],
    [0, '0 s']
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(formatTtlHuman(seconds)).toBe(text);
  });

  it('uses the given (translated) unit labels', () => {
    expect(
      formatTtlHuman(9930, { hours: 'ч', minutes: 'мин', seconds: 'с' })
    ).toBe('2 ч 45 мин 30 с');
    expect(formatTtlHuman(0, { seconds: 'сек' })).toBe('0 сек');
  });

  it('agrees with splitTtl and parseTtl', () => {
    expect(splitTtl(parseTtl('2h45m30s'))).toEqual({
      hours: 2,
      minutes: 45,
      seconds: 30
    });
  });

  it('rejects negative seconds', () => {
    expect(() => formatTtlHuman(-5)).toThrow(ValidationError);
  });
});
