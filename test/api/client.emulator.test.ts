/** @jest-environment node */

/**
 * The client against the emulator over real HTTP: every API story of the
 * design, and each injected fault surfacing as the right typed error. The
 * stories run twice: straight against the emulator, and through a real
 * Jupyter server's upstream pipe on the library backend (the
 * `mlplatform_client` stand-in of `standins/`, aimed at the same emulator);
 * the last test checks that both ran the same stories and prints how many.
 * The faults and the exchange count are about the client's own transport
 * (its retries, timeouts and single exchange) and run straight against the
 * emulator only; how faults end through both backends is
 * `backends.test.ts`.
 */

import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fetch as undiciFetch } from 'undici';

import { type IEmulator, startEmulator } from '../../emulator/src/server';
import {
  ConflictError,
  type IMLPlatformClientOptions,
  MLPlatformClient,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  ServerError,
  TimeoutError,
  TokenRejectedError
} from '../../src/api';
import { TestServer } from '../kernels/server';
import { recordingSleep, rejectionOf, renderError } from './helpers';

const undiciAsFetch = undiciFetch as unknown as typeof fetch;

/** Where the client's calls go: the emulator itself, or a server's pipe. */
type Target = 'emulator' | 'library';
const TARGETS: readonly Target[] = ['emulator', 'library'];

/** The stories that passed, per target, to compare them. */
const ran: Record<Target, string[]> = { emulator: [], library: [] };

interface IVia {
  baseUrl: string;
  fetch: typeof fetch;
  authorizationHeader?: string;
}

