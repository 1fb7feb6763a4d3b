/**
 * What the project plugin provides to others: the list of the project's
 * access tokens, the invitation notes and the clipboard guard of show-once
 * dialogs, and its DI token (the extension's other tokens are in the leaf
 * `../tokens.ts`; this one names the classes it hands out).
 */

import { Token } from '@lumino/coreutils';

import type { ISecretClipboard } from '../tokens';

import type { InvitationsModel } from './invitations';
import type { ProjectTokensModel } from './model';

/**
 * What the project plugin provides.
 */
export interface IProjectTokensModel {
  /**
   * The project's access tokens (set `tokens.refreshInterval` from a setting).
   */
  readonly tokens: ProjectTokensModel;
  /**
   * Notes of registration tokens handed out (set `invitations.visible`).
   */
  readonly invitations: InvitationsModel;
  /**
   * Copies show-once values and clears them later (set `clearAfterSeconds`).
   */
  readonly clipboard: ISecretClipboard;
}

/**
 * The DI token of the project's tokens.
 */
export const IProjectTokensModel = new Token<IProjectTokensModel>(
  'jupyterlab-mlplatform-tokens:IProjectTokensModel',
  "The ML Platform project's access tokens and the registration tokens handed out."
);
