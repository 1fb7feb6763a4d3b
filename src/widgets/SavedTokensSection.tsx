import type { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  copyIcon,
  deleteIcon,
  editIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';

import { describeRole } from '../roles';
import { describeExpiry } from '../time';
import type { IVaultModel } from '../tokens';
import type { ISavedToken } from '../vault/types';

/**
 * What the saved-token rows can do; the panel wires these to actions.
 */
export interface ISavedTokenActions {
  add(): void;
  redeem(): void;
  activate(token: ISavedToken): void;
  copy(token: ISavedToken): void;
  reveal(token: ISavedToken): Promise<string>;
  rename(token: ISavedToken): void;
  remove(token: ISavedToken): void;
}

/**
 * How long a revealed value stays visible.
 */
const REVEAL_SECONDS = 10;

/**
 * One saved token with its actions.
 */
function TokenRow(props: {
  token: ISavedToken;
  trans: TranslationBundle;
  actions: ISavedTokenActions;
}): JSX.Element {
  const { token, trans, actions } = props;
  const [revealed, setRevealed] = React.useState<string | null>(null);
  React.useEffect(() => {
    if (revealed === null) {
      return;
    }
    const timer = window.setTimeout(
      () => setRevealed(null),
      REVEAL_SECONDS * 1000
    );
    return () => window.clearTimeout(timer);
  }, [revealed]);

  const toggleReveal = async () => {
    if (revealed !== null) {
      setRevealed(null);
      return;
    }
    try {
      setRevealed(await actions.reveal(token));
    } catch {
      setRevealed(null);
    }
  };
  const name = token.label;
  return (
    <li
      className={`jp-mlpTokens-row${token.active ? ' jp-mod-active' : ''}`}
      aria-current={token.active ? 'true' : undefined}
    >
      <div className="jp-mlpTokens-rowMain">
        <span className="jp-mlpTokens-rowLabel">{token.label}</span>
        {token.active && (
          <span className="jp-mlpTokens-badge jp-mlpTokens-badge-verified">
            {trans.__('active')}
          </span>
        )}
        <span className="jp-mlpTokens-rowMeta">
          {trans.__(
            '%1 · %2 · %3',
            token.name,
            describeRole(token.role, trans),
            describeExpiry(token.expires_at, trans)
          )}
        </span>
        <code className="jp-mlpTokens-fingerprint">
          {revealed ?? token.fingerprint}
        </code>
      </div>
      <div className="jp-mlpTokens-rowActions">
        {!token.active && (
          <button
            className="jp-mlpTokens-button"
            onClick={() => actions.activate(token)}
            aria-label={trans.__('Make "%1" active', name)}
            title={trans.__('Make "%1" active', name)}
          >
            {trans.__('Make active')}
          </button>
        )}
        <button
          className="jp-mlpTokens-iconButton"
          onClick={() => actions.copy(token)}
          aria-label={trans.__('Copy "%1"', name)}
          title={trans.__('Copy "%1"', name)}
        >
          <copyIcon.react tag="span" />
        </button>
        <button
          className="jp-mlpTokens-iconButton jp-mlpTokens-reveal"
          onClick={() => void toggleReveal()}
          aria-pressed={revealed !== null}
          aria-label={
            revealed === null
              ? trans.__('Reveal "%1"', name)
              : trans.__('Hide "%1"', name)
          }
          title={
            revealed === null
              ? trans.__('Reveal "%1"', name)
              : trans.__('Hide "%1"', name)
          }
        >
          {revealed === null ? trans.__('Show') : trans.__('Hide')}
        </button>
        <button
          className="jp-mlpTokens-iconButton"
          onClick={() => actions.rename(token)}
          aria-label={trans.__('Rename "%1"', name)}
          title={trans.__('Rename "%1"', name)}
        >
          <editIcon.react tag="span" />
        </button>
        <button
          className="jp-mlpTokens-iconButton"
          onClick={() => actions.remove(token)}
          aria-label={trans.__('Remove "%1" from this server', name)}
          title={trans.__('Remove "%1" from this server', name)}
        >
          <deleteIcon.react tag="span" />
        </button>
      </div>
    </li>
  );
}

/**
 * The "Saved tokens" section.
 */
export class SavedTokensSection extends ReactWidget {
  constructor(options: SavedTokensSection.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-mlpTokens-body');
    this.addClass('jp-mlpTokens-saved');
    this.title.label = options.trans.__('Saved Tokens');
  }

  protected render(): JSX.Element {
    const { vault, trans, actions } = this._options;
    return (
      <UseSignal signal={vault.changed}>
        {() => (
          <>
            <div className="jp-mlpTokens-actions">
              <button
                className="jp-mlpTokens-button jp-mlpTokens-add"
                onClick={() => actions.add()}
              >
                <addIcon.react tag="span" className="jp-mlpTokens-inlineIcon" />
                {trans.__('Add access token')}
              </button>
              <button
                className="jp-mlpTokens-button jp-mlpTokens-redeem"
                onClick={() => actions.redeem()}
              >
                {trans.__('Redeem registration token')}
              </button>
            </div>
            {!vault.loaded ? null : vault.tokens.length === 0 ? (
              <p className="jp-mlpTokens-muted">
                {trans.__('No access token is saved on this server.')}
              </p>
            ) : (
              <ul
                className="jp-mlpTokens-list"
                aria-label={trans.__('Saved access tokens')}
              >
                {vault.tokens.map(token => (
                  <TokenRow
                    key={token.id}
                    token={token}
                    trans={trans}
                    actions={actions}
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </UseSignal>
    );
  }

  private _options: SavedTokensSection.IOptions;
}

export namespace SavedTokensSection {
  export interface IOptions {
    vault: IVaultModel;
    trans: TranslationBundle;
    actions: ISavedTokenActions;
  }
}
