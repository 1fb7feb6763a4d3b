import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { PlatformConnection } from '../../src/platform/connection';
import { VaultModel } from '../../src/vault/model';
import type { ISavedToken } from '../../src/vault/types';
import { ActiveTokenStatus } from '../../src/vault/verification';
import { ActiveTokenSection } from '../../src/widgets/ActiveTokenSection';
import { SavedTokensSection } from '../../src/widgets/SavedTokensSection';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

const TOKEN: ISavedToken = {
  id: 'a',
  label: '<b>Team</b>',
  fingerprint: '****abcd',
  name: 'team-admin',
  role: 'ADMIN',
  issuer: 'console',
  expires_at: null,
  added_at: '2026-01-01T00:00:00Z',
  verified_at: null,
  active: true
};

/**
 * A stand-in server: the vault endpoints and the upstream pipe, by path.
 * `whoami` decides how the platform answers who-am-i.
 */
function server(
  tokens: ISavedToken[],
  whoami: 'ok' | 'forbidden' | 'down'
): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      const url = new URL((input as Request).url);
      const json = (body: unknown, status = 200) =>
        new Response(JSON.stringify(body), { status });
      if (url.pathname.endsWith('/tokens/a/value')) {
        return json({ id: 'a', value: 'mlp_rt_secret_abcd' });
      }
      if (url.pathname.endsWith('/upstream/auth/refresh')) {
        if (whoami === 'down') {
          return json(
            {
              status: 502,
              errorCode: 'UpstreamUnavailable',
              errorParams: { field: 'upstream' }
            },
            502
          );
        }
        return whoami === 'forbidden'
          ? json(
              {
                status: 403,
                errorCode: 'ForbiddenException',
                errorParams: { field: 'Forbidden' }
              },
              403
            )
          : json({
              access_token: 'a.b.c',
              token_type: 'Bearer',
              expires_in: 300
            });
      }
      if (url.pathname.endsWith('/upstream/tokens/me')) {
        return json({
          id: '1',
          name: 'team-admin',
          type: 'ADMIN',
          issuer_name: 'console',
          created_at: '2026-01-01T00:00:00Z',
          exp: null
        });
      }
      if (url.pathname.endsWith('/verified')) {
        return json({ token: tokens[0] });
      }
      return json({
        tokens,
        active_id: tokens.find(t => t.active)?.id ?? null
      });
    }
  });
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

async function activeSection(
  tokens: ISavedToken[],
  whoami: 'ok' | 'forbidden' | 'down'
) {
  const serverSettings = server(tokens, whoami);
  const vault = new VaultModel({ serverSettings });
  const connection = new PlatformConnection({ vault, serverSettings });
  const verification = new ActiveTokenStatus({ vault, connection });
  const section = new ActiveTokenSection({
    vault,
    verification,
    trans,
    onAdd: () => undefined,
    onRedeem: () => undefined
  });
  Widget.attach(section, document.body);
  await vault.refresh();
  await verification.check();
  await flush();
  return {
    section,
    dispose: () => {
      section.dispose();
      verification.dispose();
      connection.dispose();
      vault.dispose();
    }
  };
}

describe('ActiveTokenSection', () => {
  it('offers to add or redeem when nothing is active', async () => {
    const { section, dispose } = await activeSection([], 'ok');
    expect(section.node.textContent).toContain('No access token is active');
    expect(
      [...section.node.querySelectorAll('button')].map(b => b.textContent)
    ).toEqual(['Add access token', 'Redeem registration token']);
    dispose();
  });

  it('shows the verified token as text, never HTML, and never its value', async () => {
    const { section, dispose } = await activeSection([TOKEN], 'ok');
    const node = section.node;
    expect(node.querySelector('b')).toBeNull();
    expect(node.textContent).toContain('<b>Team</b>');
    expect(node.textContent).toContain('Administrator');
    expect(node.textContent).toContain('never expires');
    expect(node.querySelector('.jp-mlpTokens-badge')?.textContent).toBe(
      'verified'
    );
    expect(node.textContent).not.toContain('mlp_rt_secret_abcd');
    dispose();
  });

  it('says the token was deleted when the platform refuses it', async () => {
    const { section, dispose } = await activeSection([TOKEN], 'forbidden');
    expect(section.node.querySelector('.jp-mlpTokens-badge')?.textContent).toBe(
      'deleted on the platform'
    );
    expect(section.node.querySelector('[role="alert"]')?.textContent).toBe(
      'This token has expired or was deleted — add a new one.'
    );
    dispose();
  });

  it('says the API is unreachable when the pipe cannot reach it', async () => {
    const { section, dispose } = await activeSection([TOKEN], 'down');
    expect(section.node.querySelector('.jp-mlpTokens-badge')?.textContent).toBe(
      'API unreachable'
    );
    dispose();
  });
});

describe('SavedTokensSection', () => {
  it('labels every action with the token it acts on, and reveals on demand', async () => {
    const other = { ...TOKEN, id: 'b', label: 'Personal', active: false };
    const serverSettings = server([TOKEN, other], 'ok');
    const vault = new VaultModel({ serverSettings });
    const calls: string[] = [];
    const section = new SavedTokensSection({
      vault,
      trans,
      actions: {
        add: () => calls.push('add'),
        redeem: () => calls.push('redeem'),
        activate: token => calls.push(`activate ${token.id}`),
        copy: token => calls.push(`copy ${token.id}`),
        reveal: token => vault.value(token.id),
        rename: token => calls.push(`rename ${token.id}`),
        remove: token => calls.push(`remove ${token.id}`)
      }
    });
    Widget.attach(section, document.body);
    await vault.refresh();
    await flush();
    const labels = [...section.node.querySelectorAll('li button')].map(b =>
      b.getAttribute('aria-label')
    );
    expect(labels).toContain('Make "Personal" active');
    expect(labels).toContain('Remove "<b>Team</b>" from this server');
    expect(labels).not.toContain('Make "<b>Team</b>" active');
    expect(section.node.textContent).not.toContain('mlp_rt_secret_abcd');

    const reveal = section.node.querySelector<HTMLButtonElement>(
      'li .jp-mlpTokens-reveal'
    )!;
    reveal.click();
    await flush();
    expect(section.node.textContent).toContain('mlp_rt_secret_abcd');
    reveal.click();
    await flush();
    expect(section.node.textContent).not.toContain('mlp_rt_secret_abcd');

    section.node
      .querySelector<HTMLButtonElement>(
        '[aria-label="Make \\"Personal\\" active"]'
      )!
      .click();
    expect(calls).toEqual(['activate b']);
    section.dispose();
    vault.dispose();
  });
});
