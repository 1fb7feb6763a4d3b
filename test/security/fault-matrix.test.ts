/** @jest-environment node */

/**
 * Every UI operation × every upstream fault, end to end as the browser does
 * it: typed clients through a real Jupyter server's upstream pipe to the
 * emulator, and the frontend's own redeem and save flows into that server's
 * vault; faults on the operation's own route, and on the bearer exchange in
 * front of it. Each cell checks that the operation ends as the design says
 * it must — in success when a retry can ride the fault out (or the fault
 * does not touch the operation), in a failure with one clear sentence
 * without secrets when the fault outlasts every retry or nothing may be
 * retried — that the vault changes only when the operation worked, and
 * that only idempotent requests were repeated.
 */

import { nullTranslator } from '@jupyterlab/translation';
import { fetch as undiciFetch } from 'undici';

import { type IEmulator, startEmulator } from '../../emulator/src/server';
import {
  type IMLPlatformClientOptions,
  MLPlatformClient,
  type TokenInfo
} from '../../src/api';
import { describeError, type IErrorContext } from '../../src/messages';
import { VaultModel } from '../../src/vault/model';
import { redeemAndSave } from '../../src/vault/redeem';
import { saveToken } from '../../src/vault/save';
import { TestServer } from '../kernels/server';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

/** Time allowed to one attempt; injected latency goes beyond it. */
const TIMEOUT_MS = 1000;
const LATENCY_MS = 1600;
/** The emulator's bearer lifetime (its default) and a step beyond it. */
const BEARER_TTL_SECONDS = 300;

type OpKey =
  'verify' | 'whoami' | 'list' | 'delete' | 'create' | 'redeem' | 'save';

type FaultKey =
  | 'latency'
  | '429'
  | '429+RA'
  | '500'
  | '500+RA'
  | '502'
  | '502+RA'
  | '503'
  | '503+RA'
  | 'drop'
  | 'malformed'
  | 'non-json'
  | 'expired'
  | 'deleted'
  | 'no-role'
  | 'odd-shape';

const OPS: readonly OpKey[] = [
  'verify',
  'whoami',
  'list',
  'delete',
  'create',
  'redeem',
  'save'
];

const FAULTS: readonly FaultKey[] = [
  'latency',
  '429',
  '429+RA',
  '500',
  '500+RA',
  '502',
  '502+RA',
  '503',
  '503+RA',
  'drop',
  'malformed',
  'non-json',
  'expired',
  'deleted',
  'no-role',
  'odd-shape'
];

/** The upstream route each operation calls (null: it calls none). */
const ROUTE: Record<OpKey, { method: string; prefix: string; stat: string }> = {
  verify: { method: 'GET', prefix: '/tokens/me', stat: 'GET /tokens/me' },
  whoami: { method: 'GET', prefix: '/tokens/me', stat: 'GET /tokens/me' },
  list: { method: 'GET', prefix: '/tokens', stat: 'GET /tokens' },
  delete: {
    method: 'DELETE',
    prefix: '/tokens/',
    stat: 'DELETE /tokens/{name}'
  },
  create: {
    method: 'POST',
    prefix: '/register-tokens',
    stat: 'POST /register-tokens'
  },
  redeem: {
    method: 'POST',
    prefix: '/register-tokens/redeem',
    stat: 'POST /register-tokens/redeem'
  },
  // The save goes to the Jupyter server only; faults are still injected
  // on every upstream route to show it does not depend on them.
  save: { method: '', prefix: '/', stat: '*' }
};

const CREATING = new Set<OpKey>(['create', 'redeem']);

/** Where a fault is injected: the operation's route, or the exchange. */
type Target = 'route' | 'exchange';

/** The operations that trade an access token for a bearer first. */
const EXCHANGING: readonly OpKey[] = [
  'verify',
  'whoami',
  'list',
  'delete',
  'create'
];

/** Faults of the exchange route (token states and answers of another shape are covered on the routes). */
const EXCHANGE_FAULTS: readonly FaultKey[] = FAULTS.filter(
  fault => !['expired', 'deleted', 'no-role', 'odd-shape'].includes(fault)
);

