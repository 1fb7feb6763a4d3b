/**
 * The active token's details: what the platform says, row by row, and no
 * row for what a backend does not know.
 */

import { showDialog } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import type { Widget } from '@lumino/widgets';

import type { TokenInfo } from '../../src/api/types';
import type { IActionContext } from '../../src/tokens';
import { showWhoAmI } from '../../src/vault/actions';

jest.mock('@jupyterlab/apputils', () => ({
  ...jest.requireActual('@jupyterlab/apputils'),
  showDialog: jest.fn()
}));

const INFO: TokenInfo = {
  id: 't1',
  name: 'team',
  type: 'ADMIN',
  issuer_name: 'console',
  created_at: '2026-01-02T03:04:05Z',
  exp: null
};

async function rowsShownFor(info: TokenInfo): Promise<string[]> {
  let body: Widget | undefined;
  jest.mocked(showDialog).mockImplementation(async options => {
    body = options?.body as Widget;
    return {
      button: { accept: true } as never,
      isChecked: null,
      value: null
    };
  });
  const context = {
    trans: nullTranslator.load('jupyterlab_mlplatform_tokens'),
    connection: { active: { whoAmI: async () => info } },
    vault: { active: { fingerprint: '****ab12' } }
  } as unknown as IActionContext;
  await showWhoAmI(context);
  return Array.from(body!.node.querySelectorAll('dt')).map(
    term => term.textContent ?? ''
  );
}

describe('showWhoAmI', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows every fact the platform gave', async () => {
    expect(await rowsShownFor(INFO)).toEqual([
      'Name',
      'Role',
      'Issued by',
      'Created',
      'Expiry',
      'Fingerprint'
    ]);
  });

  it('leaves out the creation time when it is not known', async () => {
    expect(await rowsShownFor({ ...INFO, created_at: '' })).toEqual([
      'Name',
      'Role',
      'Issued by',
      'Expiry',
      'Fingerprint'
    ]);
  });
});
