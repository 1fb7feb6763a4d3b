import { authenticate, type ICaller, isExpired, requireScopes } from './auth';
import { type IBearerClaims, newBearerId, signBearer } from './bearer';
import type { IContext } from './context';
import type {
  BearerResponse,
  RedeemResponse,
  RegisterToken,
  TokenInfo,
  TokenList
} from './contract';
import { ApiError, forbidden } from './errors';
import * as fields from './fields';
import { type IRequest, type IResponse, jsonObject } from './http';
import { mintAccessToken } from './mint';
import { SCOPE_MANAGE, scopesFor } from './roles';
import { hashSecret, newRegisterTokenValue } from './secrets';
import { toTokenInfo } from './token-info';
import {
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  REGISTRATION_TTL_MAX_SECONDS
} from './ttl';

type Handler = (
  ctx: IContext,
  req: IRequest,
  params: string[]
) => Promise<IResponse>;

interface IRoute {
  method: string;
  /** The documented path, e.g. `/tokens/{name}`; also the label in request statistics. */
  template: string;
  pattern: RegExp;
  handler: Handler;
}

function caller(ctx: IContext, req: IRequest): ICaller {
  const header = req.headers.authorization;
  return authenticate(ctx, typeof header === 'string' ? header : undefined);
}

function admin(ctx: IContext, req: IRequest): ICaller {
  const who = caller(ctx, req);
  requireScopes(who, [SCOPE_MANAGE]);
  return who;
}

function nameConflict(name: string): ApiError {
  return new ApiError(
    409,
    'client_name',
    `An access token named '${name}' already exists`
  );
}

const refresh: Handler = async (ctx, req) => {
  const body = jsonObject(req.body);
  const value = fields.requiredSecret(body, 'refresh_token');
  const now = ctx.clock.now();
  const token = ctx.store.tokenByHash(hashSecret(value));
  if (token === undefined || isExpired(token, now)) {
    throw forbidden();
  }
  // Millisecond-precise times: the bearer expires exactly `bearerTtlSeconds` after issue, or
  // with its access token if that comes first.
  const expMs = Math.min(
    now + ctx.bearerTtlSeconds * 1000,
    token.exp ?? Infinity
  );
  const claims: IBearerClaims = {
    sub: token.id,
    name: token.name,
    type: token.type,
    scopes: scopesFor(token.type),
    iat: now / 1000,
    exp: expMs / 1000,
    jti: newBearerId()
  };
  const response: BearerResponse = {
    access_token: signBearer(claims, ctx.store.signingKey),
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.floor((expMs - now) / 1000))
  };
  return { status: 200, body: response };
};

const whoAmI: Handler = async (ctx, req) => {
  const body: TokenInfo = toTokenInfo(caller(ctx, req).token);
  return { status: 200, body };
};

const listTokens: Handler = async (ctx, req) => {
  admin(ctx, req);
  const body: TokenList = { tokens: ctx.store.tokens().map(toTokenInfo) };
  return { status: 200, body };
};

const deleteToken: Handler = async (ctx, req, [encodedName]) => {
  admin(ctx, req);
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    name = encodedName;
  }
  if (ctx.store.removeToken(name) === undefined) {
    throw new ApiError(404, 'name', `No access token named '${name}'`);
  }
  await ctx.store.commit();
  return { status: 204 };
};

const createRegisterToken: Handler = async (ctx, req) => {
  const issuer = admin(ctx, req);
  const body = jsonObject(req.body);
  const clientName = fields.tokenName(body, 'client_name');
  const tokenType = fields.tokenType(body, 'token_type');
  const accessTtl = fields.ttl(
    body,
    'access_ttl',
    REGISTRATION_TTL_MAX_SECONDS
  );
  const refreshTtl = fields.optionalTtl(
    body,
    'refresh_ttl',
    ACCESS_TOKEN_LIFETIME_MAX_SECONDS
  );
  if (ctx.store.tokenByName(clientName) !== undefined) {
    throw nameConflict(clientName);
  }
  const now = ctx.clock.now();
  const value = newRegisterTokenValue();
  const expiresAt = now + accessTtl.seconds * 1000;
  ctx.store.pruneRegisterTokens(now);
  ctx.store.addRegisterToken({
    secretSha256: hashSecret(value),
    clientName,
    tokenType,
    createdAt: now,
    expiresAt,
    refreshTtl: refreshTtl?.text ?? null,
    refreshTtlSeconds: refreshTtl?.seconds ?? null,
    issuerName: issuer.token.name
  });
  await ctx.store.commit();
  const response: RegisterToken = {
    register_token: value,
    client_name: clientName,
    token_type: tokenType,
    expires_at: new Date(expiresAt).toISOString(),
    refresh_ttl: refreshTtl?.text ?? null
  };
  return { status: 201, body: response };
};

const redeem: Handler = async (ctx, req) => {
  const body = jsonObject(req.body);
  const hash = hashSecret(fields.requiredSecret(body, 'register_token'));
  const now = ctx.clock.now();
  const registration = ctx.store.registerToken(hash);
  if (registration === undefined || registration.expiresAt <= now) {
    throw forbidden();
  }
  if (ctx.store.tokenByName(registration.clientName) !== undefined) {
    throw nameConflict(registration.clientName);
  }
  ctx.store.removeRegisterToken(hash);
  const { value, record } = mintAccessToken(
    ctx.store,
    {
      name: registration.clientName,
      type: registration.tokenType,
      issuerName: registration.issuerName,
      lifetimeSeconds: registration.refreshTtlSeconds
    },
    now
  );
  await ctx.store.commit();
  const response: RedeemResponse = {
    refresh_token: value,
    token: toTokenInfo(record)
  };
  return { status: 201, body: response };
};

function route(method: string, template: string, handler: Handler): IRoute {
  const source = template
    .split('/')
    .map(part =>
      part.startsWith('{')
        ? '([^/]+)'
        : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    )
    .join('/');
  return { method, template, pattern: new RegExp(`^${source}$`), handler };
}

const ROUTES: IRoute[] = [
  route('POST', '/auth/refresh', refresh),
  route('GET', '/tokens/me', whoAmI),
  route('GET', '/tokens', listTokens),
  route('DELETE', '/tokens/{name}', deleteToken),
  route('POST', '/register-tokens', createRegisterToken),
  route('POST', '/register-tokens/redeem', redeem)
];

/** The documented route a request is for (`METHOD /template`), or null if none. */
export function routeLabel(method: string, path: string): string | null {
  const found = ROUTES.find(r => r.method === method && r.pattern.test(path));
  return found ? `${found.method} ${found.template}` : null;
}

/** Answer an API request. Errors become `ApiError`s; anything else is a bug (500). */
export async function handleApi(
  ctx: IContext,
  req: IRequest
): Promise<IResponse> {
  const candidates = ROUTES.filter(r => r.pattern.test(req.path));
  if (candidates.length === 0) {
    throw new ApiError(404, 'path', 'No such endpoint');
  }
  const found = candidates.find(r => r.method === req.method);
  if (found === undefined) {
    const allow = candidates.map(r => r.method).join(', ');
    throw new ApiError(405, 'method', `Use ${allow} on this endpoint`, {
      Allow: allow
    });
  }
  const params = found.pattern.exec(req.path)?.slice(1) ?? [];
  return found.handler(ctx, req, params);
}
