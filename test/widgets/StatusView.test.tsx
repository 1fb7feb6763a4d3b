import { nullTranslator } from '@jupyterlab/translation';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import { StatusModel } from '../../src/server/status';
import { StatusView } from '../../src/widgets/StatusView';
import { TokensPanel } from '../../src/widgets/TokensPanel';
import { bundleFor, compiledCatalog } from '../i18n/russian';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

function settingsAnswering(
  body: string,
  status = 200
): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async () =>
      new Response(body, {
        status,
        headers: { 'Content-Type': 'application/json' }
      })
  });
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

async function renderPanel(
  settings: ServerConnection.ISettings
): Promise<{ panel: TokensPanel; model: StatusModel }> {
  const model = new StatusModel({ serverSettings: settings });
  const panel = new TokensPanel({ model, trans, translator: nullTranslator });
  Widget.attach(panel, document.body);
  await model.refresh();
  await flush();
  return { panel, model };
}

describe('TokensPanel', () => {
  let current: { panel: TokensPanel; model: StatusModel } | null = null;

  afterEach(() => {
    current?.panel.dispose();
    current?.model.dispose();
    current = null;
  });

  it('is a labelled region with a refresh button that has a label', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({ version: '1.2.3', api_configured: false, api_url: '' })
      )
    );
    const node = current.panel.node;
    expect(node.getAttribute('role')).toBe('region');
    expect(node.getAttribute('aria-label')).toBe('ML Platform Tokens');
    const button = node.querySelector('.jp-ToolbarButtonComponent');
    expect(button?.getAttribute('aria-label')).toBe('Refresh');
  });

  it('explains the next step when no API URL is configured', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({ version: '1.2.3', api_configured: false, api_url: '' })
      )
    );
    const text = current.panel.node.textContent ?? '';
    expect(text).toContain('1.2.3');
    expect(text).toContain('No ML Platform API URL is set on this server');
    expect(text).toContain('MLPLATFORM_API_URL');
  });

  it('shows the configured API URL and no empty state', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({
          version: '1.2.3',
          api_configured: true,
          api_url: 'http://127.0.0.1:8765'
        })
      )
    );
    const node = current.panel.node;
    expect(node.textContent).toContain('http://127.0.0.1:8765');
    expect(node.querySelector('.jp-mlpTokens-empty')).toBeNull();
  });

  it('renders server text as text, never as HTML', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({
          version: '<img src=x onerror=alert(1)>',
          api_configured: true,
          api_url: '<b>bold</b>'
        })
      )
    );
    const node = current.panel.node;
    expect(node.querySelector('img')).toBeNull();
    expect(node.querySelector('b')).toBeNull();
    expect(node.textContent).toContain('<b>bold</b>');
  });

  it('says what failed and offers to try again', async () => {
    current = await renderPanel(
      settingsAnswering(JSON.stringify({ message: 'Forbidden' }), 403)
    );
    const alert = current.panel.node.querySelector('[role="alert"]');
    expect(alert?.textContent).not.toContain('Forbidden');
    expect(alert?.textContent).toContain('sign in again');
    expect(alert?.querySelector('button')?.textContent).toBe('Try again');
  });
});

describe('StatusView', () => {
  it('follows the model from loading to an error on a non-JSON answer', async () => {
    const model = new StatusModel({
      serverSettings: settingsAnswering('<html>proxy error</html>', 502)
    });
    const view = new StatusView({ model, trans });
    Widget.attach(view, document.body);
    const refreshing = model.refresh();
    await flush();
    expect(model.state.kind).not.toBe('ready');
    await refreshing;
    await flush();
    expect(model.state.kind).toBe('error');
    expect(view.node.textContent).toContain('try again later');
    expect(view.node.textContent).not.toContain('Unexpected answer');
    view.dispose();
    model.dispose();
  });
});

describe('the Server section and the backend', () => {
  let current: { panel: TokensPanel; model: StatusModel } | null = null;

  afterEach(() => {
    current?.panel.dispose();
    current?.model.dispose();
    current = null;
  });

  it('names the library and its version when the server part uses it', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({
          version: '1.2.3',
          api_configured: true,
          api_url: '',
          backend: 'library',
          library_version: '2.4.0'
        })
      )
    );
    const text = current.panel.node.textContent ?? '';
    expect(text).toContain(
      'through the ML Platform library (mlplatform_client 2.4.0)'
    );
    expect(text).not.toContain('not configured');
    expect(text).not.toContain('No ML Platform API URL');
  });

  it('says the library is missing, not the URL, when it is the chosen backend', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({
          version: '1.2.3',
          api_configured: false,
          api_url: '',
          backend: 'library',
          library_version: null
        })
      )
    );
    const note = current.panel.node.querySelector('[role="note"]');
    expect(note?.textContent).toContain(
      'The ML Platform library is not installed on this server'
    );
    expect(current.panel.node.textContent).not.toContain(
      'No ML Platform API URL is set'
    );
  });

  it('shows the API URL with the HTTP backend, as before', async () => {
    current = await renderPanel(
      settingsAnswering(
        JSON.stringify({
          version: '1.2.3',
          api_configured: true,
          api_url: 'https://mlp.example/api',
          backend: 'http',
          library_version: null
        })
      )
    );
    expect(current.panel.node.textContent).toContain('https://mlp.example/api');
  });
});

describe('the Server section in Russian', () => {
  it('words a refusal of the Jupyter server, not its English', async () => {
    const russian = await bundleFor(compiledCatalog());
    const model = new StatusModel({
      serverSettings: settingsAnswering(
        JSON.stringify({ message: 'Forbidden' }),
        403
      )
    });
    const view = new StatusView({ model, trans: russian });
    Widget.attach(view, document.body);
    await model.refresh();
    await flush();
    const text = view.node.textContent ?? '';
    expect(text).not.toContain('Forbidden');
    expect(text).toMatch(/[А-Яа-я]/);
    expect(text).not.toMatch(/Forbidden|Unexpected/);
    view.dispose();
    model.dispose();
  });
});
