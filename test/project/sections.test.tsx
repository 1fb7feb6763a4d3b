/**
 * The "Project tokens" and "Registration tokens" sections: what a user
 * sees in each state, and what their controls do.
 */

import { Widget } from '@lumino/widgets';

import type { IInvitation } from '../../src/vault/types';
import { InvitationsModel } from '../../src/project/invitations';
import { ProjectTokensModel } from '../../src/project/model';
import { ProjectTokensSection } from '../../src/widgets/ProjectTokensSection';
import { RegistrationSection } from '../../src/widgets/RegistrationSection';
import {
  FakeActive,
  flush,
  manyTokens,
  memoryClient,
  tokenInfo,
  trans
} from './helpers';

/** Type into a React-controlled input. */
function type(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('ProjectTokensSection', () => {
  let section: ProjectTokensSection;
  let model: ProjectTokensModel;
  let deleted: string[];

  function mount(
    active: FakeActive,
    memory: ReturnType<typeof memoryClient>
  ): void {
    model = new ProjectTokensModel({
      client: () => memory.client,
      source: active,
      trans
    });
    deleted = [];
    section = new ProjectTokensSection({
      model,
      trans,
      onDelete: name => deleted.push(name)
    });
    Widget.attach(section, document.body);
  }

  afterEach(() => {
    section.dispose();
    model.dispose();
  });

  it('is titled and explains why it is empty without an active token', async () => {
    mount(new FakeActive(null), memoryClient([]));
    await model.refresh();
    await flush();
    expect(section.title.label).toBe('Project tokens');
    expect(section.node.textContent).toContain('No access token is active');
    expect(section.node.querySelector('ul')).toBeNull();
  });

  it('names the User token that cannot list the project', async () => {
    const memory = memoryClient([tokenInfo('bob')]);
    mount(new FakeActive({ name: 'bob', role: 'USER' }), memory);
    await model.refresh();
    await flush();
    expect(
      section.node.querySelector('.jp-mlpTokens-hiddenReason')!.textContent
    ).toContain('The active token "bob" is a User token');
    expect(memory.calls).toEqual([]);
  });

  it('shows loading, then an error with a way to try again', async () => {
    const memory = memoryClient([tokenInfo('bob')]);
    memory.fail = new Error('boom');
    mount(new FakeActive({ name: 'admin', role: 'ADMIN' }), memory);
    const loading = model.refresh();
    await flush();
    await loading;
    await flush();
    const alert = section.node.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('Something unexpected went wrong');
    memory.fail = null;
    (alert.querySelector('button') as HTMLButtonElement).click();
    await flush();
    expect(section.node.querySelector('[role="alert"]')).toBeNull();
    expect(section.node.textContent).toContain('bob');
  });

  it('shows a loading message while the first list is on its way', async () => {
    const memory = memoryClient([]);
    let release: () => void = () => undefined;
    memory.client.listProjectTokens = () =>
      new Promise(resolve => {
        release = () => resolve([]);
      });
    mount(new FakeActive({ name: 'admin', role: 'ADMIN' }), memory);
    const pending = model.refresh();
    await flush();
    expect(section.node.textContent).toContain('Loading the project');
    release();
    await pending;
    await flush();
    expect(section.node.textContent).toContain(
      'This project has no access tokens.'
    );
  });

  it('renders name, role, issuer, created and expiry as text', async () => {
    const memory = memoryClient([
      tokenInfo('admin', 'ADMIN', { issuer_name: '<b>console</b>' }),
      tokenInfo('bob', 'USER', { exp: '2999-01-01T00:00:00Z' })
    ]);
    mount(new FakeActive({ name: 'admin', role: 'ADMIN' }), memory);
    await model.refresh();
    await flush();
    const rows = section.node.querySelectorAll('.jp-mlpTokens-projectRow');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('Administrator');
    expect(rows[0].textContent).toContain('in use');
    expect(rows[0].querySelector('.jp-mlpTokens-issuer')!.textContent).toBe(
      'issued by <b>console</b>'
    );
    expect(rows[0].querySelector('b')).toBeNull();
    expect(rows[0].querySelector('.jp-mlpTokens-expiry')!.textContent).toBe(
      'never expires'
    );
    expect(rows[1].querySelector('.jp-mlpTokens-expiry')!.textContent).toMatch(
      /^expires .*2999/
    );
    expect(rows[1].querySelector('.jp-mlpTokens-created')!.textContent).toMatch(
      /^created .*2026/
    );
  });

  it('says nothing of the creation time when it is not known', async () => {
    const memory = memoryClient([
      tokenInfo('admin', 'ADMIN'),
      tokenInfo('bob', 'USER', { created_at: '' })
    ]);
    mount(new FakeActive({ name: 'admin', role: 'ADMIN' }), memory);
    await model.refresh();
    await flush();
    const rows = section.node.querySelectorAll('.jp-mlpTokens-projectRow');
    expect(rows[0].querySelector('.jp-mlpTokens-created')).not.toBeNull();
    expect(rows[1].querySelector('.jp-mlpTokens-created')).toBeNull();
    expect(rows[1].textContent).not.toContain('created');
    expect(rows[1].querySelector('.jp-mlpTokens-issuer')!.textContent).toBe(
      'issued by console'
    );
  });

  it('has a labelled filter and a labelled refresh button', async () => {
    const memory = memoryClient([
      tokenInfo('admin', 'ADMIN'),
      tokenInfo('bob')
    ]);
    mount(new FakeActive({ name: 'admin', role: 'ADMIN' }), memory);
    await model.refresh();
    await flush();
    const filter = section.node.querySelector('input[type="search"]')!;
    expect(filter.getAttribute('aria-label')).toBe('Filter project tokens');
    const refresh = section.node.querySelector('.jp-mlpTokens-refresh')!;
    expect(refresh.getAttribute('aria-label')).toBe('Refresh project tokens');
    expect(refresh.getAttribute('title')).toBe('Refresh project tokens');
    memory.tokens.push(tokenInfo('carol'));
    (refresh as HTMLButtonElement).click();
    await flush();
    expect(section.node.textContent).toContain('carol');
  });

  it('filters as the user types and says when nothing matches', async () => {
    mount(
      new FakeActive({ name: 'admin', role: 'ADMIN' }),
      memoryClient([tokenInfo('admin', 'ADMIN'), tokenInfo('bob')])
    );
    await model.refresh();
    await flush();
    const filter = section.node.querySelector(
      'input[type="search"]'
    ) as HTMLInputElement;
    type(filter, 'BO');
    await flush();
    const names = () =>
      [...section.node.querySelectorAll('.jp-mlpTokens-projectName')].map(
        node => node.textContent
      );
    expect(names()).toEqual(['bob']);
    expect(section.node.textContent).toContain('1 of 2 tokens match.');
    type(filter, 'zzz');
    await flush();
    expect(names()).toEqual([]);
    expect(section.node.textContent).toContain(
      'No access token matches "zzz".'
    );
  });

  it('renders the first 50 of 5,000 tokens and more on request', async () => {
    mount(
      new FakeActive({ name: 'admin', role: 'ADMIN' }),
      memoryClient(manyTokens(5000))
    );
    await model.refresh();
    await flush();
    expect(section.node.querySelectorAll('li')).toHaveLength(50);
    expect(section.node.textContent).toContain(
      'Showing 50 of 5,000 matching tokens.'
    );
    (section.node.querySelector('.jp-mlpTokens-more') as HTMLElement).click();
    await flush();
    expect(section.node.querySelectorAll('li')).toHaveLength(300);
  });

  it('asks to delete the token of the row whose button is pressed', async () => {
    mount(
      new FakeActive({ name: 'admin', role: 'ADMIN' }),
      memoryClient([tokenInfo('admin', 'ADMIN'), tokenInfo('bob')])
    );
    await model.refresh();
    await flush();
    const button = section.node.querySelector(
      '[aria-label="Delete access token \\"bob\\""]'
    ) as HTMLButtonElement;
    expect(button.title).toBe('Delete access token "bob"');
    button.click();
    expect(deleted).toEqual(['bob']);
  });
});

describe('RegistrationSection', () => {
  const now = Date.now();
  const note = (name: string, expiresIn: number): IInvitation => ({
    id: `note-${name}`,
    name,
    role: 'USER',
    expires_at: new Date(now + expiresIn).toISOString(),
    refresh_ttl: null,
    created_at: new Date(now).toISOString()
  });

  function setup(role: 'ADMIN' | 'USER', visible = true) {
    const notes = [
      note('dora', 3600_000),
      note('bob', 3600_000),
      note('old', -1000)
    ];
    const store = {
      invitations: jest.fn(async () => notes),
      addInvitation: jest.fn(),
      removeInvitation: jest.fn(async () => undefined)
    };
    const model = new ProjectTokensModel({
      client: () =>
        memoryClient([tokenInfo('admin', 'ADMIN'), tokenInfo('bob')]).client,
      source: new FakeActive({ name: 'admin', role }),
      trans
    });
    const invitations = new InvitationsModel({ store, trans, visible });
    const onCreate = jest.fn();
    const section = new RegistrationSection({
      model,
      invitations,
      trans,
      onCreate
    });
    Widget.attach(section, document.body);
    return { model, invitations, section, store, onCreate };
  }

  it('offers an Administrator to create a registration token', async () => {
    const { model, invitations, section, onCreate } = setup('ADMIN');
    await model.refresh();
    await flush();
    expect(section.title.label).toBe('Registration tokens');
    const create = section.node.querySelector(
      '.jp-mlpTokens-create'
    ) as HTMLButtonElement;
    expect(create.textContent).toBe('Create registration token…');
    create.click();
    expect(onCreate).toHaveBeenCalledTimes(1);
    section.dispose();
    model.dispose();
    invitations.dispose();
  });

  it('tells a User token why it cannot create one', async () => {
    const { model, invitations, section } = setup('USER');
    await model.refresh();
    await flush();
    expect(section.node.querySelector('.jp-mlpTokens-create')).toBeNull();
    expect(section.node.textContent).toContain(
      'Creating registration tokens needs an Administrator token'
    );
    section.dispose();
    model.dispose();
    invitations.dispose();
  });

  it('lists invitations as pending, redeemed or expired, and removes a note', async () => {
    const { model, invitations, section, store } = setup('ADMIN');
    await model.refresh();
    await invitations.refresh();
    await flush();
    const status = (name: string) =>
      section.node.querySelector(
        `[data-name="${name}"] .jp-mlpTokens-invitationStatus`
      )!.textContent;
    expect(status('dora')).toMatch(/^pending, expires /);
    expect(status('bob')).toBe('redeemed');
    expect(status('old')).toBe('expired');
    (
      section.node.querySelector(
        '[aria-label="Remove the note about \\"old\\""]'
      ) as HTMLButtonElement
    ).click();
    await flush();
    expect(store.removeInvitation).toHaveBeenCalledWith('note-old');
    expect(section.node.querySelector('[data-name="old"]')).toBeNull();
    section.dispose();
    model.dispose();
    invitations.dispose();
  });

  it('hides the invitations when the setting says so', async () => {
    const { model, invitations, section } = setup('ADMIN', false);
    await invitations.refresh();
    await flush();
    expect(section.node.querySelector('.jp-mlpTokens-invitations')).toBeNull();
    invitations.visible = true;
    await flush();
    expect(
      section.node.querySelector('.jp-mlpTokens-invitations')
    ).not.toBeNull();
    section.dispose();
    model.dispose();
    invitations.dispose();
  });
});
