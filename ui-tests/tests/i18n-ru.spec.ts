import { spawn, spawnSync } from 'child_process';

import { galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { APIRequestContext, Locator, Page } from '@playwright/test';

import { expect, test } from './fixtures';
import {
  createRegistrationToken,
  EMULATOR_URL,
  IMinted,
  mintToken,
  saveToken
} from './platform';

/**
 * The journeys in Russian: JupyterLab with the Russian language pack and the
 * language set to ru_RU in the settings of
 * `@jupyterlab/translation-extension:plugin`. Every text of the panel, its
 * dialogs, notifications and the status bar item is Russian; what is left
 * in Latin letters is names and values (see `englishIn`).
 */

const PANEL = '#jp-mlpTokens-panel';
const PROJECT = '#jp-mlpTokens-projectTokens';
const REGISTRATION = '#jp-mlpTokens-registrationTokens';
const DIALOG = '.jp-Dialog';
const STATUS = '.jp-mlpTokens-statusItem';

test.use({
  // Tall enough for the whole panel to show without scrolling.
  viewport: { width: 1280, height: 1500 },
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/translation-extension:plugin': { locale: 'ru_RU' }
  },
  // Galata waits for the tab named "Launcher"; in Russian it is "Лаунчер".
  waitForApplication: async ({ baseURL }, use) => {
    await use(async (page, helpers) => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      await helpers.waitForCondition(() =>
        helpers.activity.isTabActive('Лаунчер')
      );
    });
  }
});

/**
 * Words that stay in Latin letters in a Russian UI: product names,
 * abbreviations, variable and setting names, and TTLs in the platform's
 * grammar. Token names and labels of a test are added per check.
 */
const KEPT = new Set([
  'API',
  'ASCII',
  'Cloud',
  'HTTP',
  'Jupyter',
  'JupyterHub',
  'JSON',
  'JupyterLab',
  'ML',
  'MLP_REFRESH_TOKEN',
  'Platform',
  'URL',
  'VK',
  'emulator',
  'python3',
  'python',
  // «токен доступа (он же refresh-токен)», as the vendor says.
  'refresh'
]);

/**
 * The Latin words of `text` that are not names or values: an English
 * sentence left untranslated shows up here.
 */
function englishIn(text: string, names: string[] = []): string[] {
  const kept = new Set([...KEPT, ...names]);
  const cleaned = text
    .replace(/https?:\/\/\S+/g, ' ')
    // File paths (the vault's, its set-aside copy) are names too.
    .replace(/(?<![\w/])\/[^\s«»"',;)]+/g, ' ')
    .replace(/\*{4}\S+/g, ' ')
    .replace(/\b\d+h(\d+m)?(\d+s)?\b|\b\d+[ms]\b/g, ' ');
  const words = cleaned.match(/[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z]/g);
  return (words ?? []).filter(word => !kept.has(word));
}

/**
 * The texts of `root` (every text node, as written, not as styled) and, with
 * `attributes`, the names people hear or hover: aria-label, title and
 * placeholder of `root` and everything inside it.
 */
async function visibleWords(root: Locator, attributes = true): Promise<string> {
  return root.evaluateAll(
    (nodes, withAttributes) =>
      nodes
        .flatMap(node => {
          const texts: string[] = [];
          const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
          for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            texts.push(text.textContent ?? '');
          }
          if (withAttributes) {
            const element = node as HTMLElement;
            for (const child of [
              element,
              ...Array.from(element.querySelectorAll('*'))
            ]) {
              for (const name of ['aria-label', 'title', 'placeholder']) {
                texts.push(child.getAttribute(name) ?? '');
              }
            }
          }
          return texts;
        })
        .join('\n'),
    attributes
  );
}

/** Expect no untranslated English in `root` (names and values aside). */
async function expectRussian(
  root: Locator,
  names: string[] = [],
  attributes = true
) {
  const text = await visibleWords(root, attributes);
  expect(text).toMatch(/[а-яё]/i);
  expect(englishIn(text, names), text).toEqual([]);
}

async function reset(
  request: APIRequestContext,
  baseURL: string
): Promise<void> {
  expect((await request.post(`${EMULATOR_URL}/_emulator/reset`)).status()).toBe(
    204
  );
  const api = `${baseURL}/mlplatform-tokens`;
  const state = await (await request.get(`${api}/tokens`)).json();
  for (const token of state.tokens as { id: string }[]) {
    expect((await request.delete(`${api}/tokens/${token.id}`)).ok()).toBe(true);
  }
  const notes = await (await request.get(`${api}/invitations`)).json();
  for (const note of notes.invitations as { id: string }[]) {
    expect((await request.delete(`${api}/invitations/${note.id}`)).ok()).toBe(
      true
    );
  }
}

async function openPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.goto();
  await page
    .locator(
      '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-mlpTokens-panel"]'
    )
    .click();
  const panel = page.locator(PANEL);
  await expect(panel).toBeVisible();
  return panel;
}

