/**
 * Input rules of the ML Platform API, as stated by the contract
 * (`api/openapi.yaml`: schemas `TokenName`, `Ttl`, `CreateRegisterTokenRequest`).
 *
 * This is the one place the client keeps them; `test/api/validate.test.ts`
 * checks them against the contract file.
 */

/**
 * Access-token names: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, but not
 * `.` or `..` (they would name another path in `/tokens/{name}`).
 */
export const TOKEN_NAME_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;

/** Longest access-token name. */
export const TOKEN_NAME_MAX_LENGTH = 64;

/** Roles an access token can have. */
export const TOKEN_TYPES = ['USER', 'ADMIN'] as const;

/** Longest registration-token lifetime (`access_ttl`): 30 days, `720h`. */
export const REGISTRATION_TTL_MAX_SECONDS = 720 * 3600;

/** Longest access-token lifetime (`refresh_ttl`): 10 years, `87600h`. */
export const ACCESS_TOKEN_LIFETIME_MAX_SECONDS = 87600 * 3600;

/** Longest TTL any field accepts. */
export const TTL_MAX_SECONDS = ACCESS_TOKEN_LIFETIME_MAX_SECONDS;

/**
 * Longest token value the client sends. The contract promises only
 * "printable ASCII without spaces"; this bound keeps pasted garbage out.
 */
export const TOKEN_VALUE_MAX_LENGTH = 4096;
