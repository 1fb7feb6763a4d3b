/**
 * The "Project tokens" section: the project's access tokens for an
 * Administrator, with a filter, refresh and delete.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  deleteIcon,
  ReactWidget,
  refreshIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';

import type { TokenInfo } from '../api';
import type { ProjectTokensModel } from '../project/model';
import { dateTimeFormatter, formatCount } from '../time';

/**
 * How many matching rows are rendered at first, and added by "Show more".
 */
export const PAGE_SIZE = 50;

/**
 * The sentence shown instead of the list when it is not for this token.
 */
export function hiddenReason(
  model: ProjectTokensModel,
  trans: TranslationBundle
): string | null {
  const state = model.state;
  if (state.kind === 'no-token') {
    return trans.__(
      "No access token is active. Make an Administrator token active to see and manage the project's access tokens."
    );
  }
  if (state.kind === 'user-token') {
    return trans.__(
      'The active token "%1" is a User token. Listing and deleting the project\'s access tokens and creating registration tokens need an Administrator token — make one active.',
      state.name
    );
  }
  return null;
}

interface IRowProps {
  readonly token: TokenInfo;
  readonly isActive: boolean;
  readonly trans: TranslationBundle;
  readonly formatDate: (iso: string) => string;
  readonly onDelete: (name: string) => void;
}

function ProjectTokenRow(props: IRowProps): JSX.Element {
  const { token, isActive, trans, formatDate, onDelete } = props;
  const expired = token.exp !== null && Date.parse(token.exp) <= Date.now();
  const label = trans.__('Delete access token "%1"', token.name);
  return (
    <li className="jp-mlpTokens-projectRow" data-name={token.name}>
      <div className="jp-mlpTokens-projectLine">
        <span className="jp-mlpTokens-projectName">{token.name}</span>
        <span
          className={
            'jp-mlpTokens-role' +
            (token.type === 'ADMIN' ? ' jp-mlpTokens-role-admin' : '')
          }
        >
          {token.type === 'ADMIN'
            ? trans.__('Administrator')
            : trans.__('User')}
        </span>
        {isActive && (
          <span className="jp-mlpTokens-inUse">{trans.__('in use')}</span>
        )}
        <button
          type="button"
          className="jp-mlpTokens-iconButton jp-mlpTokens-delete"
          aria-label={label}
          title={label}
          onClick={() => onDelete(token.name)}
        >
          <deleteIcon.react tag="span" />
        </button>
      </div>
      <div className="jp-mlpTokens-projectMeta">
        <span className="jp-mlpTokens-issuer">
          {trans.__('issued by %1', token.issuer_name)}
        </span>
        {token.created_at ? (
          <span className="jp-mlpTokens-created">
            {trans.__('created %1', formatDate(token.created_at))}
          </span>
        ) : null}
        <span
          className={
            'jp-mlpTokens-expiry' + (expired ? ' jp-mlpTokens-expired' : '')
          }
        >
          {token.exp === null
            ? trans.__('never expires')
            : expired
              ? trans.__('expired %1', formatDate(token.exp))
              : trans.__('expires %1', formatDate(token.exp))}
        </span>
      </div>
    </li>
  );
}

/**
 * Properties of the section's content.
 */
export interface IProjectTokensProps {
  readonly model: ProjectTokensModel;
  readonly trans: TranslationBundle;
  readonly onDelete: (name: string) => void;
}

/**
 * The section's content for the model's current state.
 */
