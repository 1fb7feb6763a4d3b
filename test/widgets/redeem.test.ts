/**
 * The "Redeem Registration Token" command as the user sees it: when this
 * server cannot save the access token the platform minted, the token is
 * shown once, with the reason and a Copy button, instead of being lost.
 */

import { Dialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import {
  type IActionContext,
  redeemRegistrationToken
} from '../../src/vault/actions';
import { PlatformConnection } from '../../src/platform/connection';
import { ShowOnceClipboard } from '../../src/clipboard';
import { TokenSettings } from '../../src/settings';
import { VaultModel } from '../../src/vault/model';
import type { ISavedToken } from '../../src/vault/types';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

const REGISTRATION = 'mlp_reg_SECRET-registration-0123456789';
const MINTED = 'mlp_rt_SECRET-minted-0123456789abcdef';

const RECORD: ISavedToken = {
  id: '0123456789abcdef0123456789abcdef',
  label: 'dora',
  fingerprint: '****cdef',
  name: 'dora',
  role: 'USER',
  issuer: 'team-admin',
  expires_at: null,
  added_at: '2026-01-01T00:00:00Z',
  verified_at: '2026-01-01T00:00:00Z',
  active: true
};

/**
 * A stand-in Jupyter server: the pipe's redeem answers with `MINTED`; each
 * save answers with the next of `saves` (the last one repeats).
 */
function server(saves: Array<[number, unknown]>): {
  settings: ServerConnection.ISettings;
  requests: string[];
} {
  const requests: string[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status });
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      const request = input as Request;
      const path = new URL(request.url).pathname;
      requests.push(`${request.method} ${path}`);
      if (path.endsWith('/upstream/register-tokens/redeem')) {
        return json(
          {
            refresh_token: MINTED,
            // A description that differs from the contract: kept all the same.
            token: { name: 'dora', type: 'OWNER', issuer_name: 'team-admin' }
          },
          201
        );
      }
      if (
        request.method === 'POST' &&
        path.endsWith('/mlplatform-tokens/tokens')
      ) {
        const [status, body] = saves.length > 1 ? saves.shift()! : saves[0];
        return json(body, status);
      }
      return json({ tokens: [], active_id: null });
    }
  });
  return { settings, requests };
}

function context(settings: ServerConnection.ISettings): IActionContext {
  const vault = new VaultModel({ serverSettings: settings });
  return {
    vault,
    connection: new PlatformConnection({ vault, serverSettings: settings }),
    settings: new TokenSettings(),
    clipboard: new ShowOnceClipboard(),
    trans
  } as unknown as IActionContext;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

function dialog(): HTMLElement {
  const node = document.querySelector('.jp-Dialog');
  expect(node).not.toBeNull();
  return node as HTMLElement;
}

/** Paste the registration token into the open dialog and press Redeem. */
async function redeem(): Promise<void> {
  await flush();
  const input = dialog().querySelector('input') as HTMLInputElement;
  input.value = REGISTRATION;
  (dialog().querySelector('.jp-mod-accept') as HTMLButtonElement).click();
}

describe('redeemRegistrationToken', () => {
  const clipboard = { text: '' };

  beforeAll(() => {
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: {
        writeText: async (text: string) => {
          clipboard.text = text;
        },
        readText: async () => clipboard.text
      }
    });
  });

  afterEach(() => {
    Dialog.flush();
    jest.useRealTimers();
    clipboard.text = '';
  });

  it('saves the minted token and shows no value', async () => {
    const { settings, requests } = server([
      [201, { token: RECORD, created: true, active_id: RECORD.id, message: '' }]
    ]);
    const done = redeemRegistrationToken(context(settings));
    await redeem();
    await done;
    expect(document.querySelector('.jp-Dialog')).toBeNull();
    expect(document.body.textContent).not.toContain(MINTED);
    expect(
      requests.filter(r => r.endsWith('/register-tokens/redeem'))
    ).toHaveLength(1);
  });

  it('shows the token once with the reason when the vault is full', async () => {
    const { settings, requests } = server([
      [
        409,
        {
          message:
            'The vault already keeps 100 tokens, the most it holds; remove one you no longer need.'
        }
      ]
    ]);
    const done = redeemRegistrationToken(context(settings));
    await redeem();
    await flush();

    const shown = dialog();
    const value = shown.querySelector('input') as HTMLInputElement;
    expect(value.value).toBe(MINTED);
    expect(value.readOnly).toBe(true);
    const reason = shown.querySelector('[role="alert"]');
    expect(reason?.textContent).toBe(
      'The platform created the access token "dora", but this server could not save it: The vault already keeps 100 tokens, the most it holds; remove one you no longer need.'
    );
    expect(shown.textContent).toContain('Copy it now');
    expect(shown.textContent).toContain('shown only this once');
    // Nothing to retry in a full vault.
    expect(
      requests.filter(r => r === 'POST /mlplatform-tokens/tokens')
    ).toHaveLength(1);

    const copy = shown.querySelector('.jp-mlpTokens-copy') as HTMLButtonElement;
    expect(copy.textContent).toBe('Copy token');
    copy.click();
    await flush();
    expect(clipboard.text).toBe(MINTED);
    expect(shown.textContent).toContain('Access token copied.');

    (shown.querySelector('.jp-mod-accept') as HTMLButtonElement).click();
    await done;
    expect(document.body.textContent).not.toContain(MINTED);
  });

  it('shows the token once with the reason when every try to save it fails', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const { settings, requests } = server([
      [
        500,
        {
          message:
            'The token vault could not be saved to /home/dora/.local/share/jupyter/mlplatform-tokens/vault.json (No space left on device); nothing was changed.'
        }
      ]
    ]);
    const done = redeemRegistrationToken(context(settings));
    await redeem();
    // The waits between the tries.
    await jest.advanceTimersByTimeAsync(30_000);
    await flush();

    const shown = dialog();
    expect((shown.querySelector('input') as HTMLInputElement).value).toBe(
      MINTED
    );
    expect(shown.querySelector('[role="alert"]')?.textContent).toContain(
      'this server could not save it: The token vault could not be saved'
    );
    const saves = requests.filter(r => r === 'POST /mlplatform-tokens/tokens');
    expect(saves.length).toBeGreaterThan(1);
    expect(
      requests.filter(r => r.endsWith('/register-tokens/redeem'))
    ).toHaveLength(1);
    (shown.querySelector('.jp-mod-accept') as HTMLButtonElement).click();
    await done;
  });
});
