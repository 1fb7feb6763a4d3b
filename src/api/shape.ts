/**
 * Run-time checks that a successful answer has the shape the contract
 * promises. The field lists are typed by the generated schema, so a change
 * of the contract that they miss fails to compile.
 */

import { ProtocolError } from './errors';
import { TOKEN_TYPES } from './limits';
import type {
  BearerResponse,
  IMintedToken,
  RegisterToken,
  TokenInfo,
  TokenList
} from './types';
import { isTokenValue } from './validate';

type Kind = 'string' | 'string?' | 'role' | 'positive' | 'object' | 'array';

type Fields<T> = { [K in keyof T]-?: Kind };

/** The checks of a schema, typed by it, as a list (built once). */
type FieldList<T> = readonly [string, Kind][] & { readonly _of?: T };

function fields<T>(spec: Fields<T>): FieldList<T> {
  return Object.entries(spec) as [string, Kind][];
}

const TOKEN_INFO = fields<TokenInfo>({
  id: 'string',
  name: 'string',
  type: 'role',
  issuer_name: 'string',
  created_at: 'string',
  exp: 'string?'
});

const TOKEN_LIST = fields<TokenList>({ tokens: 'array' });

const BEARER = fields<BearerResponse>({
  access_token: 'string',
  token_type: 'string',
  expires_in: 'positive'
});

const REGISTER_TOKEN = fields<RegisterToken>({
  register_token: 'string',
  client_name: 'string',
  token_type: 'role',
  expires_at: 'string',
  refresh_ttl: 'string?'
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fits(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'string?':
      return value === null || typeof value === 'string';
    case 'role':
      return (TOKEN_TYPES as readonly unknown[]).includes(value);
    case 'positive':
      return typeof value === 'number' && Number.isFinite(value) && value > 0;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

function check<T>(value: unknown, list: FieldList<T>, what: string): T {
  if (!isObject(value)) {
    throw new ProtocolError(
      `Unexpected answer from the ML Platform API: ${what} is not an object`
    );
  }
  for (const [key, kind] of list) {
    if (!fits(value[key], kind)) {
      // Names the field only: its value may be a secret.
      throw new ProtocolError(
        `Unexpected answer from the ML Platform API: ${what}.${key} is missing or invalid`,
        { field: key }
      );
    }
  }
  return value as T;
}

/**
 * Check a `TokenInfo`. Its `created_at` is empty when not known (the
 * contract allows it: the vendor's library does not say it); one that is
 * absent or null is read as not known too.
 */
export function asTokenInfo(value: unknown, what = 'TokenInfo'): TokenInfo {
  const known =
    isObject(value) &&
    (value.created_at === undefined || value.created_at === null)
      ? { ...value, created_at: '' }
      : value;
  return check(known, TOKEN_INFO, what);
}

/** Check a `TokenList` and every token in it. */
export function asTokenList(value: unknown): TokenList {
  const list = check(value, TOKEN_LIST, 'TokenList');
  return {
    ...list,
    tokens: list.tokens.map((token, index) =>
      asTokenInfo(token, `TokenList.tokens[${index}]`)
    )
  };
}

/** Check a `BearerResponse`. */
export function asBearerResponse(value: unknown): BearerResponse {
  const bearer = check(value, BEARER, 'BearerResponse');
  if (
    bearer.access_token === '' ||
    String(bearer.token_type).toLowerCase() !== 'bearer'
  ) {
    throw new ProtocolError(
      'Unexpected answer from the ML Platform API: BearerResponse is not a bearer',
      { field: 'token_type' }
    );
  }
  return bearer;
}

/** Check a `RegisterToken`. */
export function asRegisterToken(value: unknown): RegisterToken {
  const token = check(value, REGISTER_TOKEN, 'RegisterToken');
  if (token.register_token === '') {
    throw new ProtocolError(
      'Unexpected answer from the ML Platform API: RegisterToken.register_token is empty',
      { field: 'register_token' }
    );
  }
  return token;
}

/**
 * Check a redeem answer (`RedeemResponse`) only as far as keeping the new
 * token needs: an object whose `refresh_token` is a usable token value.
 * Its `token` is passed on as sent (see `IMintedToken`).
 */
export function asMintedToken(value: unknown): IMintedToken {
  if (!isObject(value) || !isTokenValue(value.refresh_token)) {
    // Names the field only: its value may be a secret.
    throw new ProtocolError(
      'Unexpected answer from the ML Platform API: RedeemResponse.refresh_token is missing or not a usable token',
      { field: 'refresh_token' }
    );
  }
  return { refresh_token: value.refresh_token, token: value.token };
}
