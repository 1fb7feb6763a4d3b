/** @jest-environment node */
import { parseTtl } from '../../emulator/src/ttl';

describe('emulator TTL grammar', () => {
  it.each([
    ['2h45m30s', 2 * 3600 + 45 * 60 + 30],
    ['90m', 5400],
    ['45s', 45],
    ['1h30s', 3630],
    ['1h', 3600],
    ['0h1s', 1],
    ['007m', 420]
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each([
    '',
    '0s',
    '0h0m0s',
    's',
    'h1',
    '1s1m',
    '1m1h',
    '1d',
    '1 h',
    '1h 2m',
    '1.5h',
    '+1h',
    '1H',
    '1'
  ])('refuses %p', text => {
    expect(parseTtl(text)).toBeNull();
  });

  it('refuses absurdly long input instead of parsing it', () => {
    expect(parseTtl(`${'9'.repeat(100)}s`)).toBeNull();
  });
});
