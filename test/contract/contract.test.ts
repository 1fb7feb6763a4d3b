/** @jest-environment node */
/**
 * The contract's stories end to end over HTTP.
 *
 * By default against an emulator spawned from its command line. With MLPLATFORM_API_URL and
 * MLPLATFORM_TEST_ADMIN_TOKEN set, against that endpoint instead: everything created is deleted
 * afterwards, and the stories that need to move the clock are skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { fetch } from 'undici';

import type { components } from '../../src/api/schema';

type TokenInfo = components['schemas']['TokenInfo'];
type TokenList = components['schemas']['TokenList'];
type BearerResponse = components['schemas']['BearerResponse'];
type RegisterToken = components['schemas']['RegisterToken'];
type RedeemResponse = components['schemas']['RedeemResponse'];

const REAL_URL = process.env.MLPLATFORM_API_URL;
const REAL_ADMIN = process.env.MLPLATFORM_TEST_ADMIN_TOKEN;
const REAL = Boolean(REAL_URL && REAL_ADMIN);
/** Stories that move the emulated clock only run against the emulator. */
const itWithClock = REAL ? it.skip : it;

const ROOT = path.resolve(__dirname, '..', '..');
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MISSING_MANAGE =
  /does not contain the following scopes: \['ml-platform:Manage'\]$/;

interface IResult<T> {
  status: number;
  body: T;
  text: string;
}

let baseUrl = '';
let adminToken = '';
let adminBearer = '';
let child: ChildProcess | null = null;
let dataDir = '';
const created: string[] = [];

async function request<T = Record<string, unknown>>(
  method: string,
  urlPath: string,
  options: { bearer?: string; json?: unknown } = {}
): Promise<IResult<T>> {
  const headers: Record<string, string> = {};
  if (options.bearer) {
    headers.Authorization = `Bearer ${options.bearer}`;
  }
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(baseUrl + urlPath, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json)
  });
  const text = await response.text();
  let body: unknown = undefined;
  if (text.length > 0) {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    body = JSON.parse(text);
  }
  return { status: response.status, body: body as T, text };
}

async function bearerFor(refreshToken: string): Promise<string> {
  const result = await request<BearerResponse>('POST', '/auth/refresh', {
    json: { refresh_token: refreshToken }
  });
  expect(result.status).toBe(200);
  expectBearerResponse(result.body);
  return result.body.access_token;
}

function uniqueName(): string {
  return `contract-${randomBytes(4).toString('hex')}`;
}

function expectDateTime(value: unknown): void {
  expect(typeof value).toBe('string');
  expect(value).toMatch(
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/
  );
  expect(Number.isNaN(Date.parse(value as string))).toBe(false);
}

function expectTokenInfo(value: TokenInfo): void {
  expect(typeof value.id).toBe('string');
  expect(value.name).toMatch(NAME_PATTERN);
  expect(['USER', 'ADMIN']).toContain(value.type);
  expect(typeof value.issuer_name).toBe('string');
  expectDateTime(value.created_at);
  if (value.exp !== null) {
    expectDateTime(value.exp);
  }
}

function expectBearerResponse(value: BearerResponse): void {
  expect(typeof value.access_token).toBe('string');
  expect(value.access_token).toMatch(/^[\x21-\x7e]+$/);
  expect(value.token_type).toBe('Bearer');
  expect(Number.isInteger(value.expires_in)).toBe(true);
  expect(value.expires_in).toBeGreaterThanOrEqual(1);
}

function expectError(
  result: IResult<unknown>,
  status: number,
  field: string | RegExp
): void {
  expect(result.status).toBe(status);
  const body = result.body as components['schemas']['Error'];
  expect(body.status).toBe(status);
  expect(typeof body.errorCode).toBe('string');
  expect(typeof body.errorParams).toBe('object');
  if (typeof field === 'string') {
    expect(body.errorParams.field).toBe(field);
  } else {
    expect(body.errorParams.field).toMatch(field);
  }
}

/** Move the emulator's clock, then renew the administrator's bearer for later stories. */
async function advanceClock(seconds: number): Promise<void> {
  const result = await request('POST', '/_emulator/clock', {
    json: { advance_seconds: seconds }
  });
  expect(result.status).toBe(200);
  adminBearer = await bearerFor(adminToken);
}

async function createRegistration(
  body: Record<string, unknown>
): Promise<IResult<RegisterToken>> {
  const result = await request<RegisterToken>('POST', '/register-tokens', {
    bearer: adminBearer,
    json: body
  });
  if (result.status === 201) {
    created.push(result.body.client_name);
  }
  return result;
}

