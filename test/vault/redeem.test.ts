/** @jest-environment node */

/**
 * Redeeming a registration token end to end: the typed client through a
 * real Jupyter server's upstream pipe to the emulator, and the vault of that
 * server. A token the platform minted is saved whatever its description
 * looks like, the save rides out short server and network failures, and
 * when it cannot be saved the value is handed back so that it is not lost.
 *
 * Faults come from real parts where they can: the emulator answers with a
 * description that differs from the contract, the vault really is full,
 * the server's vault writes really fail (a file-size limit set on the
 * server process, as a full disk does). Only a network failure between the
 * browser and the server is simulated, by the `fetch` of the settings.
 */

import { ServerConnection } from '@jupyterlab/services';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fetch as undiciFetch } from 'undici';

import { type IEmulator, startEmulator } from '../../emulator/src/server';
import {
  MLPlatformClient,
  ProtocolError,
  ServerError,
  type TokenInfo
} from '../../src/api';
import { PlatformConnection } from '../../src/platform/connection';
import { ServerExtensionError } from '../../src/server/request';
import { VaultModel } from '../../src/vault/model';
import { redeemAndSave, type RedeemOutcome } from '../../src/vault/redeem';
import { TestServer } from '../kernels/server';

const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');

/** The value an unsaved outcome hands back (none before it did). */
function valueOf(outcome: RedeemOutcome): unknown {
  return 'value' in outcome ? outcome.value : undefined;
}

