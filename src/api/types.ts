/**
 * Names for the contract's schemas, taken from the generated `schema.ts`.
 */

import type { components } from './schema';

type Schemas = components['schemas'];

/** Role of an access token: `USER` or `ADMIN`. */
export type TokenType = Schemas['TokenType'];
/** A bearer scope, e.g. `ml-platform:Manage`. */
export type Scope = Schemas['Scope'];
/** Description of an access token (never its value). */
export type TokenInfo = Schemas['TokenInfo'];
/** Answer of `GET /tokens`. */
export type TokenList = Schemas['TokenList'];
/** Answer of `POST /auth/refresh`. */
export type BearerResponse = Schemas['BearerResponse'];
/** Body of `POST /register-tokens`. */
export type CreateRegisterTokenRequest = Schemas['CreateRegisterTokenRequest'];
/** Answer of `POST /register-tokens`: the registration token, shown once. */
export type RegisterToken = Schemas['RegisterToken'];
/** Answer of `POST /register-tokens/redeem`: the new access token, shown once. */
export type RedeemResponse = Schemas['RedeemResponse'];
/**
 * What the client gives back of a redeem answer: the new access token's
 * value, checked to be usable, and the platform's description of it as
 * sent. The description is a `TokenInfo` by the contract but is not
 * checked: the platform has minted the token by then, and an answer that
 * differs from our reconstruction of the contract must not cost the user
 * the token (a registration token works once).
 */
export interface IMintedToken {
  /** Printable ASCII without spaces, 1–4096 characters. */
  readonly refresh_token: string;
  /** The description, unchecked (see `metadataOf` in `vault/metadata.ts`). */
  readonly token: unknown;
}
/** The API's one error body. */
export type ApiErrorBody = Schemas['Error'];