async function spawnEmulator(): Promise<void> {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mlp-contract-'));
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const main = path.join(ROOT, 'emulator', 'src', 'main.ts');
  const proc = spawn(
    tsx,
    [
      main,
      '--port',
      '0',
      '--data',
      path.join(dataDir, 'state.json'),
      '--seed-admin',
      '--control'
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  child = proc;
  let out = '';
  let err = '';
  proc.stderr?.on('data', chunk => (err += chunk));
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', chunk => {
      out += chunk;
      const url = out.match(/^ML Platform emulator listening on (\S+)$/m);
      const admin = out.match(/^MLPLATFORM_ADMIN_TOKEN=(\S+)$/m);
      if (url && admin) {
        baseUrl = url[1];
        adminToken = admin[1];
        resolve();
      }
    });
    proc.on('exit', code =>
      reject(new Error(`The emulator exited (${code}): ${err}`))
    );
  });
}

beforeAll(async () => {
  if (REAL) {
    baseUrl = (REAL_URL as string).replace(/\/+$/, '');
    adminToken = REAL_ADMIN as string;
    console.info(
      `Contract tests: against the real endpoint ${baseUrl}; clock-dependent stories skipped.`
    );
  } else {
    await spawnEmulator();
    console.info(
      `Contract tests: against a spawned emulator at ${baseUrl}. Real-endpoint mode skipped ` +
        '(set MLPLATFORM_API_URL and MLPLATFORM_TEST_ADMIN_TOKEN to run it).'
    );
  }
  adminBearer = await bearerFor(adminToken);
}, 30000);

