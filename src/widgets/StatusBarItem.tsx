import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { keyIcon } from '../icons';
import { describeRole } from '../roles';
import { describeExpiry } from '../time';
import type { IStatusModel, IVaultModel } from '../tokens';
import type { ExpiryWatcher } from '../vault/expiry';

/**
 * The status-bar item: the active token's label, role and time to expiry,
 * in a warning style inside the warning windows. Click opens the panel.
 */
export class TokenStatusItem extends ReactWidget {
  constructor(options: TokenStatusItem.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-mlpTokens-statusItem');
  }

  protected render(): JSX.Element {
    const { vault, status, expiry } = this._options;
    return (
      <UseSignal signal={status.stateChanged}>
        {() => (
          <UseSignal signal={vault.changed}>
            {() => (
              <UseSignal signal={expiry.changed}>
                {() => this._content()}
              </UseSignal>
            )}
          </UseSignal>
        )}
      </UseSignal>
    );
  }

  private _content(): JSX.Element {
    const { vault, status, expiry, trans, onClick } = this._options;
    const active = vault.active;
    const notRunning = status.state.kind === 'not-running';
    const warning = notRunning || expiry.state.window !== null;
    const text = notRunning
      ? trans.__('ML Platform Tokens: restart the server')
      : active
        ? trans.__(
            '%1 · %2 · %3',
            active.label,
            describeRole(active.role, trans),
            describeExpiry(active.expires_at, trans)
          )
        : trans.__('No ML Platform token');
    return (
      <button
        className={`jp-mlpTokens-statusButton${warning ? ' jp-mod-warning' : ''}`}
        onClick={onClick}
        title={trans.__(
          'ML Platform access token: %1. Open the tokens panel.',
          text
        )}
        aria-label={trans.__(
          'ML Platform access token: %1. Open the tokens panel.',
          text
        )}
      >
        <keyIcon.react tag="span" className="jp-mlpTokens-inlineIcon" />
        <span>{text}</span>
      </button>
    );
  }

  private _options: TokenStatusItem.IOptions;
}

export namespace TokenStatusItem {
  export interface IOptions {
    vault: IVaultModel;
    /**
     * The server part's status: without the server part, the item says so.
     */
    status: IStatusModel;
    expiry: ExpiryWatcher;
    trans: TranslationBundle;
    onClick: () => void;
  }
}
