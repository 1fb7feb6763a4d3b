/**
 * The "Registration tokens" section: create one for a colleague, and the
 * notes of those handed out with what became of them.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  closeIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import type { Poll } from '@lumino/polling';
import * as React from 'react';

import { startPoll } from '../polling';
import type { TokenInfo } from '../api';
import {
  type InvitationsModel,
  invitationStatus,
  type InvitationStatus
} from '../project/invitations';
import type { ProjectTokensModel } from '../project/model';
import { formatDateTime } from '../time';
import type { IInvitation } from '../vault/types';

/**
 * Properties of the section's content.
 */
export interface IRegistrationProps {
  readonly model: ProjectTokensModel;
  readonly invitations: InvitationsModel;
  readonly trans: TranslationBundle;
  readonly onCreate: () => void;
  /** The time now in ms. */
  readonly now: number;
}

const namesOf = new WeakMap<readonly TokenInfo[], ReadonlySet<string>>();

/**
 * Names in the project list (memoised per list), or null when no list.
 */
function projectNames(model: ProjectTokensModel): ReadonlySet<string> | null {
  if (model.state.kind !== 'ready') {
    return null;
  }
  const tokens = model.state.tokens;
  let names = namesOf.get(tokens);
  if (!names) {
    names = new Set(tokens.map(token => token.name));
    namesOf.set(tokens, names);
  }
  return names;
}

function statusText(
  status: InvitationStatus,
  note: IInvitation,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'redeemed':
      return trans.__('redeemed');
    case 'expired':
      return trans.__('expired');
    default:
      return trans.__('pending, expires %1', formatDateTime(note.expires_at));
  }
}

/**
 * The pending invitations list.
 */
function Invitations(props: IRegistrationProps): JSX.Element {
  const { model, invitations, trans, now } = props;
  const names = projectNames(model);
  const notes = invitations.notes;
  return (
    <div className="jp-mlpTokens-invitations">
      <h3 className="jp-mlpTokens-subtitle">{trans.__('Invitations')}</h3>
      {invitations.error && (
        <p className="jp-mlpTokens-error" role="alert">
          {invitations.error}
        </p>
      )}
      {notes.length === 0 ? (
        <p className="jp-mlpTokens-muted">
          {trans.__('No registration tokens handed out from here yet.')}
        </p>
      ) : (
        <ul
          className="jp-mlpTokens-invitationList"
          aria-label={trans.__('Invitations')}
        >
          {notes.map(note => {
            const status = invitationStatus(note, names, now);
            const label = trans.__('Remove the note about "%1"', note.name);
            return (
              <li
                key={note.id}
                className={`jp-mlpTokens-invitation jp-mlpTokens-invitation-${status}`}
                data-name={note.name}
              >
                <span className="jp-mlpTokens-projectName">{note.name}</span>
                <span className="jp-mlpTokens-role">
                  {note.role === 'ADMIN'
                    ? trans.__('Administrator')
                    : trans.__('User')}
                </span>
                <span className="jp-mlpTokens-invitationStatus">
                  {statusText(status, note, trans)}
                </span>
                <button
                  type="button"
                  className="jp-mlpTokens-iconButton"
                  aria-label={label}
                  title={label}
                  onClick={() => void invitations.remove(note.id)}
                >
                  <closeIcon.react tag="span" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/**
 * The section's content.
 */
export function Registration(props: IRegistrationProps): JSX.Element {
  const { model, invitations, trans, onCreate } = props;
  return (
    <>
      {model.isAdmin ? (
        <>
          <p className="jp-mlpTokens-muted">
            {trans.__(
              'A registration token lets a colleague without console access get their own access token, once, with the name, role and lifetime you choose.'
            )}
          </p>
          <button
            type="button"
            className="jp-mlpTokens-button jp-mlpTokens-create"
            onClick={onCreate}
          >
            <addIcon.react tag="span" className="jp-mlpTokens-buttonIcon" />
            {trans.__('Create registration token…')}
          </button>
        </>
      ) : (
        <p className="jp-mlpTokens-muted jp-mlpTokens-hiddenReason" role="note">
          {trans.__(
            'Creating registration tokens needs an Administrator token — make one active.'
          )}
        </p>
      )}
      {invitations.visible && <Invitations {...props} />}
    </>
  );
}

/**
 * The section widget. It re-renders every 30 s so expiries show.
 */
export class RegistrationSection extends ReactWidget {
  constructor(options: RegistrationSection.IOptions) {
    super();
    this._options = options;
    this.id = 'jp-mlpTokens-registrationTokens';
    this.title.label = options.trans.__('Registration tokens');
    this.addClass('jp-mlpTokens-body');
    this.addClass('jp-mlpTokens-registration');
  }

  dispose(): void {
    this._stopClock();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._stopClock();
    // Expiry times count down while shown; a hidden page stands by.
    this._clock = startPoll(async () => this.update(), 30_000);
  }

  protected onBeforeDetach(msg: Message): void {
    this._stopClock();
    super.onBeforeDetach(msg);
  }

  protected render(): JSX.Element {
    const { model, invitations, trans, onCreate } = this._options;
    return (
      <UseSignal signal={model.stateChanged}>
        {() => (
          <UseSignal signal={invitations.changed}>
            {() => (
              <Registration
                model={model}
                invitations={invitations}
                trans={trans}
                onCreate={onCreate}
                now={Date.now()}
              />
            )}
          </UseSignal>
        )}
      </UseSignal>
    );
  }

  private _stopClock(): void {
    this._clock?.dispose();
    this._clock = null;
  }

  private _options: RegistrationSection.IOptions;
  private _clock: Poll | null = null;
}

export namespace RegistrationSection {
  export interface IOptions {
    model: ProjectTokensModel;
    invitations: InvitationsModel;
    trans: TranslationBundle;
    /** Called when "Create registration token…" is pressed. */
    onCreate: () => void;
  }
}
