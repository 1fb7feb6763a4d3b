/**
 * Every periodic job of the extension, as the application starts it with
 * the default settings and an active Administrator token (so that the
 * project's sections are live): in a hidden tab none of them runs and
 * nothing is sent; in a visible one the server part and the upstream
 * together get at most one request a minute, in fake time.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { Widget } from '@lumino/widgets';

import * as polling from '../../src/polling';
import { InvitationsModel } from '../../src/project/invitations';
import { ProjectTokensModel } from '../../src/project/model';
import { DEFAULT_SETTINGS } from '../../src/settings';
import type {
  IPlatformClient,
  ISavedToken,
  IStatusModel,
  IVaultModel
} from '../../src/tokens';
import { ExpiryWatcher } from '../../src/vault/expiry';
import { RegistrationSection } from '../../src/widgets/RegistrationSection';
import { fakeApp, plugin } from '../plugins';
import { tokenInfo, trans } from '../project/helpers';

const MINUTE = 60_000;
const SRC = join(__dirname, '..', '..', 'src');

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The source files under `dir`, relative to src/. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? sources(path)
      : /\.tsx?$/.test(name)
        ? [relative(SRC, path)]
        : [];
  });
}

const ADMIN: ISavedToken = {
  id: 'admin-1',
  label: 'team',
  fingerprint: '****abcd',
  name: 'team-admin',
  role: 'ADMIN',
  issuer: 'console',
  // Inside the smallest warning window, so the expiry clock has work.
  expires_at: new Date(Date.now() + 30 * MINUTE).toISOString(),
  added_at: '2026-01-02T03:04:05Z',
  verified_at: '2026-01-02T03:04:05Z',
  active: true
};

/** A Poll started, and how often its work ran. */
interface IStarted {
  interval: number;
  ticks: number;
}

describe('every periodic job of an idle tab', () => {
  let requests: string[];
  let started: IStarted[];
  let vault: IVaultModel;
  let status: IStatusModel;
  let project: ProjectTokensModel;
  let invitations: InvitationsModel;
  let registration: RegistrationSection;
  let expiry: ExpiryWatcher;

  const ticks = () => started.reduce((sum, poll) => sum + poll.ticks, 0);

  beforeEach(async () => {
    jest.useFakeTimers();
    setVisibility('visible');
    requests = [];
    started = [];
    const startPoll = polling.startPoll;
    jest
      .spyOn(polling, 'startPoll')
      .mockImplementation((factory, interval, now) => {
        const poll: IStarted = { interval, ticks: 0 };
        started.push(poll);
        return startPoll(
          () => {
            poll.ticks++;
            return factory();
          },
          interval,
          now
        );
      });
    const app = fakeApp({
      requests,
      vault: { tokens: [ADMIN], active_id: ADMIN.id }
    });
    vault = plugin('jupyterlab-mlplatform-tokens:vault').activate(
      app
    ) as IVaultModel;
    status = plugin('jupyterlab-mlplatform-tokens:status').activate(
      app,
      vault
    ) as IStatusModel;
    const client = {
      listProjectTokens: async () => {
        requests.push('/upstream/tokens');
        return [tokenInfo('alpha')];
      }
    } as unknown as IPlatformClient;
    project = new ProjectTokensModel({
      client: () => client,
      source: vault,
      trans,
      refreshInterval: DEFAULT_SETTINGS.projectRefreshSeconds
    });
    invitations = new InvitationsModel({ store: vault, trans });
    registration = new RegistrationSection({
      model: project,
      invitations,
      trans,
      onCreate: () => undefined
    });
    Widget.attach(registration, document.body);
    expiry = new ExpiryWatcher({
      vault,
      windowsHours: DEFAULT_SETTINGS.expiryWarningHours
    });
    // What a page does when it opens: read the vault, list the project.
    await vault.refresh();
    await project.refresh();
    await invitations.refresh();
    await jest.advanceTimersByTimeAsync(1_000);
  });

  afterEach(() => {
    registration.dispose();
    expiry.dispose();
    invitations.dispose();
    project.dispose();
    vault.dispose();
    (status as unknown as { dispose(): void }).dispose();
    jest.restoreAllMocks();
    setVisibility('visible');
    jest.useRealTimers();
  });

  it('are all started here, each through startPoll', () => {
    // Every place in src/ that starts one is exercised by this test.
    const callers = sources(SRC)
      .filter(file => file !== 'polling.ts')
      .filter(file =>
        readFileSync(join(SRC, file), 'utf8').includes('startPoll(')
      )
      .sort();
    expect(callers).toEqual([
      'project/model.ts',
      'server/status.ts',
      'vault/expiry.ts',
      'vault/model.ts',
      'widgets/RegistrationSection.tsx'
    ]);
    const direct = sources(SRC).filter(file =>
      readFileSync(join(SRC, file), 'utf8').includes('new Poll(')
    );
    expect(direct).toEqual(['polling.ts']);
    // The project list refreshes by itself only when a setting says so.
    expect(started.map(poll => poll.interval).sort((a, b) => a - b)).toEqual([
      30_000, // expiry clock
      30_000, // registration tokens' clock
      2 * MINUTE, // saved tokens
      5 * MINUTE // server status
    ]);
    project.refreshInterval = 60;
    expect(started.map(poll => poll.interval)).toContain(MINUTE);
  });

  it('run none of their work in a hidden tab for an hour', async () => {
    // With the project list's own refresh turned on too.
    project.refreshInterval = 60;
    const before = { ticks: ticks(), requests: requests.length };
    setVisibility('hidden');
    await jest.advanceTimersByTimeAsync(60 * MINUTE);
    expect(ticks() - before.ticks).toBe(0);
    expect(requests.slice(before.requests)).toEqual([]);
  });

  it('send at most one request a minute from a visible tab', async () => {
    const before = requests.length;
    await jest.advanceTimersByTimeAsync(60 * MINUTE);
    const sent = requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(60);
    // Only the saved tokens and the status are read again by themselves.
    expect(new Set(sent)).toEqual(
      new Set(['/mlplatform-tokens/tokens', '/mlplatform-tokens/status'])
    );
  });

  it('keep the local clocks going in a visible tab without sending', async () => {
    const before = started.map(poll => poll.ticks);
    const sent = requests.length;
    await jest.advanceTimersByTimeAsync(5 * MINUTE);
    const clocks = started.filter(poll => poll.interval === 30_000);
    expect(clocks).toHaveLength(2);
    for (const clock of clocks) {
      expect(
        clock.ticks - before[started.indexOf(clock)]
      ).toBeGreaterThanOrEqual(9);
    }
    // In five minutes: the saved tokens twice, the status once.
    expect(requests.length - sent).toBeLessThanOrEqual(5);
  });

  it('read again within one interval once the tab is shown', async () => {
    setVisibility('hidden');
    await jest.advanceTimersByTimeAsync(30 * MINUTE);
    const before = requests.length;
    setVisibility('visible');
    await jest.advanceTimersByTimeAsync(5 * MINUTE);
    expect(requests.slice(before)).toEqual(
      expect.arrayContaining([
        '/mlplatform-tokens/tokens',
        '/mlplatform-tokens/status'
      ])
    );
  });
});
