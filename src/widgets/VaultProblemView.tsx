import * as React from 'react';

import { describeNotRunning, describeServerMessage } from '../messages';
import {
  type IStatusSectionProps,
  StatusModelView,
  type StatusView
} from './StatusView';

/**
 * Properties of the vault problem notice.
 */
type IVaultProblemProps = IStatusSectionProps;

/**
 * What is wrong with the server part or the vault file, if anything: the
 * server part not running, the vault set aside (damaged; a copy was kept)
 * or unreadable. Nothing when all is well.
 */
export function VaultProblemNotice(
  props: IVaultProblemProps
): JSX.Element | null {
  const { state, trans, onRetry } = props;
  if (state.kind === 'not-running') {
    return (
      <div
        className="jp-mlpTokens-vaultProblem jp-mlpTokens-vaultProblem-error jp-mlpTokens-notRunning"
        role="alert"
      >
        <p>{describeNotRunning(trans)}</p>
        <button className="jp-mlpTokens-button" onClick={onRetry}>
          {trans.__('Try again')}
        </button>
      </div>
    );
  }
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
        <p>
          {describeServerMessage(
            vault.error_info ?? { message: vault.error },
            trans
          )}
        </p>
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
        <p>{describeServerMessage(problem, trans)}</p>
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
export class VaultProblemView extends StatusModelView {
  constructor(options: StatusView.IOptions) {
    super(options, VaultProblemNotice, 'jp-mlpTokens-vaultProblems');
  }
}
