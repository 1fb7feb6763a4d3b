/**
 * What the commands and the sections do: create a registration token and
 * hand it over once, delete a project token behind its confirmations,
 * refresh the list. Outcomes reach the user through Notification.
 */

import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  ConflictError,
  PermissionDeniedError,
  type RegisterToken,
  ValidationError
} from '../api';
import { describeError } from '../messages';
import { NoActiveTokenError } from '../platform/connection';
import { showCreateRegistrationDialog } from '../widgets/dialogs/CreateRegistrationDialog';
import type { IRegistrationDraft } from './draft';
import { showRegistrationTokenOnce } from '../widgets/dialogs/ShowOnceDialog';
import { confirmDeletion, pickProjectToken } from './dialogs';
import { deletionRisks } from './guard';
import type { ProjectTokensModel } from './model';
import type { IProjectTokensModel } from './context';

/**
 * What the actions need.
 */
export interface IProjectActionDeps {
  readonly project: IProjectTokensModel;
  readonly trans: TranslationBundle;
}

/**
 * Tell the user why an Administrator action cannot run; true when it can.
 */
function ensureAdmin(
  model: ProjectTokensModel,
  trans: TranslationBundle,
  action: string
): boolean {
  if (model.isAdmin) {
    return true;
  }
  const reason =
    model.activeName === null
      ? new NoActiveTokenError()
      : new PermissionDeniedError([]);
  Notification.error(describeError(reason, trans, { action }));
  return false;
}

/**
 * Open the "Create registration token" dialog; on success keep a note of
 * it and show its value once. Resolves with whether a token was created.
 */
export async function createRegistrationToken(
  deps: IProjectActionDeps
): Promise<boolean> {
  const { project, trans } = deps;
  // TRANSLATORS: completes "Your token is a User token; %1 needs an
  // Administrator token."
  const action = trans.__('creating registration tokens');
  if (!ensureAdmin(project.tokens, trans, action)) {
    return false;
  }
  let draft: IRegistrationDraft | undefined;
  let error: string | null = null;
  for (;;) {
    const answer = await showCreateRegistrationDialog({ trans, draft, error });
    if (!answer) {
      return false;
    }
    draft = answer.draft;
    error = null;
    if (!answer.request) {
      continue;
    }
    let token: RegisterToken;
    try {
      token = await project.tokens
        .client()
        .createRegistrationToken(answer.request);
    } catch (reason) {
      const message = describeError(reason, trans, {
        action,
        name: answer.request.clientName
      });
      if (
        reason instanceof ConflictError ||
        reason instanceof ValidationError
      ) {
        error = message;
        continue;
      }
      Notification.error(message);
      return false;
    }
    await keepNote(deps, token);
    await showRegistrationTokenOnce({
      token,
      trans,
      clipboard: project.clipboard
    });
    return true;
  }
}

/**
 * Note the token handed out (never its value); a failure is reported but
 * does not stop the value from being shown.
 */
async function keepNote(
  deps: IProjectActionDeps,
  token: RegisterToken
): Promise<void> {
  const { project, trans } = deps;
  try {
    await project.invitations.add({
      name: token.client_name,
      role: token.token_type,
      expires_at: token.expires_at,
      refresh_ttl: token.refresh_ttl
    });
  } catch (reason) {
    Notification.warning(
      trans.__(
        'The registration token was created, but no note of it could be kept: %1',
        describeError(reason, trans)
      )
    );
  }
}

/**
 * Delete a project access token after confirmation. Without a name, ask
 * which one first. Resolves with whether a token was deleted.
 */
export async function deleteProjectToken(
  deps: IProjectActionDeps,
  name?: string
): Promise<boolean> {
  const { project, trans } = deps;
  const model = project.tokens;
  // TRANSLATORS: completes "Your token is a User token; %1 needs an
  // Administrator token."
  const action = trans.__('deleting access tokens');
  if (!ensureAdmin(model, trans, action)) {
    return false;
  }
  if (model.state.kind !== 'ready') {
    await model.refresh();
  }
  const state = model.state;
  if (state.kind === 'error') {
    Notification.error(state.message);
    return false;
  }
  if (name === undefined) {
    if (model.tokens.length === 0) {
      Notification.info(trans.__('This project has no access tokens.'));
      return false;
    }
    const picked = await pickProjectToken(model.tokens, trans);
    if (picked === null) {
      return false;
    }
    name = picked;
  }
  const risks = deletionRisks(name, model.tokens, model.activeName);
  if (!(await confirmDeletion(name, risks, trans))) {
    return false;
  }
  try {
    await model.delete(name);
  } catch (reason) {
    Notification.error(describeError(reason, trans, { action, name }));
    return false;
  }
  Notification.success(trans.__('Access token "%1" deleted.', name), {
    autoClose: 5000
  });
  return true;
}

/**
 * Load the project's tokens again.
 */
export function refreshProjectTokens(model: ProjectTokensModel): Promise<void> {
  return model.refresh();
}
