/**
 * The actions behind the commands: the guarded deletion and the creation
 * flow, with the dialogs answered by the test.
 */

import { Notification } from '@jupyterlab/apputils';

import { ConflictError, type RegisterToken } from '../../src/api';
import {
  createRegistrationToken,
  deleteProjectToken
} from '../../src/project/actions';
import { confirmDeletion, pickProjectToken } from '../../src/project/dialogs';
import { deletionRisks } from '../../src/project/guard';
import { InvitationsModel } from '../../src/project/invitations';
import { ProjectTokensModel } from '../../src/project/model';
import type { IProjectTokensModel } from '../../src/project/context';
import { showCreateRegistrationDialog } from '../../src/widgets/dialogs/CreateRegistrationDialog';
import { EMPTY_DRAFT } from '../../src/project/draft';
import { ShowOnceClipboard } from '../../src/clipboard';
import { showRegistrationTokenOnce } from '../../src/widgets/dialogs/ShowOnceDialog';
import { FakeActive, memoryClient, tokenInfo, trans } from './helpers';

jest.mock('../../src/project/dialogs', () => ({
  confirmDeletion: jest.fn(),
  pickProjectToken: jest.fn()
}));
jest.mock('../../src/widgets/dialogs/CreateRegistrationDialog', () => ({
  showCreateRegistrationDialog: jest.fn()
}));
jest.mock('../../src/widgets/dialogs/ShowOnceDialog', () => ({
  showRegistrationTokenOnce: jest.fn(async () => undefined)
}));

const VALUE = 'mlp_reg_SECRET-0123456789abcdef';

describe('deletionRisks', () => {
  const tokens = [
    tokenInfo('boss', 'ADMIN'),
    tokenInfo('me', 'USER'),
    tokenInfo('ops', 'USER')
  ];
  it('flags the active token and the last Administrator token', () => {
    expect(deletionRisks('me', tokens, 'me')).toEqual({
      isActive: true,
      isLastAdmin: false
    });
    expect(deletionRisks('boss', tokens, 'me')).toEqual({
      isActive: false,
      isLastAdmin: true
    });
    expect(deletionRisks('ops', tokens, 'me')).toEqual({
      isActive: false,
      isLastAdmin: false
    });
    expect(
      deletionRisks('boss', [...tokens, tokenInfo('b2', 'ADMIN')], null)
        .isLastAdmin
    ).toBe(false);
  });
});

