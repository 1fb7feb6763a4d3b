/**
 * The start of a page: nothing of ours is requested before JupyterLab has
 * restored its layout, so that our reads do not compete with its own
 * start-up requests; right after, the first reads happen.
 */

import { PromiseDelegate } from '@lumino/coreutils';

import type { IStatusModel, IVaultModel } from '../src/tokens';
import { fakeApp, plugin } from './plugins';

describe('the start of a page', () => {
  let requests: string[];
  let restored: PromiseDelegate<void>;
  let vault: IVaultModel;
  let status: IStatusModel;

  beforeEach(() => {
    requests = [];
    restored = new PromiseDelegate<void>();
    const app = fakeApp({ requests, restored: restored.promise });
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
