/**
 * Copying a saved token: the value goes to the clipboard through the one
 * clipboard guard, the user is told when it will be cleared, and it is.
 */

import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { ShowOnceClipboard } from '../../src/clipboard';
import type { IActionContext } from '../../src/tokens';
import { copyToken } from '../../src/vault/actions';
import type { ISavedToken } from '../../src/vault/types';

const VALUE = 'mlp_rt_copied_Zq8v';

const TOKEN: ISavedToken = {
  id: 'a',
  label: 'Team',
  fingerprint: '****Zq8v',
  name: 'team',
  role: 'ADMIN',
  issuer: 'console',
  expires_at: null,
  added_at: '2026-01-01T00:00:00Z',
  verified_at: null,
  active: true
};

function fakeClipboard() {
  const state = { content: 'before' };
  return {
    state,
    writeText: async (text: string) => {
      state.content = text;
    },
    readText: async () => state.content
  };
}

function contextWith(clipboard: ShowOnceClipboard): IActionContext {
  return {
    vault: { value: async () => VALUE },
    clipboard,
    trans: nullTranslator.load('jupyterlab_mlplatform_tokens')
  } as unknown as IActionContext;
}

describe('copyToken', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('copies through the guard and clears the clipboard after its delay', async () => {
    jest.useFakeTimers();
    const info = jest.spyOn(Notification, 'info').mockReturnValue('');
    const access = fakeClipboard();
    const guard = new ShowOnceClipboard({
      clipboard: access,
      clearAfterSeconds: 5
    });
    await copyToken(contextWith(guard), TOKEN);
    expect(access.state.content).toBe(VALUE);
    expect(info).toHaveBeenCalledWith(
      'Copied "Team". The clipboard is cleared in 5 seconds.',
      expect.anything()
    );
    await jest.advanceTimersByTimeAsync(5_100);
    expect(access.state.content).toBe('');
    guard.dispose();
  });

  it('keeps no clear pending once the guard is disposed', async () => {
    jest.useFakeTimers();
    jest.spyOn(Notification, 'info').mockReturnValue('');
    const access = fakeClipboard();
    const guard = new ShowOnceClipboard({
      clipboard: access,
      clearAfterSeconds: 5
    });
    await copyToken(contextWith(guard), TOKEN);
    expect(guard.pending).toBe(true);
    guard.dispose();
    expect(guard.pending).toBe(false);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(access.state.content).toBe(VALUE);
  });

  it('says so when the browser refuses the copy', async () => {
    const error = jest.spyOn(Notification, 'error').mockReturnValue('');
    const guard = new ShowOnceClipboard({
      clipboard: {
        writeText: async () => {
          throw new DOMException('denied', 'NotAllowedError');
        },
        readText: async () => ''
      }
    });
    await copyToken(contextWith(guard), TOKEN);
    expect(error).toHaveBeenCalledWith(
      'The browser did not allow copying to the clipboard.'
    );
    guard.dispose();
  });
});
