import { nullTranslator } from '@jupyterlab/translation';

import {
  formatTtlHuman,
  PermissionDeniedError,
  TokenRejectedError,
  ValidationError
} from '../../src/api';
import { describeError } from '../../src/messages';
import { describeRole } from '../../src/roles';
import { describeExpiry, formatCount, formatDateTime } from '../../src/time';
import { checkDraft, EMPTY_DRAFT, ttlUnits } from '../../src/project/draft';
import { ShowOnceClipboard } from '../../src/clipboard';
import {
  invitationMessage,
  ShowOnceBody
} from '../../src/widgets/dialogs/ShowOnceDialog';
import { bundleFor, compiledCatalog, russian } from './russian';

const NOW = Date.parse('2025-03-05T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function inFuture(ms: number): string {
  return new Date(NOW + ms + 1000).toISOString();
}

afterEach(() => {
  document.documentElement.lang = '';
});

describe('Russian plural forms', () => {
  // 1 and 21: form 0; 2 and 22: form 1; 5, 11 and 25: form 2.
  const days: Array<[number, string]> = [
    [2, 'истекает через 2 дня'],
    [5, 'истекает через 5 дней'],
    [11, 'истекает через 11 дней'],
    [21, 'истекает через 21 день'],
    [22, 'истекает через 22 дня'],
    [25, 'истекает через 25 дней']
  ];
  it.each(days)('%i days', async (n, expected) => {
    const trans = await russian();
    expect(describeExpiry(inFuture(n * DAY), trans, NOW)).toBe(expected);
  });

  // Below two days: two short units, «ч» and «мин» (no plural forms).
  const hours: Array<[number, string]> = [
    [2, 'истекает через 2 ч'],
    [5, 'истекает через 5 ч'],
    [11, 'истекает через 11 ч'],
    [21, 'истекает через 21 ч'],
    [22, 'истекает через 22 ч']
  ];
  it.each(hours)('%i hours', async (n, expected) => {
    const trans = await russian();
    expect(describeExpiry(inFuture(n * HOUR), trans, NOW)).toBe(expected);
  });

  it('reads 2 h 45 min as «истекает через 2 ч 45 мин»', async () => {
    const trans = await russian();
    expect(describeExpiry(inFuture(2 * HOUR + 45 * MINUTE), trans, NOW)).toBe(
      'истекает через 2 ч 45 мин'
    );
  });

  const minutes: Array<[number, string]> = [
    [1, 'истекает через 1 минуту'],
    [2, 'истекает через 2 минуты'],
    [5, 'истекает через 5 минут'],
    [11, 'истекает через 11 минут'],
    [21, 'истекает через 21 минуту'],
    [22, 'истекает через 22 минуты'],
    [25, 'истекает через 25 минут']
  ];
  it.each(minutes)('%i minutes', async (n, expected) => {
    const trans = await russian();
    expect(describeExpiry(inFuture(n * MINUTE), trans, NOW)).toBe(expected);
  });

  const tokens: Array<[number, string]> = [
    [1, '1 токен доступа.'],
    [2, '2 токена доступа.'],
    [5, '5 токенов доступа.'],
    [11, '11 токенов доступа.'],
    [21, '21 токен доступа.'],
    [22, '22 токена доступа.'],
    [25, '25 токенов доступа.']
  ];
  it.each(tokens)('%i access tokens', async (n, expected) => {
    const trans = await russian();
    expect(
      trans._n('%2 access token.', '%2 access tokens.', n, String(n))
    ).toBe(expected);
  });

  const seconds: Array<[number, string]> = [
    [1, 'через 1 секунду.'],
    [2, 'через 2 секунды.'],
    [5, 'через 5 секунд.'],
    [11, 'через 11 секунд.'],
    [21, 'через 21 секунду.'],
    [22, 'через 22 секунды.'],
    [25, 'через 25 секунд.']
  ];
  it.each(seconds)('the clipboard is cleared in %i seconds', async (n, end) => {
    const trans = await russian();
    const text = trans._n(
      'Copied "%2". The clipboard is cleared in %1 second.',
      'Copied "%2". The clipboard is cleared in %1 seconds.',
      n,
      'личный'
    );
    expect(text).toBe(
      `Токен «личный» скопирован. Буфер обмена будет очищен ${end}`
    );
  });

  it('removing 1, 2, 5, 11, 21, 22 and 25 tokens', async () => {
    const trans = await russian();
    const said = [1, 2, 5, 11, 21, 22, 25].map(
      n =>
        trans
          ._n(
            '%1 token is removed from this server and your kernels lose the variable. The tokens stay valid on the platform.',
            '%1 tokens are removed from this server and your kernels lose the variable. The tokens stay valid on the platform.',
            n
          )
          .split(' с этого')[0]
    );
    expect(said).toEqual([
      '1 токен будет удален',
      '2 токена будут удалены',
      '5 токенов будут удалены',
      '11 токенов будут удалены',
      '21 токен будет удален',
      '22 токена будут удалены',
      '25 токенов будут удалены'
    ]);
  });
});

