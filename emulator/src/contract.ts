/** Shapes of the API's JSON bodies, taken from the generated contract types. */
import type { components } from '../../src/api/schema';

type Schemas = components['schemas'];

export type TokenInfo = Schemas['TokenInfo'];
export type TokenList = Schemas['TokenList'];
export type BearerResponse = Schemas['BearerResponse'];
export type RegisterToken = Schemas['RegisterToken'];
export type RedeemResponse = Schemas['RedeemResponse'];