describe('MLPlatformClient against the emulator', () => {
  let emulator: IEmulator;
  let dataDir: string;
  let admin: string;
  /** Every secret seen in this test, to be kept out of errors. */
  let secrets: string[];
  /** Where the calls go (the emulator itself unless a block says otherwise). */
  let via: () => IVia = () => ({ baseUrl: emulator.url, fetch: undiciAsFetch });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mlp-client-'));
    emulator = await startEmulator({
      port: 0,
      dataFile: join(dataDir, 'state.json'),
      control: true
    });
  });

  afterAll(async () => {
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await emulator.reset();
    admin = await emulator.seedAdmin('team-admin');
    secrets = [admin];
  });

  function client(
    refreshToken: string | undefined = admin,
    options: Partial<IMLPlatformClientOptions> = {}
  ): MLPlatformClient {
    return new MLPlatformClient({
      ...via(),
      refreshToken,
      retryBaseDelayMs: 5,
      ...options
    });
  }

  async function mint(
    name: string,
    type: 'USER' | 'ADMIN',
    refreshTtl?: string
  ): Promise<string> {
    const minted = await emulator.mintToken({
      name,
      token_type: type,
      refresh_ttl: refreshTtl
    });
    secrets.push(minted.refresh_token);
    return minted.refresh_token;
  }

  /** The error of `call`, checked to carry no secret. */
  async function failure(call: Promise<unknown>): Promise<Error> {
    const error = await rejectionOf(call);
    const text = renderError(error);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    return error;
  }

  describe.each(TARGETS)('stories through the %s', target => {
    let server: TestServer | undefined;
    const direct = via;

    beforeAll(async () => {
      if (target === 'library') {
        server = await TestServer.start('/', {
          backend: 'library',
          apiUrl: emulator.url
        });
        const pipe = server.pipeClient();
        via = () => pipe;
      }
    }, 90000);

    afterAll(async () => {
      via = direct;
      await server?.stop();
    });

    /** A story, recorded for the comparison when it passes. */
    function story(name: string, run: () => Promise<void>): void {
      it(name, async () => {
        await run();
        ran[target].push(name);
      });
    }

    story('who-am-i describes the token in use', async () => {
      const me = await client().whoAmI();
      expect(me).toMatchObject({
        name: 'team-admin',
        type: 'ADMIN',
        issuer_name: 'emulator',
        exp: null
      });
    });

    story('verifyToken checks a pasted token', async () => {
      const user = await mint('alice', 'USER', '24h');
      const info = await MLPlatformClient.verifyToken(via(), user);
      expect(info).toMatchObject({ name: 'alice', type: 'USER' });
      expect(info.exp).not.toBeNull();
    });

    story('an admin lists the project tokens', async () => {
      await mint('alice', 'USER');
      const tokens = await client().listProjectTokens();
      expect(tokens.map(t => t.name).sort()).toEqual(['alice', 'team-admin']);
    });

    story(
      'an admin creates a registration token; redeeming it mints a working token',
      async () => {
        const registered = await client().createRegistrationToken({
          clientName: 'bob',
          role: 'USER',
          accessTtl: '2h45m30s',
          refreshTtl: '720h'
        });
        secrets.push(registered.register_token);
        expect(registered).toMatchObject({
          client_name: 'bob',
          token_type: 'USER',
          refresh_ttl: '720h'
        });

        const redeemed = await client(undefined).redeemRegistrationToken(
          registered.register_token
        );
        secrets.push(redeemed.refresh_token);
        expect(redeemed.token).toMatchObject({
          name: 'bob',
          type: 'USER',
          issuer_name: 'team-admin'
        });

        const me = await client(redeemed.refresh_token).whoAmI();
        expect(me).toEqual(redeemed.token);
      }
    );

    story(
      'an admin deletes a token; the deleted token is then rejected',
      async () => {
        const user = await mint('alice', 'USER');
        const alice = client(user);
        await alice.whoAmI(); // alice now holds a cached bearer

        await client().deleteToken('alice');
        expect((await client().listProjectTokens()).map(t => t.name)).toEqual([
          'team-admin'
        ]);

        // Cached bearer: 403 Forbidden, one re-exchange, refused.
        const cached = await failure(alice.whoAmI());
        expect(cached).toBeInstanceOf(TokenRejectedError);
        // New client: the exchange itself is refused.
        const fresh = await failure(client(user).whoAmI());
        expect(fresh).toBeInstanceOf(TokenRejectedError);
      }
    );

    story('deleting an unknown token → NotFoundError', async () => {
      const error = await failure(client().deleteToken('nobody'));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ status: 404, field: 'name' });
    });

    story(
      'a User token gets PermissionDeniedError on admin calls',
      async () => {
        const user = client(await mint('alice', 'USER'));
        await expect(user.whoAmI()).resolves.toMatchObject({ type: 'USER' });
        // One at a time: a call started before its failure is awaited
        // would reject with nobody listening.
        const calls = [
          () => user.listProjectTokens(),
          () => user.deleteToken('team-admin'),
          () =>
            user.createRegistrationToken({
              clientName: 'carol',
              role: 'ADMIN',
              accessTtl: '1h'
            })
        ];
        for (const call of calls) {
          const error = await failure(call());
          expect(error).toBeInstanceOf(PermissionDeniedError);
          expect(error).not.toBeInstanceOf(TokenRejectedError);
          expect(error).toMatchObject({
            status: 403,
            missingScope: 'ml-platform:Manage'
          });
        }
        // Nothing was deleted.
        expect((await client().listProjectTokens()).length).toBe(2);
      }
    );

    story(
      'an expired token (emulator clock) → TokenRejectedError',
      async () => {
        const user = await mint('alice', 'USER', '1h');
        const alice = client(user);
        await alice.whoAmI();
        await emulator.advance(3601);
        expect(await failure(alice.whoAmI())).toBeInstanceOf(
          TokenRejectedError
        );
        expect(await failure(client(user).whoAmI())).toBeInstanceOf(
          TokenRejectedError
        );
      }
    );

    story(
      'an expired bearer is replaced transparently (401 → one re-exchange)',
      async () => {
        const admins = client();
        await admins.whoAmI();
        const before = emulator.stats()['POST /auth/refresh'];
        await emulator.advance(301); // past the 300 s bearer, not the token
        await expect(admins.whoAmI()).resolves.toMatchObject({
          name: 'team-admin'
        });
        expect(emulator.stats()['POST /auth/refresh']).toBe(before + 1);
      }
    );

    story('a used registration token → TokenRejectedError', async () => {
      const { register_token: value } = await client().createRegistrationToken({
        clientName: 'bob',
        role: 'USER',
        accessTtl: '1h'
      });
      secrets.push(value);
      const redeemer = client(undefined);
      const { refresh_token: minted } =
        await redeemer.redeemRegistrationToken(value);
      secrets.push(minted);
      const error = await failure(redeemer.redeemRegistrationToken(value));
      expect(error).toBeInstanceOf(TokenRejectedError);
      expect(error.message).toContain('registration token');
    });

    story('an expired registration token → TokenRejectedError', async () => {
      const { register_token: value } = await client().createRegistrationToken({
        clientName: 'bob',
        role: 'USER',
        accessTtl: '10m'
      });
      secrets.push(value);
      await emulator.advance(601);
      const error = await failure(
        client(undefined).redeemRegistrationToken(value)
      );
      expect(error).toBeInstanceOf(TokenRejectedError);
    });

    story('a name already used → ConflictError', async () => {
      await mint('alice', 'USER');
      const error = await failure(
        client().createRegistrationToken({
          clientName: 'alice',
          role: 'USER',
          accessTtl: '1h'
        })
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ status: 409, field: 'client_name' });
    });

    story(
      'a name taken before redemption → ConflictError on redeem',
      async () => {
        const { register_token: value } =
          await client().createRegistrationToken({
            clientName: 'bob',
            role: 'USER',
            accessTtl: '1h'
          });
        secrets.push(value);
        await mint('bob', 'ADMIN');
        const error = await failure(
          client(undefined).redeemRegistrationToken(value)
        );
        expect(error).toBeInstanceOf(ConflictError);
      }
    );
  });

  describe('faults', () => {
    beforeEach(() => {
      emulator.resetStats();
    });

    afterEach(() => {
      emulator.clearFaults();
    });

    it('latency beyond the timeout → TimeoutError after 3 tries', async () => {
      emulator.addFault({
        kind: 'latency',
        latency_ms: 2000,
        method: 'GET',
        path_prefix: '/tokens/me'
      });
      const error = await failure(client(admin, { timeoutMs: 100 }).whoAmI());
      expect(error).toBeInstanceOf(TimeoutError);
      expect(emulator.stats()['GET /tokens/me']).toBe(3);
    });

    it('503 with Retry-After, then success → a GET succeeds after waiting', async () => {
      emulator.addFault({
        kind: 'status',
        status: 503,
        retry_after: 1,
        count: 1,
        method: 'GET',
        path_prefix: '/tokens'
      });
      const sleeper = recordingSleep();
      const tokens = await client(admin, {
        sleep: sleeper.sleep
      }).listProjectTokens();
      expect(tokens.map(t => t.name)).toEqual(['team-admin']);
      expect(sleeper.waits).toEqual([1000]);
      expect(emulator.stats()['GET /tokens']).toBe(2);
    });

    it('503 with Retry-After → a creating POST fails at once with ServerError', async () => {
      emulator.addFault({
        kind: 'status',
        status: 503,
        retry_after: 1,
        count: 1,
        method: 'POST',
        path_prefix: '/register-tokens'
      });
      const sleeper = recordingSleep();
      const error = await failure(
        client(admin, { sleep: sleeper.sleep }).createRegistrationToken({
          clientName: 'bob',
          role: 'USER',
          accessTtl: '1h'
        })
      );
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1 });
      expect(sleeper.waits).toEqual([]);
      expect(emulator.stats()['POST /register-tokens']).toBe(1);
    });

    it('a lost answer to a redeem is not repeated (the token may be minted)', async () => {
      const { register_token: value } = await client().createRegistrationToken({
        clientName: 'bob',
        role: 'USER',
        accessTtl: '1h'
      });
      secrets.push(value);
      emulator.addFault({
        kind: 'status',
        status: 502,
        count: 1,
        method: 'POST',
        path_prefix: '/register-tokens/redeem',
        process: true
      });
      const error = await failure(
        client(undefined).redeemRegistrationToken(value)
      );
      expect(error).toBeInstanceOf(ServerError);
      expect(emulator.stats()['POST /register-tokens/redeem']).toBe(1);
    });

    it('a dropped connection → NetworkError (GET after 3 tries, POST after 1)', async () => {
      emulator.addFault({
        kind: 'drop',
        method: 'GET',
        path_prefix: '/tokens/me'
      });
      emulator.addFault({
        kind: 'drop',
        method: 'POST',
        path_prefix: '/register-tokens'
      });
      const admins = client();
      expect(await failure(admins.whoAmI())).toBeInstanceOf(NetworkError);
      expect(emulator.stats()['GET /tokens/me']).toBe(3);
      const error = await failure(
        admins.createRegistrationToken({
          clientName: 'bob',
          role: 'USER',
          accessTtl: '1h'
        })
      );
      expect(error).toBeInstanceOf(NetworkError);
      expect(emulator.stats()['POST /register-tokens']).toBe(1);
    });

    it('a malformed JSON body → ProtocolError', async () => {
      emulator.addFault({
        kind: 'malformed-json',
        count: 1,
        method: 'GET',
        path_prefix: '/tokens'
      });
      const error = await failure(client().listProjectTokens());
      expect(error).toBeInstanceOf(ProtocolError);
      expect(emulator.stats()['GET /tokens']).toBe(1);
    });

    it('an HTML page instead of JSON → ProtocolError', async () => {
      emulator.addFault({
        kind: 'non-json',
        count: 1,
        method: 'GET',
        path_prefix: '/tokens/me'
      });
      expect(await failure(client().whoAmI())).toBeInstanceOf(ProtocolError);
    });

    it('a gateway error page (non-JSON 502) → retried, then ServerError', async () => {
      emulator.addFault({
        kind: 'non-json',
        status: 502,
        method: 'GET',
        path_prefix: '/tokens/me'
      });
      const error = await failure(client().whoAmI());
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status: 502 });
      expect(emulator.stats()['GET /tokens/me']).toBe(3);
    });

    it('a failing exchange is retried like a GET', async () => {
      emulator.addFault({
        kind: 'status',
        status: 503,
        count: 2,
        method: 'POST',
        path_prefix: '/auth/refresh'
      });
      await expect(client().whoAmI()).resolves.toMatchObject({
        name: 'team-admin'
      });
      expect(emulator.stats()['POST /auth/refresh']).toBe(3);
    });
  });

  it('50 concurrent calls make one exchange', async () => {
    emulator.resetStats();
    const admins = client();
    await Promise.all(Array.from({ length: 50 }, () => admins.whoAmI()));
    expect(emulator.stats()['POST /auth/refresh']).toBe(1);
    expect(emulator.stats()['GET /tokens/me']).toBe(50);
  });
});

describe('the stories', () => {
  it('ran the same on both targets', () => {
    console.info(
      `stories: ${ran.emulator.length} against the emulator, ${ran.library.length} through the library backend`
    );
    expect(ran.library.length).toBeGreaterThan(10);
    expect([...ran.library].sort()).toEqual([...ran.emulator].sort());
  });
});