/**
 * One-off faults the client's retries ride out: a single 429, 502 or 503
 * with `Retry-After: 1`. (A single 500 is not retried: it is a failure of
 * the platform, not a pause.)
 */
const RIDDEN_OUT = /^(429|502|503)\+RA$/;

/** The operations that need an Administrator token. */
const ADMIN_ONLY = new Set<OpKey>(['list', 'delete', 'create']);

/**
 * How the design says an operation must end under a fault: 'ok' when the
 * fault does not touch it or a retry rides it out, 'fail' (with one clear
 * sentence) when it lasts longer than every retry, when the request may
 * not be repeated, or when the platform refuses it.
 */
function expectedOutcome(
  op: OpKey,
  fault: FaultKey,
  target: Target
): 'ok' | 'fail' {
  if (target === 'exchange') {
    return RIDDEN_OUT.test(fault) ? 'ok' : 'fail';
  }
  if (op === 'save') {
    // It talks to the Jupyter server only.
    return 'ok';
  }
  switch (fault) {
    case 'expired':
      // The expired bearer is traded again.
      return 'ok';
    case 'deleted':
      return 'fail';
    case 'no-role':
      return ADMIN_ONLY.has(op) ? 'fail' : 'ok';
    case 'odd-shape':
      // A minted token is kept whatever its description says; a deletion
      // that happened needs no answer; the other answers cannot be used.
      return op === 'redeem' || op === 'delete' ? 'ok' : 'fail';
    default:
      return RIDDEN_OUT.test(fault) && !CREATING.has(op) ? 'ok' : 'fail';
  }
}

const EXCHANGE = {
  method: 'POST',
  prefix: '/auth/refresh',
  stat: 'POST /auth/refresh'
};

/** describeError's context for each operation, as the UI passes it. */
function contextOf(op: OpKey, name: string): IErrorContext {
  switch (op) {
    case 'list':
      return { action: trans.__("listing the project's access tokens") };
    case 'delete':
      return { action: trans.__('deleting access tokens'), name };
    case 'create':
      return { action: trans.__('creating registration tokens'), name };
    case 'redeem':
      return { token: 'registration' };
    default:
      return {};
  }
}

interface ICell {
  op: OpKey;
  fault: FaultKey;
  target: Target;
  ok: boolean;
  sentence: string | null;
  /** Requests of the operation's own route (all upstream ones for `save`). */
  tries: number;
  /** Statuses the emulator answered on that route, in order. */
  statuses: string[];
  /** Bearer exchanges sent. */
  exchanges: number;
  vaultChanged: boolean;
  /** Problems found; empty for a good cell. */
  problems: string[];
}

interface IVaultState {
  tokens: Array<{ id: string; active: boolean }>;
  active_id: string | null;
}

/**
 * Whether the cell ended as the design says it must (see
 * `expectedOutcome`): a success under a fault that outlasts every retry
 * means the client reported success for an operation that did not happen.
 */
function judgeOutcome(cell: ICell): string[] {
  const expected = expectedOutcome(cell.op, cell.fault, cell.target);
  if (expected === 'ok' && !cell.ok) {
    return [`expected success, got the failure "${cell.sentence}"`];
  }
  if (expected === 'fail' && cell.ok) {
    return ['reported success although the fault must make it fail'];
  }
  return [];
}

/**
 * A failed cell's sentence and vault: one clear sentence without secrets,
 * and nothing changed.
 */
