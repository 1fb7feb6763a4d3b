/**
 * The start of a page: nothing of ours is requested before JupyterLab has
 * restored its layout, so that our reads do not compete with its own
 * start-up requests; right after, the first reads happen.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { PromiseDelegate } from '@lumino/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import plugins from '../src/index';
import type { IStatusModel, IVaultModel } from '../src/tokens';

function plugin(id: string) {
  const found = plugins.find(each => each.id === id);
  if (!found) {
    throw new Error(`no plugin ${id}`);
  }
  return found;
}

describe('the start of a page', () => {
  let requests: string[];
  let restored: PromiseDelegate<void>;
  let vault: IVaultModel;
  let status: IStatusModel;

  beforeEach(() => {
    requests = [];
    restored = new PromiseDelegate<void>();
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async (input: RequestInfo) => {
        const url = new URL((input as Request).url);
        requests.push(url.pathname);
        return new Response(
          JSON.stringify(
            url.pathname.endsWith('/status')
              ? { version: '0', api_configured: true, api_url: '' }
              : { tokens: [], active_id: null }
          )
        );
      }
    });
    const app = {
      serviceManager: { serverSettings },
      restored: restored.promise
    } as unknown as JupyterFrontEnd;
    vault = plugin('jupyterlab-mlplatform-tokens:vault').activate(
      app
    ) as IVaultModel;
    status = plugin('jupyterlab-mlplatform-tokens:status').activate(
      app,
      vault
    ) as IStatusModel;
  });

  afterEach(() => {
    vault.dispose();
    (status as unknown as { dispose(): void }).dispose();
  });

  it('requests nothing before the layout is restored', async () => {
    // Long enough for any request started at activation to be sent.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(requests).toEqual([]);
    expect(vault.loaded).toBe(false);
  });

  it('reads the vault and the status once the layout is restored', async () => {
    restored.resolve();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(requests).toEqual(
      expect.arrayContaining([
        '/mlplatform-tokens/tokens',
        '/mlplatform-tokens/status'
      ])
    );
    expect(vault.loaded).toBe(true);
  });
});
