/**
 * The show-once dialogs: of a new registration token (its value, Copy
 * buttons, a live countdown of its validity, and a message for the
 * colleague), and of a new access token this server could not save (why,
 * its value and a Copy button). The value lives only in the dialog's DOM
 * (and the clipboard, when copied); nothing here keeps it in a field or
 * state.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { formatTtlHuman, parseTtl, type RegisterToken } from '../../api';
import { formatDateTime } from '../../time';
import { ttlUnits } from '../../project/draft';
import type { ISecretClipboard } from '../../tokens';

/**
 * What the dialog says about the token besides its value.
 */
export type RegistrationFacts = Omit<RegisterToken, 'register_token'>;

/**
 * The ready-to-send message for the colleague, with the value.
 */
export function invitationMessage(
  value: string,
  facts: RegistrationFacts,
  trans: TranslationBundle
): string {
  const role =
    facts.token_type === 'ADMIN' ? trans.__('Administrator') : trans.__('User');
  const lifetime =
    facts.refresh_ttl === null
      ? trans.__('It never expires.')
      : trans.__(
          'It expires %1 after you redeem it.',
          humanTtl(facts.refresh_ttl, trans)
        );
  return [
    trans.__(
      'Here is a registration token for VK Cloud ML Platform. It creates your access token "%1" (role: %2). %3',
      facts.client_name,
      role,
      lifetime
    ),
    trans.__(
      'Redeem it before %1: in JupyterLab open the ML Platform Tokens panel and choose "Redeem registration token" (or run "ML Platform: Redeem Registration Token" from the command palette), then paste:',
      formatDateTime(facts.expires_at)
    ),
    value,
    trans.__(
      'It works once. Please do not forward it or paste it into a notebook.'
    )
  ].join('\n\n');
}

/**
 * A lifetime as the platform gave it (`2h45m30s`) for people, or as given
 * when it is not one.
 */
function humanTtl(ttl: string, trans: TranslationBundle): string {
  try {
    return formatTtlHuman(
      parseTtl(ttl, { maxSeconds: Number.MAX_SAFE_INTEGER }),
      ttlUnits(trans)
    );
  } catch {
    return ttl;
  }
}

/**
 * What every show-once body has: the value in a read-only field with a
 * Copy button, and a line that says how the copy went. The value lives
 * only in the field.
 */
abstract class SecretValueBody extends Widget {
  protected constructor(trans: TranslationBundle, clipboard: ISecretClipboard) {
    super();
    this.trans = trans;
    this._clipboard = clipboard;
    this.addClass('jp-mlpTokens-dialogBody');
    this.addClass('jp-mlpTokens-showOnce');
    this.status = this.node.ownerDocument.createElement('p');
    this.status.className = 'jp-mlpTokens-help';
    this.status.setAttribute('aria-live', 'polite');
  }

  /**
   * The label and the row of the value field and its Copy button.
   */
  protected valueRow(
    value: string,
    text: { label: string; copy: string; copied: string }
  ): [HTMLLabelElement, HTMLDivElement] {
    const doc = this.node.ownerDocument;
    const valueId = `jp-mlpTokens-showOnce-value-${++nextId}`;
    const label = doc.createElement('label');
    label.className = 'jp-mlpTokens-regLabel';
    label.htmlFor = valueId;
    label.textContent = text.label;
    const input = doc.createElement('input');
    input.id = valueId;
    input.type = 'text';
    input.readOnly = true;
    input.spellcheck = false;
    input.autocomplete = 'off';
    input.className = 'jp-mod-styled jp-mlpTokens-regInput jp-mlpTokens-secret';
    input.value = value;
    input.addEventListener('focus', () => input.select());
    const copy = this.button(text.copy, () =>
      this.copy(input.value, text.copied)
    );
    copy.classList.add('jp-mlpTokens-copy');
    const row = doc.createElement('div');
    row.className = 'jp-mlpTokens-toolbarRow';
    row.append(input, copy);
    return [label, row];
  }

  protected button(text: string, onClick: () => void): HTMLButtonElement {
    const button = this.node.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'jp-mlpTokens-button';
    button.textContent = text;
    button.addEventListener('click', onClick);
    return button;
  }

  protected copy(text: string, done: string): void {
    const clipboard = this._clipboard;
    clipboard.copy(text).then(
      () => {
        const delay = clipboard.clearAfterSeconds;
        this.status.textContent =
          delay > 0
            ? this.trans._n(
                '%2 The clipboard is cleared in %1 second if it still holds it.',
                '%2 The clipboard is cleared in %1 seconds if it still holds it.',
                delay,
                done
              )
            : done;
      },
      () => {
        this.status.textContent = this.trans.__(
          'The browser did not allow copying — select the text and copy it yourself.'
        );
      }
    );
  }

  /** Where the outcome of a copy is said. */
  protected readonly status: HTMLElement;
  protected readonly trans: TranslationBundle;
  private _clipboard: ISecretClipboard;
}

/**
 * The dialog body of a new registration token.
 */
