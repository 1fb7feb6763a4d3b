/**
 * The dialogs of deleting a project token: a picker, the confirmation that
 * names the token, and the second confirmation when something will break.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { TokenInfo } from '../api';
import { DEFAULT_ENV_NAME } from '../tokens';
import type { IDeletionRisks } from './guard';

/**
 * A body listing token names in a select.
 */
class TokenPickerBody extends Widget implements Dialog.IBodyWidget<string> {
  constructor(tokens: readonly TokenInfo[], trans: TranslationBundle) {
    super();
    this.addClass('jp-mlpTokens-dialogBody');
    const doc = this.node.ownerDocument;
    const label = doc.createElement('label');
    label.className = 'jp-mlpTokens-regLabel';
    label.htmlFor = 'jp-mlpTokens-pick-token';
    label.textContent = trans.__('Access token to delete');
    this._select = doc.createElement('select');
    this._select.id = 'jp-mlpTokens-pick-token';
    this._select.className = 'jp-mod-styled jp-mlpTokens-regInput';
    for (const token of tokens) {
      const option = doc.createElement('option');
      option.value = token.name;
      // TRANSLATORS: a token's name and its role.
      option.textContent = trans.__(
        '%1 (%2)',
        token.name,
        token.type === 'ADMIN' ? trans.__('Administrator') : trans.__('User')
      );
      this._select.appendChild(option);
    }
    this.node.append(label, this._select);
  }

  getValue(): string {
    return this._select.value;
  }

  private _select: HTMLSelectElement;
}

/**
 * Ask which token to delete. Resolves with its name, or null.
 */
export async function pickProjectToken(
  tokens: readonly TokenInfo[],
  trans: TranslationBundle
): Promise<string | null> {
  const result = await showDialog<string>({
    title: trans.__('Delete a project access token'),
    body: new TokenPickerBody(tokens, trans),
    focusNodeSelector: 'select',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Next') })
    ]
  });
  return result.button.accept && result.value ? result.value : null;
}

/**
 * Confirm deleting `name`; when `risks` says something will break, a
 * second dialog says what and asks again. Resolves with the decision.
 */
export async function confirmDeletion(
  name: string,
  risks: IDeletionRisks,
  trans: TranslationBundle
): Promise<boolean> {
  const first = await showDialog({
    title: trans.__('Delete access token "%1"?', name),
    body: trans.__(
      'Everyone and everything using the access token "%1" loses access to ML Platform. This cannot be undone.',
      name
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Delete') })
    ]
  });
  if (!first.button.accept) {
    return false;
  }
  if (!risks.isActive && !risks.isLastAdmin) {
    return true;
  }
  const consequences: string[] = [];
  if (risks.isActive) {
    consequences.push(
      trans.__(
        '"%1" is the access token you are using in this JupyterLab. Once it is deleted, this panel, %2 in your kernels and terminals, and any code using it stop working until you add or activate another token.',
        name,
        DEFAULT_ENV_NAME
      )
    );
  }
  if (risks.isLastAdmin) {
    consequences.push(
      trans.__(
        '"%1" is the only Administrator token in this project. Without one, nobody can list or delete the project\'s access tokens or create registration tokens until a new Administrator token is created in the VK Cloud console.',
        name
      )
    );
  }
  const second = await showDialog({
    title: risks.isActive
      ? trans.__('Delete the token you are using?')
      : trans.__('Delete the last Administrator token?'),
    body: consequences.join('\n\n'),
    defaultButton: 0,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Keep it') }),
      Dialog.warnButton({ label: trans.__('Delete anyway') })
    ]
  });
  return second.button.accept;
}