async function pasteInto(page: Page, value: string, button: string) {
  const dialog = page.locator(DIALOG);
  await expect(dialog.locator('input[name="mlp-paste"]')).toBeFocused();
  await dialog.locator('input[name="mlp-paste"]').fill(value);
  await dialog.getByRole('button', { name: button, exact: true }).click();
}

/** The toast of that kind that says `text`. */
function toast(page: Page, kind: string, text: string | RegExp): Locator {
  return page
    .locator(`.jp-Notification-Toast-${kind}`)
    .filter({ hasText: text });
}

test.beforeEach(async ({ request, baseURL }) => {
  await reset(request, baseURL!);
});

test.describe('JupyterLab in Russian', () => {
  test('the page, the panel and the status bar speak Russian', async ({
    page
  }) => {
    const panel = await openPanel(page);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(
      'ru-RU'
    );
    await expect(panel).toHaveAttribute('aria-label', 'Токены ML Platform');
    await expect(panel.locator('.jp-mlpTokens-title')).toHaveText(
      'Токены ML Platform'
    );
    await expect(panel).toContainText('Активного токена доступа нет');
    await expect(panel).toContainText('Серверное расширение');
    await expect(page.locator(STATUS)).toHaveText('Нет токена ML Platform');
    await expectRussian(panel);
    await expectRussian(page.locator(STATUS));
  });

  test('add, redeem, switch and remove tokens', async ({
    page,
    request,
    baseURL
  }) => {
    test.setTimeout(120_000);
    const admin = await mintToken(request, {
      name: 'komanda',
      token_type: 'ADMIN'
    });
    const panel = await openPanel(page);

    // Add.
    await panel
      .getByRole('button', { name: 'Добавить токен доступа' })
      .first()
      .click();
    const dialog = page.locator(DIALOG);
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Добавить токен доступа'
    );
    await expect(dialog).toContainText('Токен доступа (он же refresh-токен)');
    await expectRussian(dialog);
    await pasteInto(page, admin.refresh_token, 'Проверить');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Сохранить этот токен?'
    );
    await expect(dialog).toContainText('Администратор');
    await expect(dialog).toContainText('действует бессрочно');
    await expectRussian(dialog, ['komanda']);
    await dialog
      .getByRole('button', { name: 'Сохранить и сделать активным' })
      .click();
    await expect(
      toast(page, 'success', 'Токен «komanda» сохранен и стал активным.')
    ).toBeVisible();
    await expectRussian(
      toast(page, 'success', 'Токен «komanda» сохранен и стал активным.'),
      ['komanda'],
      false
    );
    const active = panel.locator('.jp-mlpTokens-active');
    await expect(active.locator('.jp-mlpTokens-badge')).toHaveText('проверен');
    await expect(active).toContainText('Администратор');
    await expect(page.locator(STATUS)).toHaveText(
      'komanda · Администратор · действует бессрочно'
    );

    // Redeem a registration token the administrator made for "dora".
    const registration = await createRegistrationToken(
      request,
      admin.refresh_token,
      {
        client_name: 'dora',
        token_type: 'USER',
        access_ttl: '1h',
        refresh_ttl: '720h'
      }
    );
    await panel
      .getByRole('button', { name: 'Обменять регистрационный токен' })
      .first()
      .click();
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Обменять регистрационный токен'
    );
    await expectRussian(dialog);
    await pasteInto(page, registration, 'Обменять');
    await expect(
      toast(
        page,
        'success',
        'Токен доступа «dora» (Пользователь) сохранен и стал активным.'
      )
    ).toBeVisible();
    await expect(page.locator(STATUS)).toContainText(
      /^dora · Пользователь · истекает через (29|30) дн(я|ей)$/
    );
    expect(await page.content()).not.toContain(registration);

    // A used registration token is refused in Russian.
    await page.evaluate(() => {
      // Not awaited: the command resolves when its dialog closes.
      void window.jupyterapp.commands.execute(
        'mlplatform-tokens:redeem-registration-token'
      );
    });
    await pasteInto(page, registration, 'Обменять');
    await expect(dialog.locator('[role="alert"]')).toHaveText(
      'Срок действия этого регистрационного токена истек, он уже использован или не существует — попросите администратора выдать новый.'
    );
    await dialog.getByRole('button', { name: 'Отмена' }).click();

    // Switch back from the row's button.
    await panel
      .getByRole('button', { name: 'Сделать «komanda» активным' })
      .click();
    await expect(
      toast(page, 'success', 'Теперь активен токен «komanda».')
    ).toBeVisible();
    await expect(page.locator(STATUS)).toContainText('komanda');
    await expectRussian(panel.locator('.jp-mlpTokens-saved'), [
      'komanda',
      'dora'
    ]);

    // Remove.
    await panel
      .getByRole('button', { name: 'Удалить «dora» с этого сервера' })
      .click();
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Удалить «dora» с этого сервера?'
    );
    await expectRussian(dialog, ['dora']);
    await dialog.getByRole('button', { name: 'Удалить с сервера' }).click();
    await expect(
      toast(page, 'success', 'Токен «dora» удален с этого сервера.')
    ).toBeVisible();
    await expect(
      panel.locator('.jp-mlpTokens-saved .jp-mlpTokens-row')
    ).toHaveCount(1);
  });

  test('list, filter and delete project tokens', async ({
    page,
    request,
    baseURL
  }) => {
    const boss = await mintToken(request, {
      name: 'boss',
      token_type: 'ADMIN'
    });
    await mintToken(request, { name: 'bob' });
    await mintToken(request, { name: 'carol' });
    await saveToken(request, baseURL!, boss, { activate: true });
    await openPanel(page);
    const section = page.locator(PROJECT);
    const rows = section.locator('.jp-mlpTokens-projectRow');
    await expect(rows).toHaveCount(3);
    const bossRow = section.locator('[data-name="boss"]');
    await expect(bossRow).toContainText('Администратор');
    await expect(bossRow).toContainText('используется');
    await expect(section.locator('[data-name="bob"]')).toContainText(
      'кем выпущен: emulator'
    );
    await expect(section.locator('[data-name="bob"]')).toContainText(
      'действует бессрочно'
    );
    await expect(section.locator('[data-name="bob"]')).toContainText(
      /создан \d/
    );
    await expect(section.getByRole('status')).toHaveText('3 токена доступа.');
    await expectRussian(section, ['boss', 'bob', 'carol']);

    const filter = section.getByRole('searchbox', {
      name: 'Фильтр токенов проекта'
    });
    await expect(filter).toHaveAttribute(
      'placeholder',
      'Имя, кем выпущен или роль'
    );
    await filter.fill('администратор');
    await expect(rows).toHaveCount(1);
    await expect(section.getByRole('status')).toHaveText(
      'Подходящих токенов: 1 из 3.'
    );
    await filter.fill('zzz');
    await expect(section.getByRole('status')).toHaveText(
      'Нет токенов доступа, подходящих под «zzz».'
    );
    await filter.fill('');

    await section
      .locator('[data-name="bob"]')
      .getByRole('button', { name: 'Удалить токен доступа «bob»' })
      .click();
    const dialog = page.locator(DIALOG);
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Удалить токен доступа «bob»?'
    );
    await expectRussian(dialog, ['bob']);
    await dialog.getByRole('button', { name: 'Удалить', exact: true }).click();
    await expect(
      toast(page, 'success', 'Токен доступа «bob» удален.')
    ).toBeVisible();
    await expect(rows).toHaveCount(2);
    await expect(section.getByRole('status')).toHaveText('2 токена доступа.');

    // The active token: the second confirmation, in Russian; keep it.
    await bossRow
      .getByRole('button', { name: 'Удалить токен доступа «boss»' })
      .click();
    await dialog.getByRole('button', { name: 'Удалить', exact: true }).click();
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Удалить токен, который вы используете?'
    );
    await expectRussian(dialog, ['boss']);
    await dialog.getByRole('button', { name: 'Оставить' }).click();
    await expect(bossRow).toBeVisible();
  });

  test('create a registration token and hand it over once', async ({
    page,
    request,
    baseURL
  }) => {
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: new URL(baseURL!).origin
      });
    const boss = await mintToken(request, {
      name: 'boss',
      token_type: 'ADMIN'
    });
    await saveToken(request, baseURL!, boss, { activate: true });
    await openPanel(page);
    const section = page.locator(REGISTRATION);
    await expect(section).toContainText(
      'Регистрационный токен позволяет коллеге без доступа к личному кабинету'
    );
    await section
      .getByRole('button', { name: 'Создать регистрационный токен…' })
      .click();

    const dialog = page.locator(DIALOG);
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Создание регистрационного токена'
    );
    const name = dialog.getByLabel('Имя токена доступа');
    await expect(name).toBeFocused();
    await name.fill('bad name');
    await expect(dialog).toContainText('Имя должно состоять из 1–64 символов');
    await name.fill('dora');
    const validity = dialog.getByLabel('Время жизни регистрационного токена');
    await validity.fill('45x');
    await expect(dialog).toContainText(
      'Время жизни записывается как 2h45m30s, 90m или 45s'
    );
    await validity.fill('2h45m30s');
    await expect(dialog).toContainText(
      'Его можно обменять в течение 2 ч 45 мин 30 с (не больше 720 ч).'
    );
    await dialog.getByLabel('Истекает через').check();
    await dialog
      .getByRole('textbox', { name: 'Время жизни токена доступа' })
      .fill('90m');
    await expect(dialog).toContainText(
      'Токен доступа действует 1 ч 30 мин после обмена.'
    );
    await expectRussian(dialog, ['dora']);
    await dialog.getByRole('button', { name: 'Создать', exact: true }).click();

    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Регистрационный токен для «dora»'
    );
    const value = await dialog
      .getByLabel('Регистрационный токен', { exact: true })
      .inputValue();
    await expect(dialog.getByRole('timer')).toHaveText(
      /^Действует еще 2 ч 45 мин \d+ с$/
    );
    const message = dialog.getByLabel('Сообщение для коллеги');
    await expect(message).toHaveValue(
      /Это регистрационный токен для VK Cloud ML Platform\. По нему создается ваш токен доступа «dora» \(роль: Пользователь\)\. Он истекает через 1 ч 30 мин после обмена\./
    );
    await dialog.getByRole('button', { name: 'Скопировать токен' }).click();
    await expect(dialog).toContainText('Регистрационный токен скопирован.');
    await expect(dialog).toContainText('Буфер обмена будет очищен через');
    // The dialog's own text, the value and the message aside.
    const words = englishIn(await visibleWords(dialog), ['dora']).filter(
      word => !value.includes(word)
    );
    expect(words).toEqual([]);
    await dialog.getByRole('button', { name: 'Готово' }).click();
    await expect(dialog).toHaveCount(0);

    const note = section.locator('[data-name="dora"]');
    await expect(note).toContainText(/ожидает обмена, истекает \d/);
    await expectRussian(section, ['dora']);
  });

  test('the kernels section', async ({ page }) => {
    const panel = await openPanel(page);
    const kernels = panel.locator('.jp-mlpTokens-kernels');
    await expect(kernels).toContainText(/Нет запущенных ядер\.|актуален/);
    const sync = kernels.getByRole('button', {
      name: 'Передать активный токен во все запущенные ядра сейчас'
    });
    await expect(sync).toHaveText('Синхронизировать');
    await expect(sync).toHaveAttribute(
      'title',
      'Передать активный токен во все запущенные ядра сейчас'
    );
    const id = await page.evaluate(async () => {
      const kernel = await window.jupyterapp.serviceManager.kernels.startNew({
        name: 'python3'
      });
      return kernel.id;
    });
    try {
      const entry = kernels.locator(`[data-kernel-id="${id}"]`);
      await expect(entry).toBeVisible();
      await expect(entry.locator('.jp-mlpTokens-kernel-sync')).toHaveText(
        'актуален',
        { timeout: 30_000 }
      );
      await expect(
        entry.locator('.jp-mlpTokens-kernel-fingerprint')
      ).toHaveText('нет');
      await expectRussian(kernels);
    } finally {
      await page.evaluate(
        async kernelId =>
          window.jupyterapp.serviceManager.kernels.shutdown(kernelId),
        id
      );
    }
  });

  test('every other dialog, the palette, an error and a locked vault', async ({
    page,
    request,
    baseURL
  }) => {
    test.setTimeout(120_000);
    const names = ['boss', 'bob'];
    const boss = await mintToken(request, {
      name: 'boss',
      token_type: 'ADMIN'
    });
    const bob = await mintToken(request, { name: 'bob' });
    await saveToken(request, baseURL!, bob);
    await saveToken(request, baseURL!, boss, { activate: true });
    const panel = await openPanel(page);
    await expect(
      panel.locator('.jp-mlpTokens-active .jp-mlpTokens-badge')
    ).toHaveText('проверен');
    await expect(
      page.locator(`${PROJECT} .jp-mlpTokens-projectRow`)
    ).toHaveCount(2);
    // The whole panel with an active token, its attributes included.
    await expectRussian(panel, names);

    const dialog = page.locator(DIALOG);
    const run = (command: string) =>
      page.evaluate(id => {
        // Not awaited: a command resolves when its dialog closes.
        void window.jupyterapp.commands.execute(id);
      }, command);
    const cancel = async () => {
      await dialog.getByRole('button', { name: 'Отмена' }).click();
      await expect(dialog).toHaveCount(0);
    };

    await run('mlplatform-tokens:switch-token');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Сменить активный токен доступа'
    );
    await expectRussian(dialog, names);
    await cancel();

    await panel.getByRole('button', { name: 'Переименовать «bob»' }).click();
    await expect(dialog.locator('.jp-Dialog-header')).toContainText('bob');
    await expectRussian(dialog, names);
    await cancel();

    await run('mlplatform-tokens:remove-all-tokens');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Удалить все сохраненные токены?'
    );
    await expectRussian(dialog, names);
    await cancel();

    await run('mlplatform-tokens:who-am-i');
    await expect(dialog).toContainText('boss');
    await expect(dialog).toContainText('Администратор');
    await expectRussian(dialog, names);
    await dialog.locator('.jp-Dialog-button').last().click();
    await expect(dialog).toHaveCount(0);

    // The palette's entries of the extension.
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await palette.locator('input').fill('токен');
    const items = palette.locator('.lm-CommandPalette-item');
    await expect(items.first()).toBeVisible();
    expect(await items.count()).toBeGreaterThanOrEqual(5);
    // Labels and captions; the shortcuts' key names stay as the keyboard has them.
    await expectRussian(
      palette.locator(
        '.lm-CommandPalette-itemLabel, .lm-CommandPalette-itemCaption'
      ),
      names
    );
    await page.keyboard.press('Escape');

    // An error of the platform, as a toast.
    expect(
      (
        await request.post(`${EMULATOR_URL}/_emulator/faults`, {
          data: {
            kind: 'status',
            status: 500,
            method: 'DELETE',
            path_prefix: '/tokens'
          }
        })
      ).status()
    ).toBe(201);
    await page
      .locator(`${PROJECT} [data-name="bob"]`)
      .getByRole('button', { name: 'Удалить токен доступа «bob»' })
      .click();
    await dialog.getByRole('button', { name: 'Удалить', exact: true }).click();
    // Read from the notification center: JupyterLab can miss the toast of
    // a page's first notification while it loads its toast library.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('apputils:display-notifications')
    );
    const center = page.locator('.jp-Notification-Center');
    await expect(center).toContainText('HTTP 500');
    await expectRussian(center.locator('.jp-toast-message'), names, false);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('apputils:display-notifications')
    );
    await expect(center).toBeHidden();
    expect(
      (await request.delete(`${EMULATOR_URL}/_emulator/faults`)).status()
    ).toBe(204);

    // A vault another process holds locked cannot be read for now; the
    // panel says so, and recovers once the lock is let go.
    const status = await (
      await request.get(`${baseURL}/mlplatform-tokens/status`)
    ).json();
    const lockPath = `${(status as { vault: { path: string } }).vault.path}.lock`;
    // Its own process group: the lock is held by `sleep`, flock's child.
    const holder = spawn('flock', [lockPath, 'sleep', '120'], {
      stdio: 'ignore',
      detached: true
    });
    const lockFree = () =>
      spawnSync('flock', ['-n', lockPath, 'true']).status === 0;
    try {
      await expect.poll(lockFree).toBe(false);
      await page.reload();
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      const tab = page.locator(
        '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-mlpTokens-panel"]'
      );
      // The restored layout may or may not show the panel already.
      await expect(async () => {
        if (!(await page.locator(PANEL).isVisible())) {
          await tab.click();
        }
        await expect(page.locator(PANEL)).toBeVisible({ timeout: 1000 });
      }).toPass();
      const problem = page.locator(`${PANEL} [role="alert"]`).first();
      await expect(problem).toBeVisible({ timeout: 30_000 });
      await expectRussian(problem, ['vault.json', 'vault.json.lock']);
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
    await expect.poll(lockFree).toBe(true);
    await page
      .locator(PANEL)
      .getByRole('button', { name: 'Обновить', exact: true })
      .click();
    await expect(
      page.locator(`${PANEL} .jp-mlpTokens-active .jp-mlpTokens-badge`)
    ).toHaveText('проверен', { timeout: 30_000 });
  });

  test('an expiry warning in Russian', async ({ page, request, baseURL }) => {
    const short: IMinted = await mintToken(request, {
      name: 'korotkiy',
      refresh_ttl: '30m'
    });
    await saveToken(request, baseURL!, short, {
      label: 'korotkiy',
      activate: true
    });
    await page.goto();
    const item = page.locator('.jp-mlpTokens-statusButton');
    await expect(item).toHaveClass(/jp-mod-warning/);
    await expect(item).toHaveText(
      /^korotkiy · Пользователь · истекает через (29|30) минут$/
    );
    const warning = toast(
      page,
      'warning',
      /Токен доступа «korotkiy» истекает через \d+ минут(у|ы)? — заранее добавьте новый\./
    );
    await expect(warning).toBeVisible();
    await expect(
      warning.getByRole('button', { name: 'Открыть панель токенов' })
    ).toBeVisible();
    await expectRussian(
      warning.locator('.jp-toast-message, button'),
      ['korotkiy'],
      false
    );
  });

  test('looks right in Russian, light and dark', async ({
    page,
    request,
    baseURL
  }) => {
    const boss = await mintToken(request, {
      name: 'boss',
      token_type: 'ADMIN'
    });
    await mintToken(request, { name: 'bob' });
    await saveToken(request, baseURL!, boss, {
      label: 'Команда',
      activate: true
    });
    const panel = await openPanel(page);
    await expect(
      page.locator(`${PROJECT} .jp-mlpTokens-projectRow`)
    ).toHaveCount(2);
    const varying = [
      panel.locator('.jp-mlpTokens-fingerprint'),
      panel.locator('.jp-mlpTokens-created'),
      panel.locator('.jp-mlpTokens-kernels-list'),
      panel.locator('.jp-mlpTokens-status dd')
    ];

    const shoot = async (theme: string, last: boolean) => {
      await page.mouse.move(0, 0);
      await expect(
        panel.locator('.jp-mlpTokens-active .jp-mlpTokens-badge')
      ).toHaveText('проверен');
      const check = last ? expect : expect.soft;
      check(await panel.screenshot({ mask: varying })).toMatchSnapshot(
        `panel-ru-${theme}.png`
      );

      await page
        .locator(REGISTRATION)
        .getByRole('button', { name: 'Создать регистрационный токен…' })
        .click();
      const dialog = page.locator('.jp-Dialog-content');
      await expect(dialog.getByLabel('Имя токена доступа')).toBeFocused();
      await dialog.getByLabel('Имя токена доступа').fill(`dora-${theme}`);
      const validity = dialog.getByLabel('Время жизни регистрационного токена');
      await validity.fill('2h45m30s');
      await validity.focus();
      await expect(dialog).toContainText('2 ч 45 мин 30 с');
      check(await dialog.screenshot()).toMatchSnapshot(
        `create-dialog-ru-${theme}.png`
      );
      await dialog.getByRole('button', { name: 'Отмена' }).click();
      await expect(page.locator(DIALOG)).toHaveCount(0);
    };

    await shoot('light', false);
    await page.theme.setDarkTheme();
    await shoot('dark', true);
  });
});