describe('Russian readings of expiries', () => {
  it('says a token never expires, has expired, or has no readable expiry', async () => {
    const trans = await russian();
    expect(describeExpiry(null, trans, NOW)).toBe('действует бессрочно');
    expect(describeExpiry(new Date(NOW - 1).toISOString(), trans, NOW)).toBe(
      'истек'
    );
    expect(describeExpiry('soon', trans, NOW)).toBe('срок действия неизвестен');
  });

  it('names the roles as the vendor does', async () => {
    const trans = await russian();
    expect(describeRole('USER', trans)).toBe('Пользователь');
    expect(describeRole('ADMIN', trans)).toBe('Администратор');
  });

  it('writes dates and counts in the language JupyterLab shows', () => {
    document.documentElement.lang = 'ru-RU';
    expect(formatDateTime('2025-03-05T10:00:00Z')).toMatch(/мар\. 2025 г\./);
    expect(formatCount(5000)).toBe('5\u00a0000');
    expect(formatDateTime('not a date')).toBe('not a date');
    document.documentElement.lang = 'en-US';
    expect(formatCount(5000)).toBe('5,000');
  });
});

describe('Russian readings of TTLs', () => {
  it('reads the platform grammar with Russian units', async () => {
    const trans = await russian();
    const units = ttlUnits(trans);
    expect(formatTtlHuman(9930, units)).toBe('2 ч 45 мин 30 с');
    expect(formatTtlHuman(5400, units)).toBe('1 ч 30 мин');
    expect(formatTtlHuman(45, units)).toBe('45 с');
    expect(formatTtlHuman(720 * 3600, units)).toBe('720 ч');
  });

  it('shows the Russian reading of what is typed in the form', async () => {
    const trans = await russian();
    const check = checkDraft(
      {
        ...EMPTY_DRAFT,
        name: 'alice',
        accessTtl: '2h45m30s',
        neverExpires: false,
        refreshTtl: '90m'
      },
      trans
    );
    expect(check.accessTtlPreview).toBe('2 ч 45 мин 30 с');
    expect(check.refreshTtlPreview).toBe('1 ч 30 мин');
    expect(check.request).not.toBeNull();
  });

  it('says in Russian what is wrong with a TTL or a name', async () => {
    const trans = await russian();
    const check = checkDraft(
      { ...EMPTY_DRAFT, name: 'a b', accessTtl: '30m2h' },
      trans
    );
    expect(check.accessTtlError).toBe(
      'Время жизни записывается как 2h45m30s, 90m или 45s: часы, минуты и секунды именно в таком порядке.'
    );
    expect(check.nameError).toMatch(/^Имя должно состоять из 1–64 символов/);
    expect(
      checkDraft({ ...EMPTY_DRAFT, accessTtl: '0s' }, trans)
    ).toMatchObject({ accessTtlError: 'Время жизни должно быть больше нуля.' });
  });

  it('counts down the show-once dialog in Russian', async () => {
    const trans = await russian();
    const guard = new ShowOnceClipboard({ clearAfterSeconds: 0 });
    const body = new ShowOnceBody({
      value: 'reg_value_1234',
      facts: {
        client_name: 'alice',
        token_type: 'USER',
        expires_at: new Date(NOW + 9930 * 1000).toISOString(),
        refresh_ttl: '2h'
      },
      trans,
      clipboard: guard,
      now: () => NOW
    });
    expect(
      body.node.querySelector('.jp-mlpTokens-countdown')?.textContent
    ).toBe('Действует еще 2 ч 45 мин 30 с');
    body.dispose();
    guard.dispose();
  });

  it('writes the message for the colleague in Russian', async () => {
    const trans = await russian();
    document.documentElement.lang = 'ru-RU';
    const text = invitationMessage(
      'reg_value_1234',
      {
        client_name: 'alice',
        token_type: 'ADMIN',
        expires_at: '2025-03-06T10:00:00Z',
        refresh_ttl: '2h45m30s'
      },
      trans
    );
    expect(text).toContain(
      'По нему создается ваш токен доступа «alice» (роль: Администратор). Он истекает через 2 ч 45 мин 30 с после обмена.'
    );
    expect(text).toMatch(/Обменяйте его до 6 мар\. 2025 г\./);
  });
});

describe('Russian error sentences', () => {
  it('tells an expired token from a missing role, in the vendor terms', async () => {
    const trans = await russian();
    expect(describeError(new TokenRejectedError('Forbidden'), trans)).toBe(
      'Срок действия этого токена истек, или токен удален — добавьте новый.'
    );
    expect(
      describeError(new PermissionDeniedError([]), trans, {
        action: trans.__('creating registration tokens')
      })
    ).toBe(
      'У вашего токена роль «Пользователь»; для создания регистрационных токенов нужен токен с ролью «Администратор».'
    );
    expect(
      describeError(
        new ValidationError('bad', { field: 'x', code: 'InvalidRole' }),
        trans
      )
    ).toBe('Выберите роль «Пользователь» или «Администратор».');
  });
});

describe('what JupyterLab does with the catalog', () => {
  it('falls back to English for a language without a catalog', async () => {
    const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');
    expect(describeExpiry(null, trans, NOW)).toBe('never expires');
  });

  it('ignores a catalog whose header spells the language ru_RU', async () => {
    const catalog = compiledCatalog();
    const header = catalog[''] as Record<string, string>;
    const wrong = await bundleFor({
      ...catalog,
      '': { ...header, language: 'ru_RU' }
    });
    expect(wrong.__('Cancel')).toBe('Cancel');
    const right = await bundleFor(catalog);
    expect(right.__('Cancel')).toBe('Отмена');
  });
});