export function ProjectTokens(props: IProjectTokensProps): JSX.Element {
  const { model, trans, onDelete } = props;
  const [limit, setLimit] = React.useState(PAGE_SIZE);
  const formatDate = React.useMemo(dateTimeFormatter, []);
  const state = model.state;
  const reason = hiddenReason(model, trans);
  if (reason !== null) {
    return (
      <p className="jp-mlpTokens-muted jp-mlpTokens-hiddenReason" role="note">
        {reason}
      </p>
    );
  }
  const refreshLabel = trans.__('Refresh project tokens');
  const toolbar = (
    <div className="jp-mlpTokens-toolbarRow">
      <input
        type="search"
        className="jp-mod-styled jp-mlpTokens-regInput jp-mlpTokens-filter"
        aria-label={trans.__('Filter project tokens')}
        placeholder={trans.__('Filter by name, issuer or role')}
        value={model.filter}
        onChange={event => {
          setLimit(PAGE_SIZE);
          model.filter = event.target.value;
        }}
      />
      <button
        type="button"
        className="jp-mlpTokens-iconButton jp-mlpTokens-refresh"
        aria-label={refreshLabel}
        title={refreshLabel}
        disabled={model.busy}
        onClick={() => void model.refresh()}
      >
        <refreshIcon.react tag="span" />
      </button>
    </div>
  );
  if (state.kind === 'loading') {
    return (
      <>
        {toolbar}
        <p className="jp-mlpTokens-muted" role="status">
          {trans.__('Loading the project’s access tokens…')}
        </p>
      </>
    );
  }
  if (state.kind === 'error') {
    return (
      <>
        {toolbar}
        <div className="jp-mlpTokens-error" role="alert">
          <p>{state.message}</p>
          <button
            type="button"
            className="jp-mlpTokens-button"
            onClick={() => void model.refresh()}
          >
            {trans.__('Try again')}
          </button>
        </div>
      </>
    );
  }
  const all = model.tokens;
  const matches = model.filtered;
  const shown = matches.length > limit ? matches.slice(0, limit) : matches;
  const activeName = model.activeName;
  let summary: string;
  if (all.length === 0) {
    summary = trans.__('This project has no access tokens.');
  } else if (matches.length === 0) {
    summary = trans.__('No access token matches "%1".', model.filter.trim());
  } else if (shown.length < matches.length) {
    summary = trans.__(
      'Showing %1 of %2 matching tokens.',
      formatCount(shown.length),
      formatCount(matches.length)
    );
  } else if (matches.length < all.length) {
    summary = trans.__(
      '%1 of %2 tokens match.',
      formatCount(matches.length),
      formatCount(all.length)
    );
  } else {
    // TRANSLATORS: %1 is the count, %2 the same count written for people (5,000).
    summary = trans._n(
      '%2 access token.',
      '%2 access tokens.',
      all.length,
      formatCount(all.length)
    );
  }
  return (
    <>
      {toolbar}
      <p
        className="jp-mlpTokens-muted jp-mlpTokens-summary"
        role="status"
        aria-live="polite"
      >
        {summary}
      </p>
      {shown.length > 0 && (
        <ul
          className="jp-mlpTokens-projectList"
          aria-label={trans.__('Project access tokens')}
          aria-busy={model.busy}
        >
          {shown.map(token => (
            <ProjectTokenRow
              key={token.name}
              token={token}
              isActive={token.name === activeName}
              trans={trans}
              formatDate={formatDate}
              onDelete={onDelete}
            />
          ))}
        </ul>
      )}
      {shown.length < matches.length && (
        <button
          type="button"
          className="jp-mlpTokens-button jp-mlpTokens-more"
          onClick={() => setLimit(limit + PAGE_SIZE * 5)}
        >
          {trans.__('Show more')}
        </button>
      )}
    </>
  );
}

/**
 * The section widget: a view of the project tokens model.
 */
export class ProjectTokensSection extends ReactWidget {
  constructor(options: ProjectTokensSection.IOptions) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this._onDelete = options.onDelete;
    this.id = 'jp-mlpTokens-projectTokens';
    this.title.label = this._trans.__('Project tokens');
    this.addClass('jp-mlpTokens-body');
    this.addClass('jp-mlpTokens-project');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.stateChanged}>
        {() => (
          <ProjectTokens
            model={this._model}
            trans={this._trans}
            onDelete={this._onDelete}
          />
        )}
      </UseSignal>
    );
  }

  private _model: ProjectTokensModel;
  private _trans: TranslationBundle;
  private _onDelete: (name: string) => void;
}

export namespace ProjectTokensSection {
  export interface IOptions {
    model: ProjectTokensModel;
    trans: TranslationBundle;
    /** Called when a row's delete button is pressed. */
    onDelete: (name: string) => void;
  }
}
