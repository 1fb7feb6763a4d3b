import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { IConsoleTracker } from '@jupyterlab/console';
import { type INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { validateTokenValue } from '../api';
import { describeError } from '../messages';
import { DEFAULT_ENV_NAME, type IActionContext } from '../tokens';
import { describeRole } from '../roles';
import { describeExpiry, formatDateTime } from '../time';
import { metadataOf } from './metadata';
import { redeemAndSave } from './redeem';
import { saveToken } from './save';
import type { ISavedToken } from './types';
import { SecretInput } from '../widgets/dialogs/SecretInput';
import { showUnsavedTokenOnce } from '../widgets/dialogs/ShowOnceDialog';

export type { IActionContext } from '../tokens';

/**
 * Paste an access token, check it with who-am-i, show what was found, then
 * save it and (by default) make it active. Nothing is saved unless the
 * platform accepted the token.
 */
export async function addAccessToken(context: IActionContext): Promise<void> {
  const { trans, vault, connection } = context;
  let value = '';
  let label = '';
  let error: string | undefined;
  for (;;) {
    const body = new SecretInput({
      trans,
      prompt: trans.__('Access token (also called refresh token)'),
      help: trans.__(
        'Paste the token once; it is checked with the platform, saved on this server only, and given to your kernels as an environment variable.'
      ),
      withLabel: true,
      value,
      label,
      error
    });
    const answer = await showDialog({
      title: trans.__('Add Access Token'),
      body,
      focusNodeSelector: 'input',
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Check') })
      ]
    });
    if (!answer.button.accept || answer.value === null) {
      return;
    }
    ({ value, label } = answer.value);
    try {
      validateTokenValue(value, 'refresh_token');
      const info = await connection.forToken(value).whoAmI();
      const metadata = metadataOf(info, {
        fallbackName: trans.__('Access token')
      });
      const confirm = await showDialog({
        title: trans.__('Save This Token?'),
        body: summary(trans, [
          [trans.__('Name'), metadata.name],
          [trans.__('Role'), describeRole(metadata.role, trans)],
          [trans.__('Issued by'), metadata.issuer],
          [trans.__('Expiry'), describeExpiry(metadata.expires_at, trans)]
        ]),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.createButton({
            label: trans.__('Save'),
            displayType: 'default',
            accept: true,
            actions: ['save']
          }),
          Dialog.okButton({ label: trans.__('Save and Make Active') })
        ]
      });
      if (!confirm.button.accept) {
        return;
      }
      const activate = !confirm.button.actions.includes('save');
      const result = await saveToken(vault, value, info, {
        label: label || undefined,
        activate,
        fallbackName: trans.__('Access token')
      });
      Notification.success(
        result.created
          ? activate
            ? trans.__('Saved "%1" and made it active.', result.token.label)
            : trans.__('Saved "%1".', result.token.label)
          : trans.__(
              'This token is already saved as "%1".',
              result.token.label
            ),
        { autoClose: 5000 }
      );
      return;
    } catch (failure) {
      error = describeError(failure, trans);
    }
  }
}

/**
 * Redeem a registration token: the platform mints an access token, which is
 * saved and made active before anything else happens, and never shown —
 * unless this server cannot save it: then it is shown once, with the
 * reason, so that it is not lost.
 */
export async function redeemRegistrationToken(
  context: IActionContext
): Promise<void> {
  const { trans, vault, connection } = context;
  let value = '';
  let error: string | undefined;
  for (;;) {
    const body = new SecretInput({
      trans,
      prompt: trans.__('Registration token'),
      help: trans.__(
        'Paste the registration token your administrator sent you. It can be used once; the access token it gives is saved here and made active without being shown.'
      ),
      value,
      error
    });
    const answer = await showDialog({
      title: trans.__('Redeem Registration Token'),
      body,
      focusNodeSelector: 'input',
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Redeem') })
      ]
    });
    if (!answer.button.accept || answer.value === null) {
      return;
    }
    value = answer.value.value;
    let outcome;
    try {
      validateTokenValue(value, 'register_token');
      outcome = await redeemAndSave(value, {
        client: connection.forToken(),
        vault,
        fallbackName: trans.__('Redeemed access token')
      });
    } catch (failure) {
      error = describeError(failure, trans, { token: 'registration' });
      continue;
    }
    if (outcome.kind === 'saved') {
      Notification.success(
        trans.__(
          'Access token "%1" (%2) is saved and active.',
          outcome.token.name,
          describeRole(outcome.token.role, trans)
        ),
        { autoClose: 5000 }
      );
    } else {
      await showUnsavedTokenOnce({
        value: outcome.value,
        name: outcome.name,
        reason: describeError(outcome.error, trans),
        trans,
        clipboard: context.clipboard
      });
    }
    return;
  }
}

