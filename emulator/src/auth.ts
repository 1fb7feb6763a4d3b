import { verifyBearer } from './bearer';
import type { IContext } from './context';
import { ApiError, forbidden, unauthorized } from './errors';
import { missingScopesText } from './roles';
import type { IAccessTokenRecord } from './store';

/** The caller behind a valid bearer. */
export interface ICaller {
  token: IAccessTokenRecord;
  scopes: string[];
}

const AUTHORIZATION_PATTERN = /^Bearer +(\S+)$/i;

/** Whether an access token has passed its lifetime at `now`. */
export function isExpired(token: IAccessTokenRecord, now: number): boolean {
  return token.exp !== null && token.exp <= now;
}

/**
 * Check the `Authorization` header: 401 when it is missing, not `Bearer <token>`, or the bearer is
 * malformed or badly signed; then 403 `Forbidden` when the access token behind it has been deleted
 * or has expired; then 401 when the bearer itself has expired.
 */
export function authenticate(
  ctx: IContext,
  authorization: string | undefined
): ICaller {
  const match =
    authorization === undefined
      ? null
      : AUTHORIZATION_PATTERN.exec(authorization);
  if (!match) {
    throw unauthorized();
  }
  const claims = verifyBearer(match[1], ctx.store.signingKey);
  if (claims === null) {
    throw unauthorized();
  }
  // The access token is judged before the bearer's own expiry, so a deleted or expired token
  // answers 403 at once rather than 401 followed by a failed re-exchange.
  const now = ctx.clock.now();
  const token = ctx.store.tokenById(claims.sub);
  if (token === undefined || isExpired(token, now)) {
    throw forbidden();
  }
  if (claims.exp * 1000 <= now) {
    throw unauthorized();
  }
  return { token, scopes: claims.scopes };
}

/** 403 naming the missing scopes unless the caller has all of `required`. */
export function requireScopes(
  caller: ICaller,
  required: readonly string[]
): void {
  const missing = required.filter(scope => !caller.scopes.includes(scope));
  if (missing.length > 0) {
    throw new ApiError(403, missingScopesText(caller.scopes, missing));
  }
}
