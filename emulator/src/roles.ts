/** Roles of access tokens and the bearer scopes they carry. */

export type TokenType = 'USER' | 'ADMIN';

export const TOKEN_TYPES: readonly TokenType[] = ['USER', 'ADMIN'];

export const SCOPE_USE = 'ml-platform:Use';
export const SCOPE_MANAGE = 'ml-platform:Manage';

/** Scopes a bearer of this role carries. */
export function scopesFor(type: TokenType): string[] {
  return type === 'ADMIN' ? [SCOPE_USE, SCOPE_MANAGE] : [SCOPE_USE];
}

export function isTokenType(value: unknown): value is TokenType {
  return value === 'USER' || value === 'ADMIN';
}

/** A list in Python's repr style, as the platform prints it: `['a', 'b']`. */
function pythonList(items: readonly string[]): string {
  return `[${items.map(item => `'${item}'`).join(', ')}]`;
}

/**
 * The 403 field for a missing scope, e.g.
 * `Token scopes ['ml-platform:Use'] does not contain the following scopes: ['ml-platform:Manage']`.
 */
export function missingScopesText(
  have: readonly string[],
  missing: readonly string[]
): string {
  return `Token scopes ${pythonList(have)} does not contain the following scopes: ${pythonList(missing)}`;
}
