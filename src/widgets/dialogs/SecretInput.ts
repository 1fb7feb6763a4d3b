import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * A dialog body that asks for a pasted secret (never echoed) and an
 * optional label, and shows the error of a previous attempt.
 */
export class SecretInput extends Widget {
  constructor(options: SecretInput.IOptions) {
    super();
    this.addClass('jp-mlpTokens-form');
    const { trans } = options;

    const valueLabel = document.createElement('label');
    valueLabel.className = 'jp-mlpTokens-field';
    valueLabel.textContent = options.prompt;
    // A text field masked by CSS, not a password field: browsers and
    // password managers offer to save what is typed into a password field
    // (and to fill one in), which would copy the token into their stores.
    this._value = document.createElement('input');
    this._value.type = 'text';
    this._value.name = 'mlp-paste';
    this._value.className =
      'jp-mod-styled jp-mlpTokens-secret jp-mlpTokens-masked';
    leftAlone(this._value);
    this._value.value = options.value ?? '';
    valueLabel.appendChild(this._value);
    this.node.appendChild(valueLabel);

    if (options.withLabel) {
      const labelLabel = document.createElement('label');
      labelLabel.className = 'jp-mlpTokens-field';
      labelLabel.textContent = trans.__('Label (optional)');
      this._label = document.createElement('input');
      this._label.type = 'text';
      this._label.maxLength = 100;
      this._label.className = 'jp-mod-styled jp-mlpTokens-label';
      leftAlone(this._label);
      this._label.value = options.label ?? '';
      labelLabel.appendChild(this._label);
      this.node.appendChild(labelLabel);
    }

    if (options.help) {
      const help = document.createElement('p');
      help.className = 'jp-mlpTokens-help';
      help.textContent = options.help;
      this.node.appendChild(help);
    }
    if (options.error) {
      const error = document.createElement('p');
      error.className = 'jp-mlpTokens-formError';
      error.setAttribute('role', 'alert');
      error.textContent = options.error;
      this.node.appendChild(error);
    }
  }

  getValue(): { value: string; label: string } {
    return {
      value: this._value.value.trim(),
      label: this._label?.value.trim() ?? ''
    };
  }

  private _value: HTMLInputElement;
  private _label: HTMLInputElement | null = null;
}

/**
 * Ask browsers and password managers (1Password, LastPass, Bitwarden,
 * Dashlane) not to save, suggest or fill anything here, and the browser
 * not to check, correct or capitalise what is typed.
 */
function leftAlone(input: HTMLInputElement): void {
  input.autocomplete = 'off';
  input.setAttribute('spellcheck', 'false');
  input.setAttribute('autocorrect', 'off');
  input.setAttribute('autocapitalize', 'off');
  input.setAttribute('data-1p-ignore', '');
  input.setAttribute('data-lpignore', 'true');
  input.setAttribute('data-bwignore', '');
  input.setAttribute('data-form-type', 'other');
}

export namespace SecretInput {
  export interface IOptions {
    trans: TranslationBundle;
    prompt: string;
    help?: string;
    withLabel?: boolean;
    value?: string;
    label?: string;
    error?: string;
  }
}