describe('project actions', () => {
  let project: IProjectTokensModel;
  let tokens: ProjectTokensModel;
  let invitations: InvitationsModel;
  let clipboard: ShowOnceClipboard;
  let memory: ReturnType<typeof memoryClient>;
  let store: {
    invitations: jest.Mock;
    addInvitation: jest.Mock;
    removeInvitation: jest.Mock;
  };
  let active: FakeActive;

  beforeEach(async () => {
    jest.clearAllMocks();
    memory = memoryClient([
      tokenInfo('boss', 'ADMIN'),
      tokenInfo('bob', 'USER')
    ]);
    active = new FakeActive({ name: 'boss', role: 'ADMIN' });
    store = {
      invitations: jest.fn(async () => []),
      addInvitation: jest.fn(async note => ({
        ...note,
        id: 'n1',
        created_at: '2026-01-01T00:00:00Z'
      })),
      removeInvitation: jest.fn()
    };
    tokens = new ProjectTokensModel({
      client: () => memory.client,
      source: active,
      trans
    });
    invitations = new InvitationsModel({ store, trans });
    clipboard = new ShowOnceClipboard();
    project = { tokens, invitations, clipboard };
    await project.tokens.refresh();
  });

  afterEach(() => {
    tokens.dispose();
    invitations.dispose();
    clipboard.dispose();
  });

  it('deletes after one confirmation naming the token', async () => {
    (confirmDeletion as jest.Mock).mockResolvedValue(true);
    const success = jest.spyOn(Notification, 'success');
    expect(await deleteProjectToken({ project, trans }, 'bob')).toBe(true);
    expect(confirmDeletion).toHaveBeenCalledWith(
      'bob',
      { isActive: false, isLastAdmin: false },
      trans
    );
    expect(memory.calls).toContain('delete bob');
    expect(success).toHaveBeenCalledWith(
      'Access token "bob" deleted.',
      expect.anything()
    );
  });

  it('passes the risks of the active, last Administrator token to the confirmation', async () => {
    (confirmDeletion as jest.Mock).mockResolvedValue(false);
    expect(await deleteProjectToken({ project, trans }, 'boss')).toBe(false);
    expect(confirmDeletion).toHaveBeenCalledWith(
      'boss',
      { isActive: true, isLastAdmin: true },
      trans
    );
    expect(memory.calls).not.toContain('delete boss');
  });

  it('asks which token when no name is given', async () => {
    (pickProjectToken as jest.Mock).mockResolvedValue('bob');
    (confirmDeletion as jest.Mock).mockResolvedValue(true);
    expect(await deleteProjectToken({ project, trans })).toBe(true);
    expect((pickProjectToken as jest.Mock).mock.calls[0][0]).toHaveLength(2);
    expect(memory.calls).toContain('delete bob');
  });

  it('tells a User token why it cannot delete', async () => {
    active.set({ name: 'bob', role: 'USER' });
    const error = jest.spyOn(Notification, 'error');
    expect(await deleteProjectToken({ project, trans }, 'boss')).toBe(false);
    expect(error).toHaveBeenCalledWith(
      'Your token is a User token; deleting access tokens needs an Administrator token.'
    );
    expect(confirmDeletion).not.toHaveBeenCalled();
  });

  it('creates a registration token, notes it without its value, then shows it once', async () => {
    const token: RegisterToken = {
      register_token: VALUE,
      client_name: 'dora',
      token_type: 'USER',
      expires_at: '2030-01-01T00:00:00Z',
      refresh_ttl: '48h'
    };
    const create = jest.fn(async () => token);
    (
      memory.client as unknown as Record<string, unknown>
    ).createRegistrationToken = create;
    (showCreateRegistrationDialog as jest.Mock).mockResolvedValue({
      draft: { ...EMPTY_DRAFT, name: 'dora' },
      request: {
        clientName: 'dora',
        role: 'USER',
        accessTtl: '24h',
        refreshTtl: '48h'
      }
    });
    expect(await createRegistrationToken({ project, trans })).toBe(true);
    expect(store.addInvitation).toHaveBeenCalledWith({
      name: 'dora',
      role: 'USER',
      expires_at: '2030-01-01T00:00:00Z',
      refresh_ttl: '48h'
    });
    expect(JSON.stringify(store.addInvitation.mock.calls)).not.toContain(VALUE);
    expect(showRegistrationTokenOnce).toHaveBeenCalledWith(
      expect.objectContaining({ token })
    );
    const noteOrder = store.addInvitation.mock.invocationCallOrder[0];
    const showOrder = (showRegistrationTokenOnce as jest.Mock).mock
      .invocationCallOrder[0];
    expect(noteOrder).toBeLessThan(showOrder);
    expect(project.invitations.notes.map(note => note.name)).toEqual(['dora']);
  });

  it('reopens the form with the sentence when the name is taken', async () => {
    (
      memory.client as unknown as Record<string, unknown>
    ).createRegistrationToken = jest.fn(async () => {
      throw new ConflictError('taken', { status: 409, field: 'client_name' });
    });
    const dialog = showCreateRegistrationDialog as jest.Mock;
    const answer = {
      draft: { ...EMPTY_DRAFT, name: 'bob' },
      request: { clientName: 'bob', role: 'USER', accessTtl: '24h' }
    };
    dialog.mockResolvedValueOnce(answer).mockResolvedValueOnce(null);
    expect(await createRegistrationToken({ project, trans })).toBe(false);
    expect(dialog.mock.calls[1][0]).toMatchObject({
      draft: answer.draft,
      error: 'An access token named "bob" already exists — choose another name.'
    });
    expect(store.addInvitation).not.toHaveBeenCalled();
  });
});
