/**
 * A vault the server set aside, or cannot read, is shown at the top of the
 * panel — also when it happens while the page is open.
 */

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { StatusModel } from '../../src/server/status';
import type { IServerStatus } from '../../src/tokens';
import { VaultModel } from '../../src/vault/model';
import type { ISavedToken } from '../../src/vault/types';
import { TokensPanel } from '../../src/widgets/TokensPanel';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

const KEPT =
  '/home/dora/.local/share/jupyter/mlplatform-tokens/vault.json.corrupt-20261201T091645Z';

const PROBLEM = {
  message: `The token vault could not be used because it is not valid JSON. Nothing was deleted: the file was kept as ${KEPT}, and the vault starts empty. Add your tokens again, or ask your administrator to repair that copy and move it back to vault.json.`,
  moved_to: KEPT
};

const TOKEN: ISavedToken = {
  id: '0123456789abcdef0123456789abcdef',
  label: 'team',
  fingerprint: '****abcd',
  name: 'team-admin',
  role: 'ADMIN',
  issuer: 'console',
  expires_at: null,
  added_at: '2026-01-01T00:00:00Z',
  verified_at: null,
  active: true
};

function status(vault: IServerStatus['vault'] = undefined): IServerStatus {
  return {
    version: '1.2.3',
    api_configured: true,
    api_url: 'http://127.0.0.1:8765',
    vault
  };
}

/**
 * A stand-in server: each endpoint answers with the next of its answers
 * (the last one repeats); the requests are counted.
 */
function server(answers: {
  status: Array<IServerStatus | Response>;
  tokens?: Array<{ tokens: ISavedToken[] } | Response>;
}): { settings: ServerConnection.ISettings; count: (what: string) => number } {
  const seen: string[] = [];
  const next = <T,>(list: T[]): T =>
    list.length > 1 ? list.shift()! : list[0];
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      const path = new URL((input as Request).url).pathname;
      const what = path.endsWith('/status') ? 'status' : 'tokens';
      seen.push(what);
      const answer =
        what === 'status' ? next(answers.status) : next(answers.tokens ?? []);
      if (answer instanceof Response) {
        return answer.clone();
      }
      const body =
        what === 'tokens'
          ? {
              ...(answer as { tokens: ISavedToken[] }),
              active_id:
                (answer as { tokens: ISavedToken[] }).tokens[0]?.id ?? null
            }
          : answer;
      return new Response(JSON.stringify(body));
    }
  });
  return { settings, count: what => seen.filter(w => w === what).length };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

