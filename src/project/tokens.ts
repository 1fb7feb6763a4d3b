/**
 * The DI token of the project's tokens: the list, the invitation notes and
 * the clipboard guard of show-once dialogs.
 */

import { Token } from '@lumino/coreutils';

import { ShowOnceClipboard } from '../widgets/dialogs/ShowOnceClipboard';
import { InvitationsModel } from './invitations';
import { ProjectTokensModel } from './model';

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
  readonly clipboard: ShowOnceClipboard;
}

/**
 * The DI token of the project's tokens.
 */
export const IProjectTokensModel = new Token<IProjectTokensModel>(
  'jupyterlab-mlplatform-tokens:IProjectTokensModel',
  "The ML Platform project's access tokens and the registration tokens handed out."
);
