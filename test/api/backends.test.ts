/** @jest-environment node */

/**
 * The typed client through a real Jupyter server's upstream pipe, on both
 * backends of the server part: `http` (forwarded to the emulator) and
 * `library` (made through the `mlplatform_client` stand-in, which calls the
 * same emulator). Every story and every fault must end the same way on both:
 * the same results, the same typed errors, and the same sentence for the
 * user.
 */

import { nullTranslator } from '@jupyterlab/translation';

import { type IEmulator, startEmulator } from '../../emulator/src/server';
import {
  ConflictError,
  MLPlatformClient,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TokenRejectedError
} from '../../src/api';
import { describeError } from '../../src/messages';
import { TestServer } from '../kernels/server';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

type Backend = 'http' | 'library';
const BACKENDS: readonly Backend[] = ['http', 'library'];

/** What each story ended with, per backend, to compare them. */
const outcomes: Record<Backend, Record<string, string>> = {
  http: {},
  library: {}
};

let emulator: IEmulator;
let admin: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true });
  admin = await emulator.seedAdmin('team-admin');
});

afterAll(async () => {
  await emulator.close();
});

describe.each(BACKENDS)('the typed client through the %s backend', backend => {
  let server: TestServer;
  let serial = 0;

  beforeAll(async () => {
    server = await TestServer.start('/', { backend, apiUrl: emulator.url });
  }, 90000);

  afterAll(async () => {
    await server?.stop();
  });

  afterEach(() => {
    emulator.clearFaults();
  });

  function client(refreshToken?: string): MLPlatformClient {
    return new MLPlatformClient({
      ...server.pipeClient(),
      refreshToken,
      timeoutMs: 3000,
      retryBaseDelayMs: 10
    });
  }

  /** The sentence a failure shows (or "ok"), recorded for the comparison. */
  async function record(
    story: string,
    run: () => Promise<unknown>,
    context: Parameters<typeof describeError>[2] = {}
  ): Promise<unknown> {
    try {
      await run();
      outcomes[backend][story] = 'ok';
      return null;
    } catch (error) {
      // Names made for this backend's run read the same on both.
      outcomes[backend][story] = describeError(error, trans, context)
        .split(backend)
        .join('<backend>');
      return error;
    }
  }

  it('tells who a token is, lists, creates, redeems and deletes', async () => {
    const me = await client(admin).whoAmI();
    expect([me.name, me.type]).toEqual(['team-admin', 'ADMIN']);
    const name = `invitee-${backend}-${++serial}`;
    const created = await client(admin).createRegistrationToken({
      clientName: name,
      role: 'USER',
      accessTtl: '1h'
    });
    expect([created.client_name, created.token_type]).toEqual([name, 'USER']);
    const minted = await client().redeemRegistrationToken(
      created.register_token
    );
    expect((minted.token as { name?: string }).name).toBe(name);
    const listed = await client(admin).listProjectTokens();
    expect(listed.map(token => token.name)).toContain(name);
    await client(admin).deleteToken(name);
    expect(
      (await client(admin).listProjectTokens()).map(token => token.name)
    ).not.toContain(name);
  });

  it('throws the same typed errors', async () => {
    const user = (
      await emulator.mintToken({ name: `user-${backend}`, token_type: 'USER' })
    ).refresh_token;
    expect(
      await record('unknown token', () => client('mlp_rt_unknown').whoAmI())
    ).toBeInstanceOf(TokenRejectedError);
    expect(
      await record('used registration token', () =>
        client().redeemRegistrationToken('mlp_reg_unknown')
      )
    ).toBeInstanceOf(TokenRejectedError);
    expect(
      await record('missing role', () => client(user).listProjectTokens())
    ).toBeInstanceOf(PermissionDeniedError);
    expect(
      await record(
        'name taken',
        () =>
          client(admin).createRegistrationToken({
            clientName: `user-${backend}`,
            role: 'USER',
            accessTtl: '1h'
          }),
        { name: `user-${backend}` }
      )
    ).toBeInstanceOf(ConflictError);
    expect(
      await record(
        'unknown name',
        () => client(admin).deleteToken('nobody-by-that-name'),
        { name: 'nobody-by-that-name' }
      )
    ).toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['429 with Retry-After', { kind: 'status', status: 429, retry_after: 2 }],
    ['503', { kind: 'status', status: 503 }],
    ['500', { kind: 'status', status: 500 }],
    ['a dropped connection', { kind: 'drop' }],
    ['a page that is not JSON', { kind: 'non-json', status: 502 }]
  ] as const)('ends a fault of %s the same way', async (story, fault) => {
    const caller = client(admin);
    await caller.whoAmI(); // the bearer is there; the fault hits the call
    emulator.addFault({
      ...fault,
      method: 'GET',
      path_prefix: '/tokens'
    } as Parameters<IEmulator['addFault']>[0]);
    const error = await record(story, () => caller.listProjectTokens());
    expect(error).toBeInstanceOf(
      story.startsWith('429') ? RateLimitError : ServerError
    );
  });

  /*
   * The rest of what the emulator can inject (emulator/src/faults.ts): pages
   * and bodies a proxy or a broken platform might send, replies lost after
   * the work was done, slowness, and faults of the token trade. Here only the
   * sentence counts, compared below: a 200 that is not JSON reaches the
   * browser as its ProtocolError on http and as UpstreamProtocolError from the
   * library, which read the same.
   */
  it.each([
    ['a 200 page that is not JSON', { kind: 'non-json' }],
    ['a 200 with truncated JSON', { kind: 'malformed-json' }],
    ['a 500 with truncated JSON', { kind: 'malformed-json', status: 500 }],
    [
      'a custom error body',
      {
        kind: 'status',
        status: 400,
        body: {
          status: 400,
          errorCode: 'BadRequestException',
          errorParams: { field: 'x' }
        }
      }
    ],
    [
      'a JSON body not in the error shape',
      { kind: 'status', status: 500, body: { oops: 1 } }
    ],
    ['a lost reply', { kind: 'drop', process: true }],
    ['a short slowness', { kind: 'latency', latency_ms: 200, count: 1 }]
  ] as const)(
    'ends a fault of %s on a read the same way',
    async (story, fault) => {
      const caller = client(admin);
      await caller.whoAmI();
      emulator.addFault({
        ...fault,
        method: 'GET',
        path_prefix: '/tokens'
      } as Parameters<IEmulator['addFault']>[0]);
      await record(story, () => caller.listProjectTokens());
    }
  );

  it.each([
    ['503', { kind: 'status', status: 503 }],
    ['403', { kind: 'status', status: 403 }],
    ['a page that is not JSON', { kind: 'non-json' }],
    ['truncated JSON', { kind: 'malformed-json' }],
    ['a dropped connection', { kind: 'drop' }]
  ] as const)(
    'ends a fault of %s on the token trade the same way',
    async (story, fault) => {
      const holder = client(admin);
      await holder.whoAmI(); // traded before the fault
      emulator.addFault({
        ...fault,
        path_prefix: '/auth'
      } as Parameters<IEmulator['addFault']>[0]);
      // A fresh check meets the fault; a client that holds a bearer does not.
      await record(`trade: ${story}`, () => client(admin).whoAmI());
      await record(`trade, bearer held: ${story}`, () =>
        holder.listProjectTokens()
      );
      expect(outcomes[backend][`trade, bearer held: ${story}`]).toBe('ok');
    }
  );
});

describe('both backends', () => {
  it('end every story with the same sentence', () => {
    expect(Object.keys(outcomes.library).sort()).toEqual(
      Object.keys(outcomes.http).sort()
    );
    expect(Object.keys(outcomes.http).length).toBeGreaterThan(25);
    expect(outcomes.library).toEqual(outcomes.http);
  });
});
