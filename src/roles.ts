/**
 * Roles of access tokens as the vendor names them to users.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The role as the vendor names it: "Administrator" or "User".
 */
export function describeRole(role: string, trans: TranslationBundle): string {
  return role === 'ADMIN' ? trans.__('Administrator') : trans.__('User');
}