export class ShowOnceBody extends SecretValueBody {
  constructor(options: ShowOnceBody.IOptions) {
    const { trans, facts, clipboard } = options;
    super(trans, clipboard);
    this._expiresAt = Date.parse(facts.expires_at);
    this._now = options.now ?? Date.now;

    const doc = this.node.ownerDocument;
    const intro = doc.createElement('p');
    intro.textContent = trans.__(
      'This is the only time the registration token for "%1" is shown. Copy it now and send it to your colleague; it is not saved anywhere.',
      facts.client_name
    );

    const [label, copyRow] = this.valueRow(options.value, {
      label: trans.__('Registration token'),
      copy: trans.__('Copy token'),
      copied: trans.__('Registration token copied.')
    });

    this._countdown = doc.createElement('p');
    this._countdown.className = 'jp-mlpTokens-countdown';
    this._countdown.setAttribute('role', 'timer');

    const messageId = `jp-mlpTokens-showOnce-message-${nextId}`;
    const messageLabel = doc.createElement('label');
    messageLabel.className = 'jp-mlpTokens-regLabel';
    messageLabel.htmlFor = messageId;
    messageLabel.textContent = trans.__('Message for your colleague');
    const message = doc.createElement('textarea');
    message.id = messageId;
    message.readOnly = true;
    message.rows = 7;
    message.className = 'jp-mod-styled jp-mlpTokens-message';
    message.value = invitationMessage(options.value, facts, trans);
    const copyMessage = this.button(trans.__('Copy message'), () =>
      this.copy(message.value, trans.__('Message copied.'))
    );

    this.node.append(
      intro,
      label,
      copyRow,
      this._countdown,
      messageLabel,
      message,
      copyMessage,
      this.status
    );
    this._tick();
    this._timer = setInterval(() => this._tick(), 1000);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    super.dispose();
  }

  private _tick(): void {
    const left = Math.floor((this._expiresAt - this._now()) / 1000);
    if (!Number.isFinite(left)) {
      this._countdown.textContent = '';
    } else if (left > 0) {
      this._countdown.textContent = this.trans.__(
        'Valid for %1',
        formatTtlHuman(left, ttlUnits(this.trans))
      );
    } else {
      this._countdown.textContent = this.trans.__(
        'This registration token has expired.'
      );
      this._countdown.classList.add('jp-mlpTokens-expired');
      if (this._timer !== null) {
        clearInterval(this._timer);
        this._timer = null;
      }
    }
  }

  private _expiresAt: number;
  private _now: () => number;
  private _countdown: HTMLElement;
  private _timer: ReturnType<typeof setInterval> | null = null;
}

/**
 * The dialog body of an access token the platform minted but this server
 * could not save: why, the value, and that it must be copied now.
 */
export class UnsavedTokenBody extends SecretValueBody {
  constructor(options: UnsavedTokenBody.IOptions) {
    const { trans, clipboard } = options;
    super(trans, clipboard);
    const doc = this.node.ownerDocument;
    const reason = doc.createElement('p');
    reason.className = 'jp-mlpTokens-formError';
    reason.setAttribute('role', 'alert');
    reason.textContent = trans.__(
      'The platform created the access token "%1", but this server could not save it: %2',
      options.name,
      options.reason
    );
    const intro = doc.createElement('p');
    intro.textContent = trans.__(
      'Copy it now and keep it somewhere safe: it is shown only this once, and you can add it later with "Add Access Token".'
    );
    const [label, copyRow] = this.valueRow(options.value, {
      label: trans.__('Access token (also called refresh token)'),
      copy: trans.__('Copy token'),
      copied: trans.__('Access token copied.')
    });
    this.node.append(reason, intro, label, copyRow, this.status);
  }
}

let nextId = 0;

export namespace UnsavedTokenBody {
  export interface IOptions {
    /** The access token's value; written into the DOM only. */
    value: string;
    /** Its name on the platform. */
    name: string;
    /** One sentence: why it could not be saved. */
    reason: string;
    trans: TranslationBundle;
    clipboard: ISecretClipboard;
  }
}

export namespace ShowOnceBody {
  export interface IOptions {
    /** The registration token's value; written into the DOM only. */
    value: string;
    facts: RegistrationFacts;
    trans: TranslationBundle;
    clipboard: ISecretClipboard;
    /** Clock in ms (default `Date.now`). */
    now?: () => number;
  }
}

/**
 * Show a new registration token once. Resolves when the dialog is closed.
 */
export async function showRegistrationTokenOnce(options: {
  token: RegisterToken;
  trans: TranslationBundle;
  clipboard: ISecretClipboard;
}): Promise<void> {
  const { token, trans, clipboard } = options;
  const { register_token: value, ...facts } = token;
  const body = new ShowOnceBody({ value, facts, trans, clipboard });
  await showDialog({
    title: trans.__('Registration token for "%1"', facts.client_name),
    body,
    hasClose: false,
    focusNodeSelector: '.jp-mlpTokens-copy',
    buttons: [Dialog.okButton({ label: trans.__('Done') })]
  });
}

/**
 * Show once an access token that could not be saved, so that it is not
 * lost. Resolves when the dialog is closed.
 */
export async function showUnsavedTokenOnce(
  options: UnsavedTokenBody.IOptions
): Promise<void> {
  const { trans } = options;
  await showDialog({
    title: trans.__('Copy Your New Access Token'),
    body: new UnsavedTokenBody(options),
    hasClose: false,
    focusNodeSelector: '.jp-mlpTokens-copy',
    buttons: [Dialog.okButton({ label: trans.__('Done') })]
  });
}