/**
 * Pick the active token among the saved ones.
 */
export async function switchActiveToken(
  context: IActionContext
): Promise<void> {
  const { trans, vault } = context;
  await vault.refresh();
  const tokens = vault.tokens;
  if (tokens.length === 0) {
    Notification.info(
      trans.__('No access token is saved yet — add one first.'),
      { autoClose: 5000 }
    );
    return;
  }
  const items = tokens.map(token => describeChoice(token, trans));
  const current = vault.active ? tokens.indexOf(vault.active) : 0;
  const answer = await InputDialog.getItem({
    title: trans.__('Switch Active Access Token'),
    items,
    current: Math.max(current, 0),
    okLabel: trans.__('Make Active'),
    cancelLabel: trans.__('Cancel')
  });
  if (!answer.button.accept || answer.value === null) {
    return;
  }
  const chosen = tokens[items.indexOf(answer.value)];
  if (chosen) {
    await activate(context, chosen);
  }
}

/**
 * Make a saved token the active one.
 */
export async function activate(
  context: IActionContext,
  token: ISavedToken
): Promise<void> {
  const { trans, vault } = context;
  try {
    await vault.activate(token.id);
    Notification.success(
      trans.__('"%1" is now the active token.', token.label),
      {
        autoClose: 4000
      }
    );
  } catch (failure) {
    Notification.error(describeError(failure, trans));
  }
}

/**
 * Copy a saved token's value; it is cleared from the clipboard later.
 */
export async function copyToken(
  context: IActionContext,
  token: ISavedToken
): Promise<void> {
  const { trans, vault } = context;
  try {
    const { clipboard } = context;
    await clipboard.copy(await vault.value(token.id));
    const seconds = clipboard.clearAfterSeconds;
    Notification.info(
      seconds > 0
        ? trans._n(
            'Copied "%2". The clipboard is cleared in %1 second.',
            'Copied "%2". The clipboard is cleared in %1 seconds.',
            seconds,
            token.label
          )
        : trans.__('Copied "%1".', token.label),
      { autoClose: 4000 }
    );
  } catch (failure) {
    Notification.error(
      failure instanceof DOMException
        ? trans.__('The browser did not allow copying to the clipboard.')
        : describeError(failure, trans)
    );
  }
}

/**
 * Rename a saved token (its label on this server only).
 */
export async function renameToken(
  context: IActionContext,
  token: ISavedToken
): Promise<void> {
  const { trans, vault } = context;
  const answer = await InputDialog.getText({
    title: trans.__('Rename "%1"', token.label),
    text: token.label,
    okLabel: trans.__('Rename'),
    cancelLabel: trans.__('Cancel')
  });
  if (!answer.button.accept || answer.value === null) {
    return;
  }
  try {
    await vault.rename(token.id, answer.value);
  } catch (failure) {
    Notification.error(describeError(failure, trans));
  }
}

/**
 * Remove a saved token from this server, after a confirmation.
 */
export async function removeToken(
  context: IActionContext,
  token: ISavedToken
): Promise<void> {
  const { trans, vault } = context;
  const answer = await showDialog({
    title: trans.__('Remove "%1"?', token.label),
    body: token.active
      ? trans.__(
          'It is the active token: your kernels lose the variable. The token stays valid on the platform.'
        )
      : trans.__(
          'It is removed from this server only; it stays valid on the platform.'
        ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Remove') })
    ]
  });
  if (!answer.button.accept) {
    return;
  }
  try {
    await vault.remove(token.id);
    Notification.success(trans.__('Removed "%1".', token.label), {
      autoClose: 4000
    });
  } catch (failure) {
    Notification.error(describeError(failure, trans));
  }
}