afterAll(async () => {
  if (adminBearer) {
    for (const name of created) {
      await request('DELETE', `/tokens/${encodeURIComponent(name)}`, {
        bearer: adminBearer
      });
    }
  }
  if (child && child.exitCode === null) {
    const exited = new Promise(resolve => child?.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (dataDir) {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 30000);

describe('contract: an administrator', () => {
  it('asks who it is', async () => {
    const me = await request<TokenInfo>('GET', '/tokens/me', {
      bearer: adminBearer
    });
    expect(me.status).toBe(200);
    expectTokenInfo(me.body);
    expect(me.body.type).toBe('ADMIN');
  });

  it("lists the project's access tokens, including its own", async () => {
    const me = await request<TokenInfo>('GET', '/tokens/me', {
      bearer: adminBearer
    });
    const list = await request<TokenList>('GET', '/tokens', {
      bearer: adminBearer
    });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.tokens)).toBe(true);
    list.body.tokens.forEach(expectTokenInfo);
    expect(list.body.tokens.map(token => token.name)).toContain(me.body.name);
    expect(list.text).not.toContain(adminToken);
  });

  it('gets 400 naming the field for a bad TTL, name or role', async () => {
    const name = uniqueName();
    expectError(
      await createRegistration({
        client_name: name,
        access_ttl: '1d',
        token_type: 'USER'
      }),
      400,
      'access_ttl'
    );
    expectError(
      await createRegistration({
        client_name: name,
        access_ttl: '1h',
        refresh_ttl: '0s',
        token_type: 'USER'
      }),
      400,
      'refresh_ttl'
    );
    expectError(
      await createRegistration({
        client_name: 'no spaces',
        access_ttl: '1h',
        token_type: 'USER'
      }),
      400,
      'client_name'
    );
    expectError(
      await createRegistration({
        client_name: name,
        access_ttl: '1h',
        token_type: 'ROOT'
      }),
      400,
      'token_type'
    );
  });

  it('gets 404 deleting a token that does not exist', async () => {
    const result = await request('DELETE', `/tokens/${uniqueName()}`, {
      bearer: adminBearer
    });
    expectError(result, 404, 'name');
  });
});

describe('contract: a registration token, from creation to deletion of its access token', () => {
  const name = uniqueName();
  let registration: RegisterToken;
  let redeemed: RedeemResponse;
  let userBearer: string;

  it('is created by the administrator', async () => {
    const before = Date.now();
    const result = await createRegistration({
      client_name: name,
      access_ttl: '2h45m30s',
      refresh_ttl: '1h',
      token_type: 'USER'
    });
    expect(result.status).toBe(201);
    registration = result.body;
    expect(registration.register_token).toMatch(/^[\x21-\x7e]+$/);
    expect(registration.client_name).toBe(name);
    expect(registration.token_type).toBe('USER');
    expect(registration.refresh_ttl).toBe('1h');
    expectDateTime(registration.expires_at);
    expect(Date.parse(registration.expires_at)).toBeGreaterThan(
      before + 2 * 3600 * 1000
    );
  });

  it('refuses a second registration for a name an access token already has (409)', async () => {
    const me = await request<TokenInfo>('GET', '/tokens/me', {
      bearer: adminBearer
    });
    const result = await createRegistration({
      client_name: me.body.name,
      access_ttl: '1h',
      token_type: 'USER'
    });
    expectError(result, 409, 'client_name');
  });

  it('is redeemed without authentication into the described access token', async () => {
    const result = await request<RedeemResponse>(
      'POST',
      '/register-tokens/redeem',
      {
        json: { register_token: registration.register_token }
      }
    );
    expect(result.status).toBe(201);
    redeemed = result.body;
    expect(redeemed.refresh_token).toMatch(/^[\x21-\x7e]+$/);
    expectTokenInfo(redeemed.token);
    expect(redeemed.token.name).toBe(name);
    expect(redeemed.token.type).toBe('USER');
    expect(redeemed.token.exp).not.toBeNull();
    const lifetime =
      Date.parse(redeemed.token.exp as string) -
      Date.parse(redeemed.token.created_at);
    expect(Math.abs(lifetime - 3600 * 1000)).toBeLessThan(5000);
  });

  it('cannot be redeemed twice (403 Forbidden)', async () => {
    const again = await request('POST', '/register-tokens/redeem', {
      json: { register_token: registration.register_token }
    });
    expectError(again, 403, 'Forbidden');
  });

  it('gave a token that works and knows who it is', async () => {
    userBearer = await bearerFor(redeemed.refresh_token);
    const me = await request<TokenInfo>('GET', '/tokens/me', {
      bearer: userBearer
    });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(redeemed.token);
    const list = await request<TokenList>('GET', '/tokens', {
      bearer: adminBearer
    });
    expect(list.body.tokens.map(token => token.name)).toContain(name);
  });

  it('gave a USER token that gets 403 naming ml-platform:Manage on administrator calls', async () => {
    expectError(
      await request('GET', '/tokens', { bearer: userBearer }),
      403,
      MISSING_MANAGE
    );
    const create = await request('POST', '/register-tokens', {
      bearer: userBearer,
      json: { client_name: uniqueName(), access_ttl: '1h', token_type: 'USER' }
    });
    expectError(create, 403, MISSING_MANAGE);
  });

  it('is deleted by the administrator, and the token stops working at once', async () => {
    const result = await request('DELETE', `/tokens/${name}`, {
      bearer: adminBearer
    });
    expect(result.status).toBe(204);
    expect(result.text).toBe('');
    expectError(
      await request('GET', '/tokens/me', { bearer: userBearer }),
      403,
      'Forbidden'
    );
    expectError(
      await request('POST', '/auth/refresh', {
        json: { refresh_token: redeemed.refresh_token }
      }),
      403,
      'Forbidden'
    );
    const list = await request<TokenList>('GET', '/tokens', {
      bearer: adminBearer
    });
    expect(list.body.tokens.map(token => token.name)).not.toContain(name);
  });
});

describe('contract: refusals', () => {
  it('refuses an unknown access token with 403 Forbidden', async () => {
    const result = await request('POST', '/auth/refresh', {
      json: { refresh_token: `unknown-${randomBytes(16).toString('hex')}` }
    });
    expectError(result, 403, 'Forbidden');
  });

  it('refuses an unknown registration token with 403 Forbidden', async () => {
    const result = await request('POST', '/register-tokens/redeem', {
      json: { register_token: `unknown-${randomBytes(16).toString('hex')}` }
    });
    expectError(result, 403, 'Forbidden');
  });

  it('refuses calls without a bearer with 401', async () => {
    expectError(await request('GET', '/tokens/me'), 401, 'Unauthorized');
  });
});

describe('contract: time (emulated clock)', () => {
  itWithClock(
    'expires a bearer after expires_in; a new one works',
    async () => {
      const result = await request<BearerResponse>('POST', '/auth/refresh', {
        json: { refresh_token: adminToken }
      });
      await advanceClock(result.body.expires_in);
      expectError(
        await request('GET', '/tokens/me', {
          bearer: result.body.access_token
        }),
        401,
        'Unauthorized'
      );
      expect(
        (await request('GET', '/tokens/me', { bearer: adminBearer })).status
      ).toBe(200);
    }
  );

  itWithClock(
    'expires a registration token after access_ttl (403 Forbidden)',
    async () => {
      const result = await createRegistration({
        client_name: uniqueName(),
        access_ttl: '90m',
        token_type: 'USER'
      });
      expect(result.status).toBe(201);
      await advanceClock(90 * 60);
      const redeem = await request('POST', '/register-tokens/redeem', {
        json: { register_token: result.body.register_token }
      });
      expectError(redeem, 403, 'Forbidden');
    }
  );

  itWithClock(
    'expires an access token after its lifetime (403 Forbidden)',
    async () => {
      const registration = await createRegistration({
        client_name: uniqueName(),
        access_ttl: '1h',
        refresh_ttl: '45s',
        token_type: 'ADMIN'
      });
      expect(registration.status).toBe(201);
      const redeemed = await request<RedeemResponse>(
        'POST',
        '/register-tokens/redeem',
        {
          json: { register_token: registration.body.register_token }
        }
      );
      const bearer = await bearerFor(redeemed.body.refresh_token);
      expect((await request('GET', '/tokens', { bearer })).status).toBe(200);
      await advanceClock(45);
      expectError(
        await request('GET', '/tokens', { bearer }),
        403,
        'Forbidden'
      );
      expectError(
        await request('POST', '/auth/refresh', {
          json: { refresh_token: redeemed.body.refresh_token }
        }),
        403,
        'Forbidden'
      );
    }
  );
});
