/** @jest-environment node */

import {
  AbortError,
  ConflictError,
  MLPlatformClient,
  MLPlatformError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TokenRejectedError,
  ValidationError
} from '../../src/api';
import {
  apiError,
  BEARER,
  expectNoSecrets,
  type IMockApi,
  JSON_HEADERS,
  makeClient,
  mockApi,
  ORIGIN,
  REFRESH_TOKEN,
  REGISTER_TOKEN,
  rejectionOf,
  replyBearer,
  SCOPE_FIELD,
  TOKEN_INFO
} from './helpers';

describe('error classes', () => {
  const classes: [string, MLPlatformError][] = [
    ['TokenRejectedError', new TokenRejectedError('x')],
    [
      'PermissionDeniedError',
      new PermissionDeniedError(['ml-platform:Manage'])
    ],
    ['ValidationError', new ValidationError('x', { field: 'access_ttl' })],
    ['ConflictError', new ConflictError('x')],
    ['NotFoundError', new NotFoundError('x')],
    ['RateLimitError', new RateLimitError('x', { retryAfterSeconds: 3 })],
    ['ServerError', new ServerError('x', { status: 503 })],
    ['TimeoutError', new TimeoutError(5)],
    ['NetworkError', new NetworkError('x')],
    ['AbortError', new AbortError()],
    ['ProtocolError', new ProtocolError('x')]
  ];

  it.each(classes)('%s is an MLPlatformError and an Error', (name, error) => {
    expect(error).toBeInstanceOf(MLPlatformError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
    expect(error.stack).toContain(name);
  });

  it('keeps the classes apart', () => {
    for (const [name, error] of classes) {
      const matches = classes.filter(
        ([, other]) => error instanceof other.constructor
      );
      expect(matches.map(([n]) => n)).toEqual([name]);
    }
  });

  it('carries structured fields', () => {
    const error = new PermissionDeniedError(
      ['ml-platform:Manage', 'ml-platform:Use'],
      { status: 403, code: 'ForbiddenException', field: SCOPE_FIELD }
    );
    expect(error).toMatchObject({
      status: 403,
      code: 'ForbiddenException',
      field: SCOPE_FIELD,
      missingScope: 'ml-platform:Manage',
      missingScopes: ['ml-platform:Manage', 'ml-platform:Use']
    });
    expect(new TimeoutError(250).timeoutMs).toBe(250);
    expect(
      new RateLimitError('x', { retryAfterSeconds: 3 }).retryAfterSeconds
    ).toBe(3);
  });
});

describe('answers mapped to errors', () => {
  let api: IMockApi;

  beforeEach(() => {
    api = mockApi();
  });

  afterEach(async () => {
    await api.agent.close();
  });

  /** One authenticated GET /tokens answered with `status` and `body`. */
  async function listFails(
    status: number,
    body: string,
    headers: Record<string, string> = JSON_HEADERS
  ): Promise<Error> {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens', method: 'GET' })
      .reply(status, body, { headers });
    const error = await rejectionOf(
      makeClient(api, { maxTries: 1 }).listProjectTokens()
    );
    expectNoSecrets(error);
    return error;
  }

  it('400 → ValidationError naming the field', async () => {
    const error = await listFails(
      400,
      apiError(400, 'BadRequestException', 'access_ttl')
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      status: 400,
      code: 'BadRequestException',
      field: 'access_ttl'
    });
  });

  it('403 with missing scopes → PermissionDeniedError naming the scope', async () => {
    const error = await listFails(
      403,
      apiError(403, 'ForbiddenException', SCOPE_FIELD)
    );
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({
      status: 403,
      missingScope: 'ml-platform:Manage',
      missingScopes: ['ml-platform:Manage']
    });
    expect(error.message).toBe('The token lacks the scope ml-platform:Manage');
    // Told by the answer alone: no second bearer was asked for.
    expect(api.count('POST /auth/refresh')).toBe(1);
  });

  it('403 Forbidden on a fresh bearer → TokenRejectedError', async () => {
    const error = await listFails(
      403,
      apiError(403, 'ForbiddenException', 'Forbidden')
    );
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(error).not.toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, field: 'Forbidden' });
  });

  it('403 on the exchange → TokenRejectedError', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(403, apiError(403, 'ForbiddenException', 'Forbidden'), {
        headers: JSON_HEADERS
      });
    const error = await rejectionOf(makeClient(api).whoAmI());
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(error.message).toBe(
      'The access token has expired, was deleted or is unknown'
    );
    expectNoSecrets(error);
    expect(api.requests).toEqual(['POST /auth/refresh']);
  });

  it('404 → NotFoundError', async () => {
    const error = await listFails(
      404,
      apiError(404, 'NotFoundException', 'name')
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, field: 'name' });
  });

  it('409 → ConflictError', async () => {
    const error = await listFails(
      409,
      apiError(409, 'ConflictException', 'client_name')
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, field: 'client_name' });
  });

  it('429 → RateLimitError with Retry-After', async () => {
    const error = await listFails(
      429,
      apiError(429, 'TooManyRequestsException', 'Too Many Requests'),
      { ...JSON_HEADERS, 'retry-after': '7' }
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });

  it.each([500, 502, 503, 504])(
    '%i → ServerError, even with a body that is not JSON',
    async status => {
      const error = await listFails(status, '<html>Bad gateway</html>', {
        'content-type': 'text/html',
        'retry-after': '2'
      });
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status, retryAfterSeconds: 2 });
    }
  );

  it('an unexpected status → ProtocolError', async () => {
    const error = await listFails(
      405,
      apiError(405, 'MethodNotAllowedException', 'method')
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('HTTP 405');
  });

  it('a success body that is not JSON → ProtocolError', async () => {
    const error = await listFails(200, 'not json', {
      'content-type': 'text/plain'
    });
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('a success body of the wrong shape → ProtocolError naming the field', async () => {
    const error = await listFails(
      200,
      JSON.stringify({ tokens: [{ name: 1 }] })
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('TokenList.tokens[0].id');
  });

  it('an exchange answer without a bearer → ProtocolError without the body', async () => {
    api.pool
      .intercept({ path: '/auth/refresh', method: 'POST' })
      .reply(
        200,
        { access_token: BEARER, token_type: 'Bearer' },
        { headers: JSON_HEADERS }
      );
    const error = await rejectionOf(makeClient(api).whoAmI());
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ field: 'expires_in' });
    expectNoSecrets(error);
  });

  it('a refused fetch → NetworkError with a sanitised cause', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .replyWithError(new Error(`socket hang up ${BEARER}`));
    const error = await rejectionOf(makeClient(api, { maxTries: 1 }).whoAmI());
    expect(error).toBeInstanceOf(NetworkError);
    const cause = (error as Error & { cause?: Error }).cause;
    expect(cause).toBeInstanceOf(Error);
    expect(cause?.message).toContain('socket hang up ****');
    expectNoSecrets(error);
  });

  it('secrets echoed by the server are masked in the field', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(
        400,
        apiError(400, 'BadRequestException', `bad ${REFRESH_TOKEN} ${BEARER}`),
        { headers: JSON_HEADERS }
      );
    const error = await rejectionOf(makeClient(api).whoAmI());
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('bad **** ****');
    expectNoSecrets(error);
  });

  it('a used registration token → TokenRejectedError about it', async () => {
    api.pool
      .intercept({ path: '/register-tokens/redeem', method: 'POST' })
      .reply(
        403,
        apiError(403, 'ForbiddenException', `Forbidden ${REGISTER_TOKEN}`),
        {
          headers: JSON_HEADERS
        }
      );
    const error = await rejectionOf(
      makeClient(api).redeemRegistrationToken(REGISTER_TOKEN)
    );
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(error.message).toBe(
      'The registration token is unknown, has expired or was already used'
    );
    expectNoSecrets(error);
  });

  it('client-side validation errors send nothing', async () => {
    const client = makeClient(api);
    const errors = [
      await rejectionOf(client.deleteToken('bad name')),
      await rejectionOf(client.redeemRegistrationToken('has space SECRET')),
      await rejectionOf(
        client.createRegistrationToken({
          clientName: 'bob',
          role: 'USER',
          accessTtl: '1d'
        })
      ),
      await rejectionOf(
        MLPlatformClient.verifyToken(
          { baseUrl: ORIGIN, fetch: api.fetch },
          `${REFRESH_TOKEN}\n`
        )
      )
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(ValidationError);
      expectNoSecrets(error);
    }
    expect(api.requests).toEqual([]);
  });

  it('a missing access token → ValidationError before any request', async () => {
    const error = await rejectionOf(
      makeClient(api, { refreshToken: undefined }).whoAmI()
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      field: 'refresh_token',
      code: 'MissingToken'
    });
    expect(api.requests).toEqual([]);
  });

  it('names the tokens it checks as TokenInfo', async () => {
    replyBearer(api);
    api.pool
      .intercept({ path: '/tokens/me', method: 'GET' })
      .reply(200, { ...TOKEN_INFO, type: 'OWNER' }, { headers: JSON_HEADERS });
    const error = await rejectionOf(makeClient(api).whoAmI());
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('TokenInfo.type');
  });
});
