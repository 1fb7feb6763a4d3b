import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { describeError } from '../messages';
import { describeRole } from '../roles';
import { describeExpiry } from '../time';
import type { IActiveTokenStatus, IVaultModel, Verification } from '../tokens';

/**
 * The "Active token" header: which token kernels carry and how it stands.
 */
export class ActiveTokenSection extends ReactWidget {
  constructor(options: ActiveTokenSection.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-mlpTokens-body');
    this.addClass('jp-mlpTokens-active');
    this.title.label = options.trans.__('Active Token');
  }

  protected render(): JSX.Element {
    const { vault, verification } = this._options;
    return (
      <UseSignal signal={vault.changed}>
        {() => (
          <UseSignal signal={verification.changed}>
            {() => this._renderContent()}
          </UseSignal>
        )}
      </UseSignal>
    );
  }

  private _renderContent(): JSX.Element {
    const { vault, verification, trans, onAdd, onRedeem } = this._options;
    const active = vault.active;
    if (!vault.loaded && vault.loadError !== null) {
      return (
        <div className="jp-mlpTokens-error" role="alert">
          <p>
            {trans.__(
              'The saved tokens could not be read: %1',
              describeError(vault.loadError, trans)
            )}
          </p>
          <button
            className="jp-mlpTokens-button"
            onClick={() => void vault.refresh().catch(() => undefined)}
          >
            {trans.__('Try again')}
          </button>
        </div>
      );
    }
    if (!vault.loaded) {
      return (
        <p className="jp-mlpTokens-muted" role="status">
          {trans.__('Loading saved tokens…')}
        </p>
      );
    }
    if (!active) {
      return (
        <div className="jp-mlpTokens-empty" role="note">
          <p className="jp-mlpTokens-emptyTitle">
            {trans.__('No access token is active')}
          </p>
          <p>
            {trans.__(
              'Add an access token, or redeem a registration token from your administrator. Kernels then get it as an environment variable.'
            )}
          </p>
          <div className="jp-mlpTokens-actions">
            <button className="jp-mlpTokens-button" onClick={onAdd}>
              {trans.__('Add access token')}
            </button>
            <button className="jp-mlpTokens-button" onClick={onRedeem}>
              {trans.__('Redeem registration token')}
            </button>
          </div>
        </div>
      );
    }
    const state = verification.verification;
    return (
      <div className="jp-mlpTokens-activeToken">
        <div className="jp-mlpTokens-activeHeader">
          <span className="jp-mlpTokens-activeLabel">{active.label}</span>
          <span
            className={`jp-mlpTokens-badge jp-mlpTokens-badge-${state}`}
            role="status"
          >
            {describeVerification(state, trans)}
          </span>
        </div>
        <dl className="jp-mlpTokens-facts">
          <dt>{trans.__('Name')}</dt>
          <dd>{active.name}</dd>
          <dt>{trans.__('Role')}</dt>
          <dd>{describeRole(active.role, trans)}</dd>
          <dt>{trans.__('Expiry')}</dt>
          <dd>{describeExpiry(active.expires_at, trans)}</dd>
          <dt>{trans.__('Fingerprint')}</dt>
          <dd className="jp-mlpTokens-fingerprint">{active.fingerprint}</dd>
        </dl>
        {(state === 'unreachable' ||
          state === 'expired' ||
          state === 'deleted') && (
          <p className="jp-mlpTokens-error" role="alert">
            {describeError(verification.error, trans)}
          </p>
        )}
      </div>
    );
  }

  private _options: ActiveTokenSection.IOptions;
}

/**
 * The status word of the active token.
 */
export function describeVerification(
  state: Verification,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'verified':
      return trans.__('verified');
    case 'checking':
      return trans.__('checking…');
    case 'expired':
      return trans.__('expired');
    case 'deleted':
      return trans.__('deleted on the platform');
    case 'unreachable':
      return trans.__('API unreachable');
    default:
      return trans.__('none');
  }
}

export namespace ActiveTokenSection {
  export interface IOptions {
    vault: IVaultModel;
    verification: IActiveTokenStatus;
    trans: TranslationBundle;
    onAdd: () => void;
    onRedeem: () => void;
  }
}
