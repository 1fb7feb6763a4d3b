/**
 * A Jupyter server without the server part (the extension was installed
 * after the server started): the panel, the status bar and every failed
 * action say so in one sentence with what to do, and nothing says the
 * tokens are still loading or that none is saved.
 */

import { PageConfig } from '@jupyterlab/coreutils';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { describeError } from '../../src/messages';
import { NOT_RUNNING, ServerExtensionError } from '../../src/server/request';
import { StatusModel } from '../../src/server/status';
import { ExpiryWatcher } from '../../src/vault/expiry';
import { VaultModel } from '../../src/vault/model';
import { ActiveTokenStatus } from '../../src/vault/verification';
import { PlatformConnection } from '../../src/platform/connection';
import { ActiveTokenSection } from '../../src/widgets/ActiveTokenSection';
import { TokenStatusItem } from '../../src/widgets/StatusBarItem';
import { SavedTokensSection } from '../../src/widgets/SavedTokensSection';
import { TokensPanel } from '../../src/widgets/TokensPanel';
import { TestServer } from '../kernels/server';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

const HUB_STEPS =
  'File → Hub Control Panel → Stop My Server, then Start My Server';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

describe('a Jupyter server without the server part', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start('/', { serverPart: false });
  }, 90000);

  afterAll(async () => {
    await server?.stop();
  });

  afterEach(() => {
    PageConfig.setOption('hubPrefix', '');
  });

  it('answers its own page, which every request turns into the not-running error', async () => {
    const vault = new VaultModel({ serverSettings: server.settings });
    const failure = await vault.refresh().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerExtensionError);
    expect((failure as ServerExtensionError).status).toBe(404);
    expect((failure as ServerExtensionError).code).toBe(NOT_RUNNING);
    expect(vault.loaded).toBe(false);
    expect(vault.loadError).toBe(failure);

    // One sentence with what to do: on a hub, the Hub Control Panel's steps.
    PageConfig.setOption('hubPrefix', '/hub/');
    const sentence = describeError(failure, trans);
    expect(sentence).toContain(HUB_STEPS);
    expect(sentence.split(/[.!?](\s|$)/).filter(s => s?.trim()).length).toBe(1);
    PageConfig.setOption('hubPrefix', '');
    expect(describeError(failure, trans)).toContain('stop JupyterLab');
    expect(describeError(failure, trans)).not.toContain('Hub Control Panel');
    vault.dispose();
  });

  it('shows the notice alone in the panel and says it in the status bar, then all once the server part answers', async () => {
    PageConfig.setOption('hubPrefix', '/hub/');
    const vault = new VaultModel({ serverSettings: server.settings });
    const status = new StatusModel({
      serverSettings: server.settings,
      vault
    });
    const connection = new PlatformConnection({
      vault,
      serverSettings: server.settings
    });
    const verification = new ActiveTokenStatus({ vault, connection });
    const panel = new TokensPanel({
      model: status,
      trans,
      translator: nullTranslator
    });
    const active = new ActiveTokenSection({
      vault,
      verification,
      trans,
      onAdd: () => undefined,
      onRedeem: () => undefined
    });
    panel.addSection(active, 100);
    panel.addSection(
      new SavedTokensSection({
        vault,
        trans,
        actions: {
          add: () => undefined,
          redeem: () => undefined,
          activate: () => undefined,
          copy: () => undefined,
          reveal: async () => '',
          rename: () => undefined,
          remove: () => undefined
        }
      }),
      200
    );
    const expiry = new ExpiryWatcher({ vault, windowsHours: [24] });
    const item = new TokenStatusItem({
      vault,
      status,
      expiry,
      trans,
      onClick: () => undefined
    });
    Widget.attach(panel, document.body);
    Widget.attach(item, document.body);

    await Promise.all([
      status.refresh(),
      vault.refresh().catch(() => undefined)
    ]);
    await settle();
    expect(status.state.kind).toBe('not-running');

    const notice = panel.node.querySelector('.jp-mlpTokens-notRunning');
    expect(notice?.getAttribute('role')).toBe('alert');
    expect(notice?.textContent).toContain(HUB_STEPS);
    // Only the notice shows: no section says loading, or that none is saved.
    const sections = Array.from(
      panel.node.querySelectorAll<HTMLElement>('.jp-mlpTokens-section')
    );
    expect(sections.length).toBe(3);
    for (const section of sections) {
      expect(section.classList).toContain('lm-mod-hidden');
    }
    const visible = Array.from(panel.node.querySelectorAll('*'))
      .filter(node => !node.closest('.lm-mod-hidden'))
      .map(node => node.textContent ?? '')
      .join(' ');
    expect(visible).not.toContain('Loading saved tokens');
    expect(visible).not.toContain('No access token is saved');
    // The sections themselves, were they shown, would not contradict it.
    expect(active.node.textContent).toContain(
      'The saved tokens could not be read'
    );
    expect(active.node.textContent).toContain(HUB_STEPS);
    expect(item.node.textContent).toContain(
      'ML Platform Tokens: restart the server'
    );
    expect(item.node.querySelector('.jp-mod-warning')).not.toBeNull();

    // The server part answers (the server was restarted): all comes back.
    const running = await TestServer.start('/');
    try {
      const restarted = new StatusModel({ serverSettings: running.settings });
      await restarted.refresh();
      expect(restarted.state.kind).toBe('ready');
      restarted.dispose();
    } finally {
      await running.stop();
    }

    Widget.detach(item);
    Widget.detach(panel);
    panel.dispose();
    item.dispose();
    expiry.dispose();
    status.dispose();
    verification.dispose();
    connection.dispose();
    vault.dispose();
  }, 120000);
});