function judgeSentence(cell: ICell, secrets: readonly string[]): string[] {
  const problems: string[] = [];
  const { ok, sentence, vaultChanged } = cell;
  if (ok) {
    return problems;
  }
  if (!sentence || !sentence.trim()) {
    problems.push('no sentence');
  } else {
    if (
      /Something unexpected went wrong|refused the request \(HTTP/.test(
        sentence
      )
    ) {
      problems.push(`generic sentence: ${sentence}`);
    }
    if (!/^\S.*[.]$/.test(sentence) || sentence.includes('\n')) {
      problems.push(`not one sentence: ${sentence}`);
    }
    for (const secret of secrets) {
      if (sentence.includes(secret)) {
        problems.push('sentence carries a token value');
      }
    }
    if (/eyJ[\w-]+\.[\w-]+\./.test(sentence)) {
      problems.push('sentence carries a bearer');
    }
  }
  if (vaultChanged) {
    problems.push('vault changed although the operation failed');
  }
  return problems;
}

/**
 * A fault on the exchange: the operation's own request is sent only with
 * a bearer, at most once for a creating one; the exchange (idempotent) is
 * tried at most three times, and a one-off fault is ridden out with a
 * second exchange.
 */
function judgeExchange(cell: ICell): string[] {
  const problems: string[] = [];
  const { op, fault, ok, tries, exchanges, vaultChanged } = cell;
  if (!ok && tries !== 0) {
    problems.push(`sent ${tries} times without a bearer`);
  } else if (tries > 1) {
    problems.push(`sent ${tries} times`);
  }
  if (exchanges > 3) {
    problems.push(`exchange sent ${exchanges} times`);
  }
  if (RIDDEN_OUT.test(fault) && ok && exchanges !== 2) {
    problems.push(`succeeded after ${exchanges} exchanges, expected 2`);
  }
  if (ok && op === 'verify' && !vaultChanged) {
    problems.push('operation succeeded but nothing was saved');
  }
  return problems;
}

/** What is wrong with a cell, against the design's rules. */
function judge(cell: ICell, secrets: readonly string[]): string[] {
  const problems: string[] = [
    ...judgeOutcome(cell),
    ...judgeSentence(cell, secrets)
  ];
  const { op, fault, ok, tries, statuses, vaultChanged } = cell;
  if (cell.target === 'exchange') {
    return [...problems, ...judgeExchange(cell)];
  }
  if (
    ok &&
    (op === 'verify' || op === 'redeem' || op === 'save') &&
    !vaultChanged
  ) {
    problems.push('operation succeeded but nothing was saved');
  }
  if (CREATING.has(op)) {
    // Sent once; a repeat is allowed only after a 401 (bearer refused,
    // nothing was created).
    const refusedFirst = statuses.slice(0, -1).every(s => s === '401');
    if (tries > 2 || (tries === 2 && !refusedFirst)) {
      problems.push(
        `creating POST sent ${tries} times (${statuses.join(',')})`
      );
    }
  } else if (op !== 'save' && tries > 3 + (fault === 'drop' ? 1 : 0)) {
    // At most three tries of the client. The pipe sends a GET once more
    // when the kept-alive connection it reused closed before any answer,
    // which is what a dropped connection looks like: one more at most.
    problems.push(`sent ${tries} times`);
  }
  if (op === 'save' && tries !== 0) {
    problems.push(`the save sent ${tries} upstream requests`);
  }
  // A one-off fault is ridden out by exactly one repeat.
  if (RIDDEN_OUT.test(fault) && ok && op !== 'save' && tries !== 2) {
    problems.push(`succeeded after ${tries} tries, expected 2`);
  }
  return problems;
}

describe('the fault matrix judge', () => {
  const cell = (change: Partial<ICell>): ICell => ({
    op: 'whoami',
    fault: '503',
    target: 'route',
    ok: false,
    sentence: 'The ML Platform API failed (HTTP 503) — try again later.',
    tries: 3,
    statuses: ['503', '503', '503'],
    exchanges: 1,
    vaultChanged: false,
    problems: [],
    ...change
  });

  it('passes a failure with a clear sentence under a fault that outlasts the retries', () => {
    expect(judge(cell({}), [])).toEqual([]);
  });

  it('passes a success after one repeat under a one-off fault', () => {
    expect(
      judge(cell({ fault: '503+RA', ok: true, sentence: null, tries: 2 }), [])
    ).toEqual([]);
  });

  it.each([
    ['whoami', '503', 'route'],
    ['list', 'drop', 'route'],
    ['delete', 'latency', 'route'],
    ['verify', 'malformed', 'route'],
    ['create', '503+RA', 'route'],
    ['redeem', '502', 'route'],
    ['list', 'deleted', 'route'],
    ['list', 'no-role', 'route'],
    ['whoami', 'odd-shape', 'route'],
    ['create', 'non-json', 'exchange']
  ] as const)(
    'flags a client that reports success for %s under %s (%s)',
    (op, fault, target) => {
      const problems = judge(
        cell({
          op,
          fault,
          target,
          ok: true,
          sentence: null,
          tries: 1,
          vaultChanged: true
        }),
        []
      );
      expect(problems).toContain(
        'reported success although the fault must make it fail'
      );
    }
  );

  it.each([
    ['whoami', '503+RA', 'route'],
    ['create', '429+RA', 'exchange'],
    ['redeem', 'odd-shape', 'route'],
    ['save', 'drop', 'route'],
    ['list', 'expired', 'route']
  ] as const)(
    'flags a failure of %s under %s (%s), which retries or the design ride out',
    (op, fault, target) => {
      expect(judge(cell({ op, fault, target }), [])[0]).toMatch(
        /^expected success, got the failure/
      );
    }
  );

  it('flags an unclear or leaking sentence, and a vault changed by a failure', () => {
    expect(
      judge(cell({ sentence: 'Something unexpected went wrong: x.' }), [])
    ).toEqual(['generic sentence: Something unexpected went wrong: x.']);
    expect(
      judge(cell({ sentence: 'Token mlp_rt_abc was refused.' }), ['mlp_rt_abc'])
    ).toEqual(['sentence carries a token value']);
    expect(judge(cell({ vaultChanged: true }), [])).toEqual([
      'vault changed although the operation failed'
    ]);
  });
});

describe('fault matrix: UI operations × upstream faults', () => {
  let emulator: IEmulator;
  let server: TestServer;
  let admin: string;
  /** The frontend's model of the server's vault. */
  let vaultModel: VaultModel;
  const secrets: string[] = [];
  const log: string[] = [];
  const cells: ICell[] = [];
  let serial = 0;
  const previousApiUrl = process.env.MLPLATFORM_API_URL;

  function pipeOptions(): Omit<IMLPlatformClientOptions, 'refreshToken'> {
    return {
      ...server.pipeClient(),
      timeoutMs: TIMEOUT_MS,
      retryBaseDelayMs: 20
    };
  }

  /** `connection.forToken(value)`. */
  function forToken(value?: string): MLPlatformClient {
    return new MLPlatformClient({ ...pipeOptions(), refreshToken: value });
  }

  /** `connection.active`: reads the active value from the vault when it needs a bearer. */
  function activeClient(): MLPlatformClient {
    return new MLPlatformClient({
      ...pipeOptions(),
      refreshToken: async () => {
        const state = await vault();
        if (state.active_id === null) {
          throw new Error('no active token');
        }
        const answer = await server.api<{ value: string }>(
          `tokens/${encodeURIComponent(state.active_id)}/value`
        );
        return answer.body.value;
      }
    });
  }

  /** A client straight to the emulator, for setting up a cell. */
  function direct(value: string): MLPlatformClient {
    return new MLPlatformClient({
      baseUrl: emulator.url,
      refreshToken: value,
      fetch: undiciFetch as unknown as typeof fetch
    });
  }

  async function vault(): Promise<IVaultState> {
    const answer = await server.api<IVaultState>('tokens');
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** Save a token for setting a cell up (POST /mlplatform-tokens/tokens). */
  async function saveDirect(value: string, info: TokenInfo): Promise<void> {
    const answer = await server.api<{ message?: string }>('tokens', 'POST', {
      value,
      name: info.name,
      role: info.type,
      issuer: info.issuer_name,
      expires_at: info.exp ?? null,
      activate: true
    });
    if (answer.status !== 201 && answer.status !== 200) {
      throw new Error(`saving answered ${answer.status}`);
    }
  }

  /** Empty the vault, then save `value` as the active token. */
  async function activeIs(value: string): Promise<void> {
    for (const token of (await vault()).tokens) {
      await server.api(`tokens/${encodeURIComponent(token.id)}`, 'DELETE');
    }
    const info = await direct(value).whoAmI();
    await saveDirect(value, info);
  }

  /** The add and redeem flows' save: `saveToken` into the vault model. */
  async function save(value: string, description: unknown): Promise<void> {
    await saveToken(vaultModel, value, description, { activate: true });
  }

  async function mint(type: 'USER' | 'ADMIN', prefix: string): Promise<string> {
    const minted = await emulator.mintToken({
      name: `${prefix}-${++serial}`,
      token_type: type
    });
    secrets.push(minted.refresh_token);
    return minted.refresh_token;
  }

  async function registrationToken(): Promise<string> {
    const created = await direct(admin).createRegistrationToken({
      clientName: `invitee-${++serial}`,
      role: 'USER',
      accessTtl: '1h'
    });
    secrets.push(created.register_token);
    return created.register_token;
  }

  function inject(
    op: OpKey,
    fault: FaultKey,
    target: Target,
    oddBody: unknown
  ): void {
    const route = target === 'exchange' ? EXCHANGE : ROUTE[op];
    const where =
      op === 'save' ? {} : { method: route.method, path_prefix: route.prefix };
    const status = /^(\d{3})(\+RA)?$/.exec(fault);
    if (status) {
      // Without Retry-After the fault lasts (to see the sentence); with
      // Retry-After: 1 it is a one-off, as a server asking to come back later.
      emulator.addFault({
        kind: 'status',
        status: Number(status[1]),
        ...(status[2]
          ? { retry_after: 1, count: 1 }
          : { retry_after: undefined }),
        ...where
      });
      return;
    }
    switch (fault) {
      case 'latency':
        emulator.addFault({
          kind: 'latency',
          latency_ms: LATENCY_MS,
          ...where
        });
        return;
      case 'drop':
        emulator.addFault({ kind: 'drop', ...where });
        return;
      case 'malformed':
        emulator.addFault({ kind: 'malformed-json', ...where });
        return;
      case 'non-json':
        emulator.addFault({ kind: 'non-json', ...where });
        return;
      case 'odd-shape':
        // A success whose body differs from the contract. The redeem's
        // carries a token the platform really minted, with a description
        // of another shape; the others' are answers to requests the
        // platform did handle (process).
        emulator.addFault(
          op === 'redeem'
            ? { kind: 'status', status: 201, body: oddBody, count: 1, ...where }
            : {
                kind: 'status',
                status: 200,
                body: { unexpected: true },
                process: true,
                ...where
              }
        );
        return;
      default:
        // expired, deleted and no-role are states of the platform, set up
        // by `prepare`.
        return;
    }
  }

  /**
   * Set the platform and the vault up for a cell; answers the operation to
   * run (after the fault is injected) and the name it is about.
   */
  async function prepare(
    op: OpKey,
    fault: FaultKey
  ): Promise<{ run: () => Promise<void>; name: string; oddBody?: unknown }> {
    const role = fault === 'no-role' ? 'USER' : 'ADMIN';
    if (op === 'verify') {
      const pasted = await mint('USER', 'pasted');
      await activeIs(admin);
      const client = forToken(pasted);
      const run = async (): Promise<void> => {
        const info = await client.whoAmI();
        await save(pasted, info);
      };
      if (fault === 'deleted') {
        await direct(admin).deleteToken(`pasted-${serial}`);
      }
      if (fault === 'expired') {
        // The same check again once the first bearer has expired.
        await client.whoAmI();
        await emulator.advance(BEARER_TTL_SECONDS + 1);
      }
      return { run, name: '' };
    }
    if (op === 'redeem') {
      await activeIs(admin);
      const value = await registrationToken();
      // The redeem flow of the command: redeem, then save with retries.
      const run = async (): Promise<void> => {
        const outcome = await redeemAndSave(value, {
          client: forToken(),
          vault: vaultModel,
          sleep: async () => undefined
        });
        if (outcome.kind === 'unsaved') {
          secrets.push(outcome.value);
          throw outcome.error;
        }
      };
      if (fault === 'deleted') {
        // Already used: gone from the platform.
        const used = await direct('unused').redeemRegistrationToken(value);
        secrets.push(used.refresh_token);
      }
      if (fault === 'expired') {
        await emulator.advance(BEARER_TTL_SECONDS + 1);
      }
      if (fault === 'odd-shape') {
        const minted = await emulator.mintToken({
          name: `odd-${++serial}`,
          token_type: 'USER'
        });
        secrets.push(minted.refresh_token);
        const oddBody = {
          refresh_token: minted.refresh_token,
          token: { ...minted.token, type: 'OWNER', scopes: ['ml-platform:Use'] }
        };
        return { run, name: '', oddBody };
      }
      return { run, name: '' };
    }
    if (op === 'save') {
      const minted = await emulator.mintToken({
        name: `minted-${++serial}`,
        token_type: 'USER'
      });
      secrets.push(minted.refresh_token);
      await activeIs(admin);
      if (fault === 'expired') {
        await emulator.advance(BEARER_TTL_SECONDS + 1);
      }
      if (fault === 'deleted') {
        await direct(admin).deleteToken(minted.token.name);
      }
      return {
        run: () => save(minted.refresh_token, minted.token),
        name: minted.token.name
      };
    }
    // The active token's operations.
    const caller =
      fault === 'deleted'
        ? await mint(role, 'doomed')
        : role === 'USER'
          ? await mint('USER', 'user')
          : admin;
    await activeIs(caller);
    if (fault === 'deleted') {
      await direct(admin).deleteToken(`doomed-${serial}`);
    }
    const client = activeClient();
    const victim = async (): Promise<string> => {
      const name = `victim-${++serial}`;
      const minted = await emulator.mintToken({ name, token_type: 'USER' });
      secrets.push(minted.refresh_token);
      return name;
    };
    const action = async (name: string): Promise<void> => {
      switch (op) {
        case 'whoami':
          await client.whoAmI();
          return;
        case 'list':
          await client.listProjectTokens();
          return;
        case 'delete':
          await client.deleteToken(name);
          return;
        case 'create': {
          const created = await client.createRegistrationToken({
            clientName: name,
            role: 'USER',
            accessTtl: '1h'
          });
          secrets.push(created.register_token);
          return;
        }
      }
    };
    if (fault === 'expired') {
      // A first call leaves a bearer in the client; it then expires.
      await action(op === 'delete' ? await victim() : `invitee-${++serial}`);
      await emulator.advance(BEARER_TTL_SECONDS + 1);
    }
    const name = op === 'delete' ? await victim() : `invitee-${++serial}`;
    return { run: () => action(name), name };
  }

  async function runCell(
    op: OpKey,
    fault: FaultKey,
    target: Target = 'route'
  ): Promise<ICell> {
    emulator.clearFaults();
    const { run, name, oddBody } = await prepare(op, fault);
    const before = JSON.stringify(await vault());
    emulator.resetStats();
    log.length = 0;
    inject(op, fault, target, oddBody);
    let ok = true;
    let sentence: string | null = null;
    try {
      await run();
    } catch (error) {
      ok = false;
      sentence = describeError(error, trans, contextOf(op, name));
    }
    emulator.clearFaults();
    const stats = emulator.stats();
    const after = JSON.stringify(await vault());
    const route = ROUTE[op];
    const tries =
      op === 'save'
        ? Object.values(stats).reduce((sum, n) => sum + n, 0)
        : (stats[route.stat] ?? 0);
    const path = route.prefix.replace(/\/$/, '');
    const statuses = log
      .map(line => line.split(' '))
      .filter(
        ([method, p]) =>
          op !== 'save' &&
          method === route.method &&
          (route.stat.includes('{name}')
            ? p.startsWith(`${path}/`)
            : p === route.prefix)
      )
      .map(parts => parts[2]);
    const cell: ICell = {
      op,
      fault,
      target,
      ok,
      sentence,
      tries,
      statuses,
      exchanges: stats[EXCHANGE.stat] ?? 0,
      vaultChanged: before !== after,
      problems: []
    };
    cell.problems = judge(cell, secrets);
    cells.push(cell);
    return cell;
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      control: true,
      bearerTtlSeconds: BEARER_TTL_SECONDS,
      log: line => log.push(line)
    });
    // TestServer passes its environment on to jupyter server.
    process.env.MLPLATFORM_API_URL = emulator.url;
    server = await TestServer.start('/');
    admin = await emulator.seedAdmin('team-admin');
    vaultModel = new VaultModel({ serverSettings: server.settings });
    secrets.push(admin);
  }, 90000);

  afterAll(async () => {
    if (previousApiUrl === undefined) {
      delete process.env.MLPLATFORM_API_URL;
    } else {
      process.env.MLPLATFORM_API_URL = previousApiUrl;
    }
    vaultModel?.dispose();
    await server?.stop();
    await emulator?.close();
    printMatrix(
      "Faults on each operation's own route",
      cells.filter(cell => cell.target === 'route'),
      OPS,
      FAULTS
    );
    printMatrix(
      'Faults on the bearer exchange (POST /auth/refresh) in front of it',
      cells.filter(cell => cell.target === 'exchange'),
      EXCHANGING,
      EXCHANGE_FAULTS
    );
  }, 30000);

  const grid = OPS.flatMap(op => FAULTS.map(fault => [op, fault] as const));

  it.each(grid)(
    '%s under %s',
    async (op, fault) => {
      const cell = await runCell(op, fault);
      expect(cell.problems).toEqual([]);
    },
    20000
  );

  const exchangeGrid = EXCHANGING.flatMap(op =>
    EXCHANGE_FAULTS.map(fault => [op, fault] as const)
  );

  it.each(exchangeGrid)(
    '%s with the bearer exchange under %s',
    async (op, fault) => {
      const cell = await runCell(op, fault, 'exchange');
      expect(cell.problems).toEqual([]);
    },
    20000
  );
});

