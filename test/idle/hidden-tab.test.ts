/**
 * An idle tab: a hidden one sends nothing; a visible one at most one
 * request a minute. Measured on the plugins as the application wires them
 * (the vault's and the status's polls) and on the project list's poll, in
 * fake time.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ServerConnection } from '@jupyterlab/services';

import plugins from '../../src/index';
import { ProjectTokensModel } from '../../src/project/model';
import type {
  IPlatformClient,
  IStatusModel,
  IVaultModel
} from '../../src/tokens';
import { ExpiryWatcher } from '../../src/vault/expiry';
import { FakeActive, tokenInfo, trans } from '../project/helpers';

const MINUTE = 60_000;

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

function plugin(id: string) {
  const found = plugins.find(each => each.id === id);
  if (!found) {
    throw new Error(`no plugin ${id}`);
  }
  return found;
}

describe('an idle tab', () => {
  let requests: string[];
  let vault: IVaultModel;
  let status: IStatusModel;
  let project: ProjectTokensModel;
  let expiry: ExpiryWatcher;

  beforeEach(async () => {
    jest.useFakeTimers();
    setVisibility('visible');
    requests = [];
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
      restored: Promise.resolve()
    } as unknown as JupyterFrontEnd;
    vault = plugin('jupyterlab-mlplatform-tokens:vault').activate(
      app
    ) as IVaultModel;
    status = plugin('jupyterlab-mlplatform-tokens:status').activate(
      app,
      vault
    ) as IStatusModel;
    const client = {
      listProjectTokens: async () => {
        requests.push('/project/tokens');
        return [tokenInfo('alpha')];
      }
    } as unknown as IPlatformClient;
    project = new ProjectTokensModel({
      client: () => client,
      source: new FakeActive({ name: 'admin', role: 'ADMIN' }),
      trans,
      refreshInterval: 30
    });
    expiry = new ExpiryWatcher({ vault });
    await project.refresh();
    // The first reads of a page that opens.
    await jest.advanceTimersByTimeAsync(1_000);
  });

  afterEach(() => {
    expiry.dispose();
    project.dispose();
    vault.dispose();
    (status as unknown as { dispose(): void }).dispose();
    setVisibility('visible');
    jest.useRealTimers();
  });

  it('sends nothing for ten minutes while hidden', async () => {
    const before = requests.length;
    setVisibility('hidden');
    await jest.advanceTimersByTimeAsync(10 * MINUTE);
    expect(requests.slice(before)).toEqual([]);
  });

  it('reads again once it is shown', async () => {
    setVisibility('hidden');
    await jest.advanceTimersByTimeAsync(10 * MINUTE);
    const before = requests.length;
    setVisibility('visible');
    await jest.advanceTimersByTimeAsync(5 * MINUTE);
    expect(requests.slice(before)).toEqual(
      expect.arrayContaining([
        '/mlplatform-tokens/tokens',
        '/mlplatform-tokens/status',
        '/project/tokens'
      ])
    );
  });

  it('reads the server at most once a minute while visible', async () => {
    const before = requests.filter(path => path.startsWith('/mlplatform'));
    await jest.advanceTimersByTimeAsync(30 * MINUTE);
    const after = requests.filter(path => path.startsWith('/mlplatform'));
    expect(after.length - before.length).toBeGreaterThan(0);
    expect(after.length - before.length).toBeLessThanOrEqual(30);
  });
});
