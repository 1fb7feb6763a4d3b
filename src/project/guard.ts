/**
 * What deleting an access token of the project would break.
 */

import type { TokenInfo } from '../api';

/**
 * Risks of deleting one token, each needing an explicit confirmation.
 */
export interface IDeletionRisks {
  /** It is the active token of this JupyterLab. */
  readonly isActive: boolean;
  /** It is the only Administrator token in the project list. */
  readonly isLastAdmin: boolean;
}

/**
 * The risks of deleting `name` from `tokens` while `activeName` is active.
 */
export function deletionRisks(
  name: string,
  tokens: readonly TokenInfo[],
  activeName: string | null
): IDeletionRisks {
  const target = tokens.find(token => token.name === name);
  let admins = 0;
  for (const token of tokens) {
    if (token.type === 'ADMIN') {
      admins++;
    }
  }
  return {
    isActive: activeName !== null && name === activeName,
    isLastAdmin: target?.type === 'ADMIN' && admins === 1
  };
}
