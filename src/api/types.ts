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
/** The API's one error body. */
export type ApiErrorBody = Schemas['Error'];
