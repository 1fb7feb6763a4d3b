/**
 * The "Create registration token" dialog: name, role, how long the
 * registration token can be redeemed, and the access token's lifetime.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IRegistrationTokenRequest, TokenType } from '../../api';
import {
  checkDraft,
  EMPTY_DRAFT,
  type IRegistrationDraft
} from '../../project/draft';

/**
 * Properties of the form.
 */
export interface IRegistrationFormProps {
  readonly trans: TranslationBundle;
  readonly initial: IRegistrationDraft;
  /** A sentence about the previous attempt, shown above the fields. */
  readonly error?: string | null;
  /** Called with the form's content after every change. */
  readonly onChange: (draft: IRegistrationDraft) => void;
  /** A unique prefix for the fields' ids. */
  readonly idPrefix: string;
}

/**
 * The form. Invalid fields carry `jp-mod-error` (or are natively invalid),
 * which keeps the dialog's Create button disabled and Enter inert.
 */
export function RegistrationForm(props: IRegistrationFormProps): JSX.Element {
  const { trans, idPrefix, onChange } = props;
  const [draft, setDraft] = React.useState(props.initial);
  const [touched, setTouched] = React.useState<Record<string, boolean>>({});
  const root = React.useRef<HTMLDivElement>(null);
  const check = React.useMemo(() => checkDraft(draft, trans), [draft, trans]);
  React.useLayoutEffect(() => {
    // The dialog re-checks validity on `input` events, which it sees
    // before this form re-renders; tell it the form changed.
    root.current?.dispatchEvent(new Event('input', { bubbles: true }));
  }, [check]);

  const update = (change: Partial<IRegistrationDraft>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    onChange(next);
  };
  const touch = (field: string) => setTouched({ ...touched, [field]: true });
  const id = (field: string) => `${idPrefix}-${field}`;
  const showNameError =
    check.nameError !== null && (touched.name || draft.name !== '');

  return (
    <div className="jp-mlpTokens-form" ref={root}>
      {props.error && (
        <p className="jp-mlpTokens-error" role="alert">
          {props.error}
        </p>
      )}
      <label className="jp-mlpTokens-regLabel" htmlFor={id('name')}>
        {trans.__('Access token name')}
      </label>
      <input
        id={id('name')}
        name="name"
        type="text"
        className={
          'jp-mod-styled jp-mlpTokens-regInput' +
          (showNameError ? ' jp-mod-error' : '')
        }
        required
        autoComplete="off"
        spellCheck={false}
        value={draft.name}
        aria-invalid={showNameError}
        aria-describedby={id('name-help')}
        onChange={event => update({ name: event.target.value })}
        onBlur={() => touch('name')}
      />
      <p id={id('name-help')} className="jp-mlpTokens-help">
        {showNameError
          ? check.nameError
          : trans.__('Name of the access token your colleague will get.')}
      </p>

      <label className="jp-mlpTokens-regLabel" htmlFor={id('role')}>
        {trans.__('Role')}
      </label>
      <select
        id={id('role')}
        name="role"
        className="jp-mod-styled jp-mlpTokens-regInput"
        value={draft.role}
        onChange={event => update({ role: event.target.value as TokenType })}
      >
        <option value="USER">{trans.__('User')}</option>
        <option value="ADMIN">{trans.__('Administrator')}</option>
      </select>

      <label className="jp-mlpTokens-regLabel" htmlFor={id('access-ttl')}>
        {trans.__('Registration token valid for')}
      </label>
      <input
        id={id('access-ttl')}
        name="accessTtl"
        type="text"
        className={
          'jp-mod-styled jp-mlpTokens-regInput' +
          (check.accessTtlError ? ' jp-mod-error' : '')
        }
        autoComplete="off"
        spellCheck={false}
        value={draft.accessTtl}
        aria-invalid={check.accessTtlError !== null}
        aria-describedby={id('access-ttl-help')}
        onChange={event => update({ accessTtl: event.target.value })}
      />
      <p
        id={id('access-ttl-help')}
        className="jp-mlpTokens-help"
        aria-live="polite"
      >
        {check.accessTtlError ??
          trans.__(
            'Redeemable for %1 (at most 720 h), e.g. 2h45m30s, 90m or 45s.',
            check.accessTtlPreview ?? ''
          )}
      </p>

      <fieldset className="jp-mlpTokens-fieldset">
        <legend className="jp-mlpTokens-regLabel">
          {trans.__('Access token lifetime')}
        </legend>
        <label className="jp-mlpTokens-choice">
          <input
            type="radio"
            name={id('lifetime')}
            value="never"
            checked={draft.neverExpires}
            onChange={() => update({ neverExpires: true })}
          />
          {trans.__('Never expires')}
        </label>
        <label className="jp-mlpTokens-choice">
          <input
            type="radio"
            name={id('lifetime')}
            value="expires"
            checked={!draft.neverExpires}
            onChange={() => update({ neverExpires: false })}
          />
          {trans.__('Expires after')}
        </label>
        <input
          id={id('refresh-ttl')}
          name="refreshTtl"
          type="text"
          className={
            'jp-mod-styled jp-mlpTokens-regInput' +
            (check.refreshTtlError ? ' jp-mod-error' : '')
          }
          aria-label={trans.__('Access token lifetime')}
          autoComplete="off"
          spellCheck={false}
          disabled={draft.neverExpires}
          value={draft.refreshTtl}
          aria-invalid={check.refreshTtlError !== null}
          aria-describedby={id('refresh-ttl-help')}
          onChange={event => update({ refreshTtl: event.target.value })}
        />
        <p
          id={id('refresh-ttl-help')}
          className="jp-mlpTokens-help"
          aria-live="polite"
        >
          {draft.neverExpires
            ? trans.__('The access token works until it is deleted.')
            : (check.refreshTtlError ??
              trans.__(
                'The access token works for %1 after it is redeemed.',
                check.refreshTtlPreview ?? ''
              ))}
        </p>
      </fieldset>
    </div>
  );
}