function printMatrix(
  title: string,
  cells: readonly ICell[],
  ops: readonly OpKey[],
  faults: readonly FaultKey[]
): void {
  const sentences: string[] = [];
  // Requests counted in a cell: on the operation's route, or exchanges.
  const count = (cell: ICell): number =>
    cell.target === 'exchange' ? cell.exchanges : cell.tries;
  const label = (cell: ICell): string => {
    if (cell.ok) {
      return `ok${count(cell)}`;
    }
    const sentence = cell.sentence ?? '(none)';
    let index = sentences.indexOf(sentence);
    if (index < 0) {
      index = sentences.push(sentence) - 1;
    }
    return `S${index + 1}:${count(cell)}`;
  };
  const width = 10;
  const lines = [
    title,
    ['', ...faults].map(text => text.padEnd(width)).join('')
  ];
  for (const op of ops) {
    const row = faults.map(fault => {
      const cell = cells.find(c => c.op === op && c.fault === fault);
      if (!cell) {
        return '-';
      }
      return `${label(cell)}${cell.problems.length ? '!' : ''}`;
    });
    lines.push([op, ...row].map(text => text.padEnd(width)).join(''));
  }
  const failed = cells.filter(cell => !cell.ok);
  const clear = failed.filter(
    cell => cell.sentence && !cell.problems.some(p => /sentence/.test(p))
  );
  const vaultChanges = failed.filter(cell => cell.vaultChanged).length;
  const badRetries = cells.filter(cell =>
    cell.problems.some(p => /sent \d+ times|upstream requests/.test(p))
  ).length;
  lines.push('');
  const counted =
    cells[0]?.target === 'exchange' ? 'exchanges' : 'requests on its route';
  lines.push(
    `Cell: okN = succeeded after N ${counted}; Sk:N = sentence k after N ${counted}; ! = problem.`
  );
  sentences.forEach((sentence, i) => lines.push(`S${i + 1}: ${sentence}`));
  lines.push('');
  lines.push(
    `cells: ${cells.length}, failures: ${failed.length}, clear sentences: ${clear.length}/${failed.length}, ` +
      `vault changes on failure: ${vaultChanges}, disallowed retries: ${badRetries}`
  );
  for (const cell of cells.filter(c => c.problems.length)) {
    lines.push(
      `PROBLEM ${cell.op} × ${cell.fault}: ${cell.problems.join('; ')} [${cell.statuses.join(',')}]`
    );
  }
  console.info(lines.join('\n'));
}
