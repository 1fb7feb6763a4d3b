import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { StatusModel, StatusState } from '../server/status';

/**
 * Properties of the vault problem notice.
 */
interface IVaultProblemProps {
  readonly state: StatusState;
  readonly trans: TranslationBundle;
  readonly onRetry: () => void;
}

/**
 * What the server says is wrong with the vault file, if anything: set
 * aside (damaged; a copy was kept) or unreadable. Nothing when all is well.
 */
export function VaultProblemNotice(
  props: IVaultProblemProps
): JSX.Element | null {
  const { state, trans, onRetry } = props;
  const vault = state.kind === 'ready' ? state.status.vault : undefined;
  if (vault?.error) {
    return (
      <div
        className="jp-mlpTokens-vaultProblem jp-mlpTokens-vaultProblem-error"
        role="alert"
      >
        <p className="jp-mlpTokens-vaultProblemTitle">
          {trans.__('The token vault cannot be read')}
        </p>
        <p>{vault.error}</p>
        <p>
          {trans.__(
            'Saved tokens cannot be used, added or removed until this is fixed. Ask your JupyterHub administrator to check the vault file and its folder, then try again.'
          )}
        </p>
        <button className="jp-mlpTokens-button" onClick={onRetry}>
          {trans.__('Try again')}
        </button>
      </div>
    );
  }
  const problem = vault?.path_problem;
  if (problem) {
    return (
      <div className="jp-mlpTokens-vaultProblem" role="alert">
        <p className="jp-mlpTokens-vaultProblemTitle">
          {trans.__('Your saved tokens were set aside')}
        </p>
        <p>{problem.message}</p>
        {problem.moved_to && (
          <dl className="jp-mlpTokens-facts">
            <dt>{trans.__('Kept copy')}</dt>
            <dd>
              <code className="jp-mlpTokens-path">{problem.moved_to}</code>
            </dd>
          </dl>
        )}
        <p>
          {trans.__(
            'Nothing was deleted, but the tokens in that copy are not used. Add your tokens again, or ask your JupyterHub administrator to repair the copy and put it back.'
          )}
        </p>
      </div>
    );
  }
  return null;
}

/**
 * The notice at the top of the panel: a view of the status model.
 */
export class VaultProblemView extends ReactWidget {
  constructor(options: VaultProblemView.IOptions) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this.addClass('jp-mlpTokens-vaultProblems');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.stateChanged}>
        {() => (
          <VaultProblemNotice
            state={this._model.state}
            trans={this._trans}
            onRetry={() => void this._model.refresh()}
          />
        )}
      </UseSignal>
    );
  }

  private _model: StatusModel;
  private _trans: TranslationBundle;
}

export namespace VaultProblemView {
  export interface IOptions {
    model: StatusModel;
    trans: TranslationBundle;
  }
}
