/**
 * The "Create registration token" dialog (validation as typed, previews,
 * Enter only when valid) and the show-once dialog (the value reaches the
 * DOM and the clipboard only; the clipboard is cleared later).
 */

import { Dialog } from '@jupyterlab/apputils';

import { checkDraft, EMPTY_DRAFT } from '../../src/project/draft';
import { showCreateRegistrationDialog } from '../../src/widgets/dialogs/CreateRegistrationDialog';
import { ShowOnceClipboard } from '../../src/clipboard';
import {
  invitationMessage,
  ShowOnceBody
} from '../../src/widgets/dialogs/ShowOnceDialog';
import { flush, trans } from './helpers';

const VALUE = 'mlp_reg_SECRET-0123456789abcdef';

function type(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('checkDraft', () => {
  it('accepts a valid form and previews the lifetimes in words', () => {
    const check = checkDraft(
      {
        ...EMPTY_DRAFT,
        name: ' dora ',
        role: 'ADMIN',
        accessTtl: '2h45m30s',
        neverExpires: false,
        refreshTtl: '90m'
      },
      trans
    );
    expect(check.accessTtlPreview).toBe('2 h 45 min 30 s');
    expect(check.refreshTtlPreview).toBe('1 h 30 min');
    expect(check.request).toEqual({
      clientName: 'dora',
      role: 'ADMIN',
      accessTtl: '2h45m30s',
      refreshTtl: '90m'
    });
  });

  it('sends a null lifetime when the access token never expires', () => {
    const check = checkDraft(
      { ...EMPTY_DRAFT, name: 'dora', refreshTtl: 'garbage' },
      trans
    );
    expect(check.refreshTtlError).toBeNull();
    expect(check.request?.refreshTtl).toBeNull();
  });

  it.each([
    ['name', { name: 'has space' }, 'nameError', /1–64 characters/],
    ['name', { name: '' }, 'nameError', /1–64 characters/],
    ['syntax', { accessTtl: '2 hours' }, 'accessTtlError', /2h45m30s/],
    ['order', { accessTtl: '30m2h' }, 'accessTtlError', /in that order/],
    ['zero', { accessTtl: '0h' }, 'accessTtlError', /longer than zero/],
    [
      'too long',
      { accessTtl: '721h' },
      'accessTtlError',
      /longer than the platform allows/
    ],
    [
      'lifetime',
      { neverExpires: false, refreshTtl: '87601h' },
      'refreshTtlError',
      /longer than the platform allows/
    ]
  ] as const)('rejects a bad %s with a sentence', (_, change, field, text) => {
    const check = checkDraft(
      { ...EMPTY_DRAFT, name: 'dora', ...change },
      trans
    );
    expect(check[field]).toMatch(text);
    expect(check.request).toBeNull();
  });
});

describe('showCreateRegistrationDialog', () => {
  afterEach(() => {
    Dialog.flush();
  });

  async function open() {
    const result = showCreateRegistrationDialog({ trans });
    await flush();
    const dialog = document.querySelector('.jp-Dialog') as HTMLElement;
    const input = (name: string) =>
      dialog.querySelector(`input[name="${name}"]`) as HTMLInputElement;
    const create = dialog.querySelector(
      '.jp-Dialog-button.jp-mod-accept'
    ) as HTMLButtonElement;
    return { result, dialog, input, create };
  }

  function enter(target: HTMLElement): void {
    target.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
  }

  it('focuses the name and keeps Create disabled until the form is valid', async () => {
    const { result, dialog, input, create } = await open();
    expect(document.activeElement).toBe(input('name'));
    expect(create.textContent).toBe('Create');
    expect(create.disabled).toBe(true);

    type(input('name'), 'bad name');
    await flush();
    expect(input('name').classList).toContain('jp-mod-error');
    expect(dialog.textContent).toContain('1–64 characters');
    expect(create.disabled).toBe(true);
    enter(input('name'));
    await flush();
    expect(document.querySelector('.jp-Dialog')).not.toBeNull();

    type(input('name'), 'dora');
    type(input('accessTtl'), '2h45m30s');
    await flush();
    expect(dialog.textContent).toContain('Redeemable for 2 h 45 min 30 s');
    expect(create.disabled).toBe(false);

    const lifetime = dialog.querySelector(
      'input[value="expires"]'
    ) as HTMLInputElement;
    lifetime.click();
    type(input('refreshTtl'), '0s');
    await flush();
    expect(create.disabled).toBe(true);
    type(input('refreshTtl'), '48h');
    await flush();
    expect(dialog.textContent).toContain('works for 48 h after it is redeemed');
    expect(create.disabled).toBe(false);

    enter(input('refreshTtl'));
    const value = await result;
    expect(value?.request).toEqual({
      clientName: 'dora',
      role: 'USER',
      accessTtl: '2h45m30s',
      refreshTtl: '48h'
    });
  });

  it('resolves with null when cancelled', async () => {
    const { result, dialog } = await open();
    (dialog.querySelector('.jp-mod-reject') as HTMLButtonElement).click();
    expect(await result).toBeNull();
  });
});

describe('ShowOnceBody', () => {
  const facts = {
    client_name: 'dora',
    token_type: 'USER' as const,
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
    refresh_ttl: '48h'
  };

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  function fakeClipboard(initial = '') {
    let content = initial;
    return {
      writeText: jest.fn(async (text: string) => {
        content = text;
      }),
      readText: jest.fn(async () => content),
      get content() {
        return content;
      },
      set content(text: string) {
        content = text;
      }
    };
  }

  it('shows the value, copies it, and clears the clipboard after the delay', async () => {
    jest.useFakeTimers();
    const clipboard = fakeClipboard();
    const guard = new ShowOnceClipboard({ clipboard, clearAfterSeconds: 30 });
    const body = new ShowOnceBody({
      value: VALUE,
      facts,
      trans,
      clipboard: guard
    });
    const input = body.node.querySelector('input') as HTMLInputElement;
    expect(input.value).toBe(VALUE);
    expect(input.readOnly).toBe(true);

    (body.node.querySelector('.jp-mlpTokens-copy') as HTMLElement).click();
    await Promise.resolve();
    await Promise.resolve();
    expect(clipboard.content).toBe(VALUE);
    expect(body.node.textContent).toContain(
      'The clipboard is cleared in 30 seconds'
    );
    await jest.advanceTimersByTimeAsync(29_000);
    expect(clipboard.content).toBe(VALUE);
    await jest.advanceTimersByTimeAsync(1_500);
    expect(clipboard.content).toBe('');
    body.dispose();
    guard.dispose();
  });

  it('leaves the clipboard alone when it holds something else by then', async () => {
    jest.useFakeTimers();
    const clipboard = fakeClipboard();
    const guard = new ShowOnceClipboard({ clipboard, clearAfterSeconds: 5 });
    await guard.copy(VALUE);
    clipboard.content = 'something the user copied later';
    await jest.advanceTimersByTimeAsync(6_000);
    expect(clipboard.content).toBe('something the user copied later');
    guard.dispose();
  });

  it('cancels the pending clear when disposed', async () => {
    jest.useFakeTimers();
    const clipboard = fakeClipboard();
    const guard = new ShowOnceClipboard({ clipboard, clearAfterSeconds: 5 });
    await guard.copy(VALUE);
    expect(guard.pending).toBe(true);
    guard.dispose();
    expect(guard.pending).toBe(false);
    await jest.advanceTimersByTimeAsync(6_000);
    expect(clipboard.readText).not.toHaveBeenCalled();
  });

  it('counts down the validity every second and stops its timer when disposed', () => {
    jest.useFakeTimers();
    const start = Date.now();
    let now = start;
    const guard = new ShowOnceClipboard({ clipboard: fakeClipboard() });
    const body = new ShowOnceBody({
      value: VALUE,
      facts: { ...facts, expires_at: new Date(start + 90_000).toISOString() },
      trans,
      clipboard: guard,
      now: () => now
    });
    const countdown = body.node.querySelector('[role="timer"]')!;
    expect(countdown.textContent).toBe('Valid for 1 min 30 s');
    now += 1000;
    jest.advanceTimersByTime(1000);
    expect(countdown.textContent).toBe('Valid for 1 min 29 s');
    now += 90_000;
    jest.advanceTimersByTime(1000);
    expect(countdown.textContent).toBe('This registration token has expired.');
    body.dispose();
    guard.dispose();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('writes the value nowhere but the DOM and the clipboard', async () => {
    const spies = [
      jest.spyOn(Storage.prototype, 'setItem'),
      jest.spyOn(console, 'log'),
      jest.spyOn(console, 'info'),
      jest.spyOn(console, 'warn'),
      jest.spyOn(console, 'error'),
      jest.spyOn(console, 'debug')
    ];
    const fetchSpy = jest.fn();
    (globalThis as { fetch?: unknown }).fetch = fetchSpy;
    const clipboard = fakeClipboard();
    const guard = new ShowOnceClipboard({ clipboard });
    const body = new ShowOnceBody({
      value: VALUE,
      facts,
      trans,
      clipboard: guard
    });
    document.body.appendChild(body.node);
    (body.node.querySelector('.jp-mlpTokens-copy') as HTMLElement).click();
    await flush();

    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(document.cookie).not.toContain(VALUE);
    expect(window.location.href).not.toContain(VALUE);
    // No field of the widget or the guard holds it.
    for (const holder of [body, guard]) {
      for (const key of Object.keys(holder)) {
        const field = (holder as unknown as Record<string, unknown>)[key];
        expect(typeof field === 'string' ? field : '').not.toContain(VALUE);
      }
    }
    expect(clipboard.writeText).toHaveBeenCalledWith(VALUE);
    body.dispose();
    guard.dispose();
    expect(document.body.textContent).not.toContain(VALUE);
    delete (globalThis as { fetch?: unknown }).fetch;
  });

  it('writes a ready-to-send message saying how to redeem it', () => {
    const message = invitationMessage(VALUE, facts, trans);
    expect(message).toContain('"dora" (role: User)');
    expect(message).toContain('It expires 48 h after you redeem it.');
    expect(message).toContain('Redeem registration token');
    expect(message).toContain('ML Platform: Redeem Registration Token');
    expect(message).toContain(VALUE);
  });
});