/**
 * Remove every saved token from this server, after a confirmation.
 */
export async function removeAllTokens(context: IActionContext): Promise<void> {
  const { trans, vault } = context;
  await vault.refresh();
  const count = vault.tokens.length;
  if (count === 0) {
    return;
  }
  const answer = await showDialog({
    title: trans.__('Remove All Saved Tokens?'),
    body: trans._n(
      '%1 token is removed from this server and your kernels lose the variable. The tokens stay valid on the platform.',
      '%1 tokens are removed from this server and your kernels lose the variable. The tokens stay valid on the platform.',
      count
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Remove All') })
    ]
  });
  if (!answer.button.accept) {
    return;
  }
  try {
    for (const token of [...vault.tokens]) {
      await vault.remove(token.id);
    }
    Notification.success(trans.__('All saved tokens were removed.'), {
      autoClose: 4000
    });
  } catch (failure) {
    Notification.error(describeError(failure, trans));
  }
}

/**
 * Show what the platform says about the active token.
 */
export async function showWhoAmI(context: IActionContext): Promise<void> {
  const { trans, connection, vault } = context;
  try {
    const info = await connection.active.whoAmI();
    await showDialog({
      title: trans.__('Active Access Token'),
      body: summary(trans, [
        [trans.__('Name'), info.name],
        [trans.__('Role'), describeRole(info.type, trans)],
        [trans.__('Issued by'), info.issuer_name],
        // Not known through every backend: then no row rather than an empty one.
        ...(info.created_at
          ? [[trans.__('Created'), formatDateTime(info.created_at)] as const]
          : []),
        [trans.__('Expiry'), describeExpiry(info.exp ?? null, trans)],
        [trans.__('Fingerprint'), vault.active?.fingerprint ?? '']
      ]),
      buttons: [Dialog.okButton({ label: trans.__('Close') })]
    });
  } catch (failure) {
    Notification.error(describeError(failure, trans));
  }
}

/**
 * Insert code that builds the vendor's client from the environment variable
 * (never the value) into the active notebook or console.
 */
export function insertUsageSnippet(
  context: IActionContext,
  shell: JupyterFrontEnd.IShell,
  notebooks: INotebookTracker | null,
  consoles: IConsoleTracker | null
): void {
  const { trans, status } = context;
  const envName =
    (status.state.kind === 'ready' && status.state.status.env_names?.[0]) ||
    DEFAULT_ENV_NAME;
  const code = [
    'import os',
    '',
    'from mlplatform_client import MLPlatform',
    '',
    `mlp = MLPlatform(refresh_token=os.environ["${envName}"])`
  ].join('\n');
  const current = shell.currentWidget;
  const notebook = notebooks?.currentWidget;
  if (notebook && notebook === current) {
    NotebookActions.insertBelow(notebook.content);
    notebook.content.activeCell?.model.sharedModel.setSource(code);
    return;
  }
  const console = consoles?.currentWidget;
  if (console && console === current) {
    console.console.promptCell?.model.sharedModel.setSource(code);
    return;
  }
  Notification.info(trans.__('Open a notebook or a console first.'), {
    autoClose: 4000
  });
}

function describeChoice(token: ISavedToken, trans: TranslationBundle): string {
  return trans.__(
    '%1 — %2, %3, %4',
    token.label,
    describeRole(token.role, trans),
    token.fingerprint,
    token.active ? trans.__('active') : describeExpiry(token.expires_at, trans)
  );
}

function summary(
  trans: TranslationBundle,
  rows: ReadonlyArray<readonly [string, string]>
): Widget {
  const body = new Widget();
  const list = document.createElement('dl');
  list.className = 'jp-mlpTokens-facts';
  for (const [term, detail] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = detail;
    list.append(dt, dd);
  }
  body.node.appendChild(list);
  return body;
}
