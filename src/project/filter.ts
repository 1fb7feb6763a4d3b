/**
 * Filtering the project's token list: a case-insensitive substring of the
 * name, the issuer or the role, fast enough for thousands of tokens.
 */

import type { TokenInfo } from '../api';

/**
 * A token with the lower-cased text a query is matched against.
 */
interface IIndexed {
  readonly token: TokenInfo;
  readonly haystack: string;
}

/**
 * A memoised filter over one list: the list is indexed once, and a query
 * that extends the previous one only scans the previous matches.
 */
export class TokenFilter {
  /**
   * @param tokens - the list to filter
   * @param roleLabels - extra words a role matches (e.g. translated "Administrator")
   */
  constructor(
    tokens: readonly TokenInfo[],
    roleLabels: Readonly<Record<string, string>> = {}
  ) {
    this._all = tokens.map(token => ({
      token,
      haystack: [
        token.name,
        token.issuer_name,
        token.type,
        roleLabels[token.type] ?? ''
      ]
        .join('\n')
        .toLowerCase()
    }));
    this._lastMatches = this._all;
  }

  /**
   * The tokens whose name, issuer or role contains `query` (trimmed,
   * case-insensitive), in list order. An empty query matches everything.
   */
  match(query: string): readonly TokenInfo[] {
    const needle = query.trim().toLowerCase();
    if (needle === this._lastQuery && this._lastResult) {
      return this._lastResult;
    }
    const pool =
      this._lastQuery !== '' && needle.includes(this._lastQuery)
        ? this._lastMatches
        : this._all;
    const matches =
      needle === '' ? this._all : pool.filter(i => i.haystack.includes(needle));
    this._lastQuery = needle;
    this._lastMatches = matches;
    this._lastResult = matches.map(i => i.token);
    return this._lastResult;
  }

  private readonly _all: readonly IIndexed[];
  private _lastQuery = '';
  private _lastMatches: readonly IIndexed[];
  private _lastResult: readonly TokenInfo[] | null = null;
}