describe('the vault problem notice', () => {
  const owned: Array<{ dispose(): void }> = [];
  let vault: VaultModel;

  afterEach(() => {
    for (const item of owned.splice(0).reverse()) {
      item.dispose();
    }
  });

  function panelFor(model: StatusModel): TokensPanel {
    const panel = new TokensPanel({ model, trans, translator: nullTranslator });
    // A section of the panel, as the plugins add them.
    const section = new Widget();
    section.title.label = 'Active token';
    panel.addSection(section, 100);
    Widget.attach(panel, document.body);
    owned.push(panel);
    return panel;
  }

  function notice(panel: TokensPanel): HTMLElement | null {
    return panel.node.querySelector('.jp-mlpTokens-vaultProblem');
  }

  it('shows a vault set aside at the top of the panel: the message, the kept copy and what to do', async () => {
    const { settings } = server({
      status: [
        status({ path: '/v/vault.json', path_problem: PROBLEM, error: null })
      ]
    });
    const model = new StatusModel({ serverSettings: settings });
    owned.push(model);
    const panel = panelFor(model);
    await model.refresh();
    await flush();

    const shown = notice(panel);
    expect(shown).not.toBeNull();
    expect(shown!.getAttribute('role')).toBe('alert');
    const text = shown!.textContent ?? '';
    expect(text).toContain('Your saved tokens were set aside');
    expect(text).toContain(PROBLEM.message);
    expect(shown!.querySelector('code')?.textContent).toBe(KEPT);
    expect(text).toContain('Add your tokens again');
    // Above every section.
    const content = panel.node.querySelector('.jp-mlpTokens-content')!;
    expect(content.firstElementChild?.contains(shown!)).toBe(true);
  });

  it('shows a vault that cannot be read, with a way to try again', async () => {
    const { settings, count } = server({
      status: [
        status({
          path: '/v/vault.json',
          path_problem: null,
          error:
            'The vault file /v/vault.json could not be read (Input/output error).'
        })
      ]
    });
    const model = new StatusModel({ serverSettings: settings });
    owned.push(model);
    const panel = panelFor(model);
    await model.refresh();
    await flush();

    const shown = notice(panel);
    expect(shown?.getAttribute('role')).toBe('alert');
    expect(shown?.textContent).toContain('The token vault cannot be read');
    expect(shown?.textContent).toContain('(Input/output error)');
    const retry = shown?.querySelector('button');
    expect(retry?.textContent).toBe('Try again');
    retry!.click();
    await flush();
    expect(count('status')).toBe(2);
  });

  it('renders the server text as text, and nothing when the vault is fine', async () => {
    const { settings } = server({
      status: [
        status({
          path: '/v/vault.json',
          path_problem: {
            message: '<img src=x onerror=alert(1)>',
            moved_to: '<b>x</b>'
          },
          error: null
        }),
        status({ path: '/v/vault.json', path_problem: null, error: null })
      ]
    });
    const model = new StatusModel({ serverSettings: settings });
    owned.push(model);
    const panel = panelFor(model);
    await model.refresh();
    await flush();
    expect(panel.node.querySelector('img')).toBeNull();
    expect(panel.node.querySelector('b')).toBeNull();
    expect(notice(panel)?.textContent).toContain('<b>x</b>');

    await model.refresh();
    await flush();
    expect(notice(panel)).toBeNull();
  });

  it('appears when the vault is set aside while the page is open (the vault reads empty)', async () => {
    const { settings, count } = server({
      status: [
        status({ path: '/v/vault.json', path_problem: null, error: null }),
        status({ path: '/v/vault.json', path_problem: PROBLEM, error: null })
      ],
      tokens: [{ tokens: [TOKEN] }, { tokens: [] }]
    });
    vault = new VaultModel({ serverSettings: settings });
    const options = { serverSettings: settings, vault };
    const model = new StatusModel(options);
    owned.push(model);
    const panel = panelFor(model);
    await model.refresh();
    await vault.refresh();
    await flush();
    expect(notice(panel)).toBeNull();

    // The server found the file damaged, kept it aside and started empty.
    await vault.refresh();
    await flush();
    expect(count('status')).toBe(2);
    expect(notice(panel)?.textContent).toContain(KEPT);
    vault.dispose();
  });

  it('appears when a vault request fails while the page is open', async () => {
    const { settings, count } = server({
      status: [
        status({ path: '/v/vault.json', path_problem: null, error: null }),
        status({
          path: '/v/vault.json',
          path_problem: null,
          error:
            'The vault file /v/vault.json could not be read (Input/output error).'
        })
      ],
      tokens: [
        new Response(
          JSON.stringify({
            message:
              'The vault file /v/vault.json could not be read (Input/output error).'
          }),
          { status: 500 }
        )
      ]
    });
    vault = new VaultModel({ serverSettings: settings });
    const options = { serverSettings: settings, vault };
    const model = new StatusModel(options);
    owned.push(model);
    const panel = panelFor(model);
    await model.refresh();
    await flush();
    await expect(vault.refresh()).rejects.toThrow('Input/output error');
    await flush();
    expect(count('status')).toBe(2);
    expect(notice(panel)?.textContent).toContain(
      'The token vault cannot be read'
    );
    vault.dispose();
  });

  it('is found by a periodic re-read of the status, and the view keeps the last status meanwhile', async () => {
    const { settings, count } = server({
      status: [
        status({ path: '/v/vault.json', path_problem: null, error: null }),
        status({ path: '/v/vault.json', path_problem: PROBLEM, error: null })
      ]
    });
    const options = { serverSettings: settings, refreshEveryMs: 20 };
    const model = new StatusModel(options);
    owned.push(model);
    const panel = panelFor(model);
    await model.refresh();
    const kinds: string[] = [];
    model.stateChanged.connect((_, state) => kinds.push(state.kind));
    await new Promise(resolve => setTimeout(resolve, 150));
    await flush();
    expect(count('status')).toBeGreaterThan(1);
    expect(notice(panel)?.textContent).toContain(KEPT);
    // A background re-read does not blank the panel with "loading".
    expect(kinds).not.toContain('loading');
  });
});
