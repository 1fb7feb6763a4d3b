/** @jest-environment node */

/**
 * A vault file damaged while the page is open, against a real Jupyter
 * server: the next read of the vault finds it empty (the server kept the
 * file aside), and the status model reads the server's word on it at once.
 */

import * as fs from 'fs';
import * as path from 'path';

import { StatusModel } from '../../src/server/status';
import { VaultModel } from '../../src/vault/model';
import { TestServer } from '../kernels/server';

describe('a vault set aside while the page is open', () => {
  let server: TestServer;
  let vault: VaultModel;
  let status: StatusModel;

  beforeAll(async () => {
    server = await TestServer.start('/');
  }, 90000);

  afterAll(async () => {
    await server?.stop();
  }, 30000);

  it('reaches the status model with the path of the kept copy', async () => {
    await server.addToken('mlp_rt_set-aside-0123456789abcdef');
    vault = new VaultModel({ serverSettings: server.settings });
    status = new StatusModel({ serverSettings: server.settings, vault });
    try {
      await vault.refresh();
      await status.refresh();
      expect(vault.tokens).toHaveLength(1);
      const before = status.state;
      expect(before.kind === 'ready' && before.status.vault?.path_problem).toBe(
        null
      );

      const file = path.join(server.dir, 'vault', 'vault.json');
      fs.writeFileSync(file, '{"tokens": [{"id": ');
      const answered = new Promise<void>(resolve =>
        status.stateChanged.connect((_, state) => {
          if (state.kind === 'ready' && state.status.vault?.path_problem) {
            resolve();
          }
        })
      );
      await vault.refresh();
      expect(vault.tokens).toHaveLength(0);
      await answered;

      const state = status.state;
      const problem =
        state.kind === 'ready' ? state.status.vault?.path_problem : null;
      expect(problem?.moved_to).toMatch(/vault\.json\.corrupt-/);
      expect(problem?.message).toContain(problem!.moved_to!);
      expect(fs.readFileSync(problem!.moved_to!, 'utf-8')).toBe(
        '{"tokens": [{"id": '
      );
    } finally {
      status.dispose();
      vault.dispose();
    }
  }, 30000);
});