describe('redeemAndSave against the emulator and a real Jupyter server', () => {
  let emulator: IEmulator;
  let server: TestServer;
  let admin: string;
  let serial = 0;
  /** POST /mlplatform-tokens/tokens requests sent by the vault model. */
  let saves = 0;
  /** How many of the next saves fail as a network failure would. */
  let failSaves = 0;
  let vault: VaultModel;
  let connection: PlatformConnection;
  const previousApiUrl = process.env.MLPLATFORM_API_URL;

  /** The server's settings, with a `fetch` that counts (and fails) saves. */
  function settings(): ServerConnection.ISettings {
    const base = server.settings;
    return ServerConnection.makeSettings({
      ...base,
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        const request = input instanceof Request ? input : null;
        const method = (request?.method ?? init?.method ?? 'GET').toUpperCase();
        const url = new URL(request?.url ?? String(input));
        if (
          method === 'POST' &&
          url.pathname.endsWith('/mlplatform-tokens/tokens')
        ) {
          saves++;
          if (failSaves > 0) {
            failSaves--;
            throw new TypeError('fetch failed');
          }
        }
        return base.fetch(input, init);
      }
    });
  }

  function direct(value: string): MLPlatformClient {
    return new MLPlatformClient({
      baseUrl: emulator.url,
      refreshToken: value,
      fetch: undiciFetch as unknown as typeof fetch
    });
  }

  async function registrationToken(): Promise<{
    value: string;
    name: string;
  }> {
    const name = `invitee-${++serial}`;
    const created = await direct(admin).createRegistrationToken({
      clientName: name,
      role: 'USER',
      accessTtl: '1h'
    });
    return { value: created.register_token, name };
  }

  /** The redeem route answers once with `body` (status 201). */
  function redeemAnswers(body: unknown): void {
    emulator.addFault({
      kind: 'status',
      status: 201,
      body,
      count: 1,
      method: 'POST',
      path_prefix: '/register-tokens/redeem'
    });
  }

  /** A token the platform really minted, and its description. */
  async function minted(): Promise<{ value: string; info: TokenInfo }> {
    const token = await emulator.mintToken({ name: `minted-${++serial}` });
    return { value: token.refresh_token, info: token.token };
  }

  async function saved(): Promise<
    Array<{ id: string; name: string; role: string; issuer: string }>
  > {
    const answer = await server.api<{
      tokens: Array<{
        id: string;
        name: string;
        role: string;
        issuer: string;
        expires_at: string | null;
        active: boolean;
      }>;
    }>('tokens');
    return answer.body.tokens;
  }

  async function savedValue(id: string): Promise<string> {
    const answer = await server.api<{ value: string }>(
      `tokens/${encodeURIComponent(id)}/value`
    );
    return answer.body.value;
  }

  /** Limit the size of files the server process writes (null: no limit). */
  function limitServerFileSize(bytes: number | null): void {
    const pid = serverPid();
    execFileSync(PYTHON, [
      '-c',
      'import resource, sys; pid = int(sys.argv[1]); limit = int(sys.argv[2]);' +
        ' hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)[1];' +
        ' resource.prlimit(pid, resource.RLIMIT_FSIZE,' +
        ' (hard if limit < 0 else limit, hard))',
      String(pid),
      String(bytes ?? -1)
    ]);
  }

  function serverPid(): number {
    const flag = `--ServerApp.port=${server.port}`;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      try {
        const args = fs
          .readFileSync(`/proc/${entry}/cmdline`, 'utf-8')
          .split('\0');
        if (args.includes(flag)) {
          return Number(entry);
        }
      } catch {
        // gone meanwhile
      }
    }
    throw new Error('the Jupyter server process was not found');
  }

  /** Options of a redemption; retries wait for nothing and are recorded. */
  function options(waits: number[] = [], onWait?: () => void) {
    return {
      client: connection.forToken(),
      vault,
      fallbackName: 'Redeemed access token',
      sleep: async (ms: number) => {
        waits.push(ms);
        onWait?.();
      }
    };
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, control: true });
    process.env.MLPLATFORM_API_URL = emulator.url;
    server = await TestServer.start('/');
    admin = await emulator.seedAdmin('team-admin');
  }, 90000);

  afterAll(async () => {
    if (previousApiUrl === undefined) {
      delete process.env.MLPLATFORM_API_URL;
    } else {
      process.env.MLPLATFORM_API_URL = previousApiUrl;
    }
    await server?.stop();
    await emulator?.close();
  }, 30000);

  beforeEach(async () => {
    for (const token of await saved()) {
      await server.api(`tokens/${encodeURIComponent(token.id)}`, 'DELETE');
    }
    emulator.clearFaults();
    emulator.resetStats();
    saves = 0;
    failSaves = 0;
    const serverSettings = settings();
    vault = new VaultModel({ serverSettings });
    connection = new PlatformConnection({ vault, serverSettings });
  });

  afterEach(() => {
    connection.dispose();
    vault.dispose();
  });

  it('saves the minted token and makes it active, never sending the redeem twice', async () => {
    const invitation = await registrationToken();
    const outcome = await redeemAndSave(invitation.value, options());
    expect(outcome.kind).toBe('saved');
    const [token] = await saved();
    expect(token).toMatchObject({
      name: invitation.name,
      role: 'USER',
      issuer: 'team-admin',
      active: true
    });
    const me = await direct(await savedValue(token.id)).whoAmI();
    expect(me.name).toBe(invitation.name);
    expect(emulator.stats()['POST /register-tokens/redeem']).toBe(1);
    expect(saves).toBe(1);
  });

  describe('saves it when the description differs from the contract', () => {
    it.each([
      [
        'an unknown role and an extra field',
        (info: TokenInfo) => ({ ...info, type: 'OWNER', scopes: ['all'] }),
        (info: TokenInfo) => ({ name: info.name, role: 'USER' })
      ],
      [
        'a lower-case role and no issuer',
        (info: TokenInfo) => {
          const rest: Partial<TokenInfo> = { ...info };
          delete rest.issuer_name;
          return { ...rest, type: 'admin' };
        },
        (info: TokenInfo) => ({ name: info.name, role: 'ADMIN', issuer: '' })
      ],
      [
        'fields of other types',
        (info: TokenInfo) => ({
          ...info,
          name: 42,
          issuer_name: null,
          exp: 'soon'
        }),
        () => ({
          name: 'Redeemed access token',
          issuer: '',
          expires_at: null
        })
      ],
      [
        'a description that is not an object',
        () => 'alice',
        () => ({ name: 'Redeemed access token', role: 'USER' })
      ],
      [
        'no description at all',
        undefined,
        () => ({ name: 'Redeemed access token', role: 'USER' })
      ]
    ])('%s', async (_, change, expected) => {
      const invitation = await registrationToken();
      const token = await minted();
      redeemAnswers(
        change
          ? { refresh_token: token.value, token: change(token.info) }
          : { refresh_token: token.value }
      );
      const outcome = await redeemAndSave(invitation.value, options());
      expect(outcome.kind).toBe('saved');
      const [record] = await saved();
      expect(record).toMatchObject({ active: true, ...expected(token.info) });
      expect(await savedValue(record.id)).toBe(token.value);
      expect(emulator.stats()['POST /register-tokens/redeem']).toBe(1);
    });
  });

  it('saves it when the name is longer than the server keeps, or not printable', async () => {
    const invitation = await registrationToken();
    const token = await minted();
    const name = `\u0007${'n'.repeat(300)}\u202e`;
    redeemAnswers({
      refresh_token: token.value,
      token: { ...token.info, name, issuer_name: `x\u0000${'i'.repeat(300)}` }
    });
    const outcome = await redeemAndSave(invitation.value, options());
    expect(outcome.kind).toBe('saved');
    const [record] = await saved();
    expect(record.name).toBe('n'.repeat(256));
    expect(record.issuer).toBe(`x${'i'.repeat(255)}`);
    expect(await savedValue(record.id)).toBe(token.value);
  });

  it.each([
    ['a date that does not exist', '2030-02-30T00:00:00Z', null],
    [
      'an offset and nine fraction digits',
      '2031-05-06T07:08:09.123456789+05:30',
      '2031-05-06T01:38:09Z'
    ],
    [
      'a date beyond year 9999 once in UTC',
      '9999-12-31T23:59:59-01:00',
      '9999-12-31T23:59:59Z'
    ],
    ['words', 'next week', null]
  ])('saves it when the expiry is %s', async (_, exp, expiresAt) => {
    const invitation = await registrationToken();
    const token = await minted();
    redeemAnswers({
      refresh_token: token.value,
      token: { ...token.info, exp }
    });
    const outcome = await redeemAndSave(invitation.value, options());
    expect(outcome.kind).toBe('saved');
    const [record] = await saved();
    expect(record).toMatchObject({ expires_at: expiresAt });
  });

  it('hands the value back with the reason when the vault is full, without retrying', async () => {
    for (let i = 0; i < 100; i++) {
      await server.addToken(`mlp_rt_filler-${i}-0123456789`, false);
    }
    const invitation = await registrationToken();
    const waits: number[] = [];
    const outcome = await redeemAndSave(invitation.value, options(waits));
    expect(outcome.kind).toBe('unsaved');
    const value = valueOf(outcome);
    expect(typeof value).toBe('string');
    // It is the token the platform minted.
    expect((await direct(value as string).whoAmI()).name).toBe(invitation.name);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(ServerExtensionError);
    expect((error as ServerExtensionError).status).toBe(409);
    expect((error as Error).message).toMatch(/already keeps 100 tokens/);
    expect(saves).toBe(1);
    expect(waits).toEqual([]);
  }, 60000);

  it('rides out a failed vault write (a full disk) by trying again', async () => {
    const invitation = await registrationToken();
    const waits: number[] = [];
    limitServerFileSize(1);
    try {
      const outcome = await redeemAndSave(
        invitation.value,
        options(waits, () => limitServerFileSize(null))
      );
      expect(outcome.kind).toBe('saved');
    } finally {
      limitServerFileSize(null);
    }
    expect(saves).toBe(2);
    expect(waits).toHaveLength(1);
    const [record] = await saved();
    expect(record.name).toBe(invitation.name);
  });

  it('hands the value back with the reason when every save fails (500)', async () => {
    const invitation = await registrationToken();
    const waits: number[] = [];
    limitServerFileSize(1);
    let outcome: RedeemOutcome;
    try {
      outcome = await redeemAndSave(invitation.value, options(waits));
    } finally {
      limitServerFileSize(null);
    }
    expect(outcome.kind).toBe('unsaved');
    const error = (outcome as { error: unknown }).error as ServerExtensionError;
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/could not be saved/);
    const value = valueOf(outcome);
    expect((await direct(value as string).whoAmI()).name).toBe(invitation.name);
    // A few tries, waiting longer each time; the redeem itself once.
    expect(saves).toBeGreaterThanOrEqual(3);
    expect(waits).toHaveLength(saves - 1);
    expect([...waits].sort((a, b) => a - b)).toEqual(waits);
    expect(waits[0]).toBeLessThan(waits[waits.length - 1]);
    expect(emulator.stats()['POST /register-tokens/redeem']).toBe(1);
    expect(await saved()).toEqual([]);
  });

  it('rides out network failures on the way to the server', async () => {
    const invitation = await registrationToken();
    failSaves = 2;
    const waits: number[] = [];
    const outcome = await redeemAndSave(invitation.value, options(waits));
    expect(outcome.kind).toBe('saved');
    expect(saves).toBe(3);
    expect(waits).toHaveLength(2);
    expect(emulator.stats()['POST /register-tokens/redeem']).toBe(1);
    expect((await saved())[0].name).toBe(invitation.name);
  });

  it('hands the value back when the server stays unreachable', async () => {
    const invitation = await registrationToken();
    failSaves = 1000;
    const outcome = await redeemAndSave(invitation.value, options());
    expect(outcome.kind).toBe('unsaved');
    expect(typeof valueOf(outcome)).toBe('string');
    const error = (outcome as { error: unknown }).error as ServerExtensionError;
    expect(error).toBeInstanceOf(ServerExtensionError);
    expect(error.status).toBeNull();
  });

  it('never repeats the redeem itself', async () => {
    const invitation = await registrationToken();
    emulator.addFault({
      kind: 'status',
      status: 503,
      method: 'POST',
      path_prefix: '/register-tokens/redeem'
    });
    await expect(
      redeemAndSave(invitation.value, options())
    ).rejects.toBeInstanceOf(ServerError);
    expect(emulator.stats()['POST /register-tokens/redeem']).toBe(1);
    expect(saves).toBe(0);
  });

  it('fails without saving when the answer has no usable token value', async () => {
    const invitation = await registrationToken();
    const token = await minted();
    redeemAnswers({ refresh_token: 'has a space', token: token.info });
    const failure = await redeemAndSave(invitation.value, options()).catch(
      error => error
    );
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).field).toBe('refresh_token');
    expect(saves).toBe(0);
  });
});
