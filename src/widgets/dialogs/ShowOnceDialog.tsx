/**
 * The show-once dialog of a new registration token: its value, Copy
 * buttons, a live countdown of its validity, and a message for the
 * colleague. The value lives only in this dialog's DOM (and the
 * clipboard, when copied); nothing here keeps it in a field or state.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { formatTtlHuman, type RegisterToken } from '../../api';
import { ttlUnits } from './RegistrationDraft';
import { ShowOnceClipboard } from './ShowOnceClipboard';

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
      new Date(facts.expires_at).toLocaleString()
    ),
    value,
    trans.__(
      'It works once. Please do not forward it or paste it into a notebook.'
    )
  ].join('\n\n');
}

function humanTtl(ttl: string, trans: TranslationBundle): string {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(ttl);
  if (!match) {
    return ttl;
  }
  const [h, m, s] = match.slice(1).map(part => Number(part ?? 0));
  return formatTtlHuman(h * 3600 + m * 60 + s, ttlUnits(trans));
}

/**
 * The dialog body.
 */
export class ShowOnceBody extends Widget {
  constructor(options: ShowOnceBody.IOptions) {
    super();
    const { trans, facts, clipboard } = options;
    this._trans = trans;
    this._expiresAt = Date.parse(facts.expires_at);
    this._now = options.now ?? Date.now;
    this.addClass('jp-mlpTokens-dialogBody');
    this.addClass('jp-mlpTokens-showOnce');

    const doc = this.node.ownerDocument;
    const intro = doc.createElement('p');
    intro.textContent = trans.__(
      'This is the only time the registration token for "%1" is shown. Copy it now and send it to your colleague; it is not saved anywhere.',
      facts.client_name
    );

    const valueId = `jp-mlpTokens-showOnce-value-${++nextId}`;
    const label = doc.createElement('label');
    label.className = 'jp-mlpTokens-regLabel';
    label.htmlFor = valueId;
    label.textContent = trans.__('Registration token');
    const value = doc.createElement('input');
    value.id = valueId;
    value.type = 'text';
    value.readOnly = true;
    value.spellcheck = false;
    value.autocomplete = 'off';
    value.className = 'jp-mod-styled jp-mlpTokens-regInput jp-mlpTokens-secret';
    value.value = options.value;
    value.addEventListener('focus', () => value.select());

    const copy = this._button(trans.__('Copy token'), () =>
      this._copy(clipboard, value.value, trans.__('Registration token copied.'))
    );
    copy.classList.add('jp-mlpTokens-copy');

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
    const copyMessage = this._button(trans.__('Copy message'), () =>
      this._copy(clipboard, message.value, trans.__('Message copied.'))
    );

    const copyRow = doc.createElement('div');
    copyRow.className = 'jp-mlpTokens-toolbarRow';
    copyRow.append(value, copy);
    this._status = doc.createElement('p');
    this._status.className = 'jp-mlpTokens-help';
    this._status.setAttribute('aria-live', 'polite');

    this.node.append(
      intro,
      label,
      copyRow,
      this._countdown,
      messageLabel,
      message,
      copyMessage,
      this._status
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

  private _button(text: string, onClick: () => void): HTMLButtonElement {
    const button = this.node.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'jp-mlpTokens-button';
    button.textContent = text;
    button.addEventListener('click', onClick);
    return button;
  }

  private _copy(clipboard: ShowOnceClipboard, text: string, done: string) {
    clipboard.copy(text).then(
      () => {
        const delay = clipboard.clearAfterSeconds;
        this._status.textContent =
          delay > 0
            ? this._trans._n(
                '%2 The clipboard is cleared in %1 second if it still holds it.',
                '%2 The clipboard is cleared in %1 seconds if it still holds it.',
                delay,
                done
              )
            : done;
      },
      () => {
        this._status.textContent = this._trans.__(
          'The browser did not allow copying — select the text and copy it yourself.'
        );
      }
    );
  }

  private _tick(): void {
    const left = Math.floor((this._expiresAt - this._now()) / 1000);
    if (!Number.isFinite(left)) {
      this._countdown.textContent = '';
    } else if (left > 0) {
      this._countdown.textContent = this._trans.__(
        'Valid for %1',
        formatTtlHuman(left, ttlUnits(this._trans))
      );
    } else {
      this._countdown.textContent = this._trans.__(
        'This registration token has expired.'
      );
      this._countdown.classList.add('jp-mlpTokens-expired');
      if (this._timer !== null) {
        clearInterval(this._timer);
        this._timer = null;
      }
    }
  }

  private _trans: TranslationBundle;
  private _expiresAt: number;
  private _now: () => number;
  private _countdown: HTMLElement;
  private _status: HTMLElement;
  private _timer: ReturnType<typeof setInterval> | null = null;
}

let nextId = 0;

export namespace ShowOnceBody {
  export interface IOptions {
    /** The registration token's value; written into the DOM only. */
    value: string;
    facts: RegistrationFacts;
    trans: TranslationBundle;
    clipboard: ShowOnceClipboard;
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
  clipboard: ShowOnceClipboard;
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
