import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { describeError, describeNotRunning } from '../messages';
import { statusError } from '../server/status';
import type { IStatusModel, StatusState } from '../tokens';

/**
 * Properties of a view of the status model's state.
 */
export interface IStatusSectionProps {
  readonly state: StatusState;
  readonly trans: TranslationBundle;
  readonly onRetry: () => void;
}

/**
 * The server status section: loading, error, ready, or the "no API URL"
 * empty state with the next step.
 */
export function StatusSection(props: IStatusSectionProps): JSX.Element {
  const { state, trans, onRetry } = props;
  switch (state.kind) {
    case 'loading':
      return (
        <p className="jp-mlpTokens-muted" role="status">
          {trans.__('Checking the server extension…')}
        </p>
      );
    case 'not-running':
      // The panel's notice says it; this section is hidden meanwhile.
      return <p className="jp-mlpTokens-error">{describeNotRunning(trans)}</p>;
    case 'error':
      return (
        <div className="jp-mlpTokens-error" role="alert">
          <p>{trans.__('The status of the server part could not be read.')}</p>
          <p>{describeError(statusError(state), trans)}</p>
          <p>
            {trans.__(
              'Check that jupyterlab_mlplatform_tokens is installed and enabled on the server ("jupyter server extension list"), then try again.'
            )}
          </p>
          <button className="jp-mlpTokens-button" onClick={onRetry}>
            {trans.__('Try again')}
          </button>
        </div>
      );
    case 'ready':
      return (
        <div className="jp-mlpTokens-status">
          <dl className="jp-mlpTokens-facts">
            <dt>{trans.__('Server extension')}</dt>
            <dd>{state.status.version}</dd>
            <dt>{trans.__('ML Platform API')}</dt>
            <dd>
              {state.status.backend === 'library'
                ? trans.__(
                    'through the ML Platform library (mlplatform_client %1)',
                    state.status.library_version ?? '?'
                  )
                : state.status.api_configured
                  ? state.status.api_url
                  : trans.__('not configured')}
            </dd>
          </dl>
          {!state.status.api_configured &&
            state.status.backend === 'library' && (
              <div className="jp-mlpTokens-empty" role="note">
                <p className="jp-mlpTokens-emptyTitle">
                  {trans.__(
                    'The ML Platform library is not installed on this server'
                  )}
                </p>
                <p>
                  {trans.__(
                    "This server is set to reach ML Platform through its Python library, mlplatform_client, which cannot be imported. Ask your JupyterHub administrator to install it in the server's environment, or to set c.MLPlatformTokens.api_url, then restart your server."
                  )}
                </p>
              </div>
            )}
          {!state.status.api_configured &&
            state.status.backend !== 'library' && (
              <div className="jp-mlpTokens-empty" role="note">
                <p className="jp-mlpTokens-emptyTitle">
                  {trans.__('No ML Platform API URL is set on this server')}
                </p>
                <p>
                  {trans.__(
                    'Tokens are checked against the ML Platform API. Ask your JupyterHub administrator to set c.MLPlatformTokens.api_url, or set the MLPLATFORM_API_URL environment variable before starting JupyterLab, then reload this page.'
                  )}
                </p>
              </div>
            )}
        </div>
      );
  }
}

/**
 * A widget that renders one view of the status model's state, again at every
 * change; "retry" reads the status afresh.
 */
export class StatusModelView extends ReactWidget {
  constructor(
    options: StatusView.IOptions,
    view: (props: IStatusSectionProps) => JSX.Element | null,
    className: string
  ) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this._view = view;
    this.addClass(className);
  }

  protected render(): JSX.Element {
    const View = this._view;
    return (
      <UseSignal signal={this._model.stateChanged}>
        {() => (
          <View
            state={this._model.state}
            trans={this._trans}
            onRetry={() => void this._model.refresh()}
          />
        )}
      </UseSignal>
    );
  }

  private _model: IStatusModel;
  private _trans: TranslationBundle;
  private _view: (props: IStatusSectionProps) => JSX.Element | null;
}

/**
 * The panel body: a view of the status model.
 */
export class StatusView extends StatusModelView {
  constructor(options: StatusView.IOptions) {
    super(options, StatusSection, 'jp-mlpTokens-body');
  }
}

export namespace StatusView {
  export interface IOptions {
    model: IStatusModel;
    trans: TranslationBundle;
  }
}