/**
 * What the dialog gives back: the form as typed, and the request when valid.
 */
export interface IRegistrationFormValue {
  readonly draft: IRegistrationDraft;
  readonly request: IRegistrationTokenRequest | null;
}

let nextId = 0;

/**
 * The dialog body: the form, with `getValue()` for the dialog.
 */
export class RegistrationFormBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IRegistrationFormValue>
{
  constructor(options: RegistrationFormBody.IOptions) {
    super();
    this._trans = options.trans;
    this._draft = options.draft ?? EMPTY_DRAFT;
    this._error = options.error ?? null;
    this._idPrefix = `jp-mlpTokens-registration-${++nextId}`;
    this.addClass('jp-mlpTokens-dialogBody');
    // Render now: the dialog waits for this first render before it moves
    // the focus to the name field (it looks before the body is attached).
    this.processMessage(Widget.Msg.UpdateRequest);
  }

  /**
   * Focus the name field as soon as it is rendered. The dialog does so too,
   * but only once the page is idle, which a page still busy (a theme just
   * switched) can put off past the user's first keys.
   */
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    let frames = 10;
    const focus = () => {
      const field =
        this.node.querySelector<HTMLInputElement>('input[name="name"]');
      if (field) {
        if (!this.node.contains(document.activeElement)) {
          field.focus();
        }
        // The dialog listens for `input` only once it is attached itself,
        // after this body: a form rendered before then has its first check
        // unseen, so tell it again now that it listens.
        field.dispatchEvent(new Event('input', { bubbles: true }));
      } else if (--frames > 0) {
        requestAnimationFrame(focus);
      }
    };
    requestAnimationFrame(focus);
  }

  getValue(): IRegistrationFormValue {
    return {
      draft: this._draft,
      request: checkDraft(this._draft, this._trans).request
    };
  }

  protected render(): JSX.Element {
    return (
      <RegistrationForm
        trans={this._trans}
        initial={this._draft}
        error={this._error}
        idPrefix={this._idPrefix}
        onChange={draft => {
          this._draft = draft;
        }}
      />
    );
  }

  private _trans: TranslationBundle;
  private _draft: IRegistrationDraft;
  private _error: string | null;
  private _idPrefix: string;
}

export namespace RegistrationFormBody {
  export interface IOptions {
    trans: TranslationBundle;
    /** The form's content (default: empty name, 24 h, never expires). */
    draft?: IRegistrationDraft;
    /** A sentence about the previous attempt. */
    error?: string | null;
  }
}

/**
 * Show the dialog. Resolves with the form's value when "Create" was
 * chosen, or null when it was cancelled.
 */
export async function showCreateRegistrationDialog(options: {
  trans: TranslationBundle;
  draft?: IRegistrationDraft;
  error?: string | null;
}): Promise<IRegistrationFormValue | null> {
  const { trans } = options;
  const body = new RegistrationFormBody(options);
  const result = await showDialog<IRegistrationFormValue>({
    title: trans.__('Create registration token'),
    body,
    focusNodeSelector: 'input[name="name"]',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create') })
    ]
  });
  return result.button.accept ? result.value : null;
}
