/**
 * Shapes of the server vault's REST API (`/mlplatform-tokens/tokens`...).
 * Values never appear here except in `ITokenValue`.
 */

/**
 * Role of an access token.
 */
export type Role = 'USER' | 'ADMIN';

/**
 * A saved access token as the browser sees it: no value, a fingerprint.
 */
export interface ISavedToken {
  readonly id: string;
  readonly label: string;
  /** `****abcd`: the last four characters. */
  readonly fingerprint: string;
  /** The token's name on the platform. */
  readonly name: string;
  readonly role: Role;
  readonly issuer: string;
  /** RFC 3339 expiry, or null when the token never expires. */
  readonly expires_at: string | null;
  readonly added_at: string;
  readonly verified_at: string | null;
  readonly active: boolean;
}

/**
 * The list endpoint's answer.
 */
export interface IVaultState {
  readonly tokens: readonly ISavedToken[];
  readonly active_id: string | null;
}

/**
 * What who-am-i said about a token, saved with it.
 */
export interface ITokenMetadata {
  readonly name: string;
  readonly role: Role;
  readonly issuer: string;
  readonly expires_at: string | null;
}

/**
 * The add endpoint's answer, as far as the browser reads it (the server
 * also sends `active_id` and its sentence; the vault reads the list afresh
 * and the actions word their own).
 */
export interface IAddResult {
  readonly token: ISavedToken;
  /** False when the same value was already saved (the existing record). */
  readonly created: boolean;
}

/**
 * A note about a registration token handed out (never its value).
 */
export interface IInvitation {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly expires_at: string;
  readonly refresh_ttl: string | null;
  readonly created_at: string;
}
