import { nullTranslator } from '@jupyterlab/translation';
import fc from 'fast-check';

import { describeExpiry } from '../src/time';
import { russian } from './i18n/russian';

const NOW = Date.parse('2025-03-05T10:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

function at(ms: number): string {
  return new Date(NOW + ms).toISOString();
}

const CASES: Array<[number, string, string]> = [
  [
    30 * SECOND,
    'expires in less than a minute',
    'истекает менее чем через минуту'
  ],
  [MINUTE, 'expires in 1 minute', 'истекает через 1 минуту'],
  [
    21 * MINUTE + 59 * SECOND,
    'expires in 21 minutes',
    'истекает через 21 минуту'
  ],
  [22 * MINUTE, 'expires in 22 minutes', 'истекает через 22 минуты'],
  [
    59 * MINUTE + 59 * SECOND,
    'expires in 59 minutes',
    'истекает через 59 минут'
  ],
  [HOUR, 'expires in 1 h', 'истекает через 1 ч'],
  [HOUR + MINUTE, 'expires in 1 h 1 min', 'истекает через 1 ч 1 мин'],
  [
    2 * HOUR + 45 * MINUTE + 30 * SECOND,
    'expires in 2 h 45 min',
    'истекает через 2 ч 45 мин'
  ],
  [
    21 * HOUR + 21 * MINUTE,
    'expires in 21 h 21 min',
    'истекает через 21 ч 21 мин'
  ],
  [DAY - SECOND, 'expires in 23 h 59 min', 'истекает через 23 ч 59 мин'],
  [DAY, 'expires in 1 d', 'истекает через 1 д'],
  [
    DAY + 5 * HOUR + 59 * MINUTE,
    'expires in 1 d 5 h',
    'истекает через 1 д 5 ч'
  ],
  [2 * DAY - SECOND, 'expires in 1 d 23 h', 'истекает через 1 д 23 ч'],
  [2 * DAY, 'expires in 2 days', 'истекает через 2 дня'],
  [5 * DAY + 23 * HOUR, 'expires in 5 days', 'истекает через 5 дней'],
  [21 * DAY, 'expires in 21 days', 'истекает через 21 день'],
  [22 * DAY, 'expires in 22 days', 'истекает через 22 дня'],
  [111 * DAY, 'expires in 111 days', 'истекает через 111 дней']
];

describe('describeExpiry', () => {
  it.each(CASES)('reads %i ms left as "%s" / "%s"', async (left, en, said) => {
    expect(describeExpiry(at(left), trans, NOW)).toBe(en);
    expect(describeExpiry(at(left), await russian(), NOW)).toBe(said);
  });

  it('says "never expires", "expired" and "unknown" in both languages', async () => {
    expect(describeExpiry(null, trans, NOW)).toBe('never expires');
    expect(describeExpiry(at(0), trans, NOW)).toBe('expired');
    const ru = await russian();
    expect(describeExpiry(null, ru, NOW)).toBe('действует бессрочно');
    expect(describeExpiry(at(-1), ru, NOW)).toMatch(/^истек/);
    expect(describeExpiry('soon', ru, NOW)).toBe('срок действия неизвестен');
  });

  /** The time a reading claims is left, in ms (its lower bound). */
  function claimed(text: string): number {
    if (text === 'expires in less than a minute') {
      return 0;
    }
    const units: Record<string, number> = {
      d: DAY,
      day: DAY,
      days: DAY,
      h: HOUR,
      min: MINUTE,
      minute: MINUTE,
      minutes: MINUTE
    };
    let total = 0;
    for (const [, n, unit] of text.matchAll(/(\d+) ([a-z]+)/g)) {
      expect(units).toHaveProperty(unit);
      total += Number(n) * units[unit];
    }
    return total;
  }

  it('never claims more time than is left, and at most one unit less', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 * DAY }), left => {
        const text = describeExpiry(at(left), trans, NOW);
        const said = claimed(text);
        expect(said).toBeLessThanOrEqual(left);
        // Two units below two days: off by less than the smaller one.
        const grain =
          left < HOUR
            ? MINUTE
            : left < DAY
              ? MINUTE
              : left < 2 * DAY
                ? HOUR
                : DAY;
        expect(left - said).toBeLessThan(grain);
      }),
      { numRuns: 2000 }
    );
  });
});
