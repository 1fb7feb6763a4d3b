import { TranslationBundle } from '@jupyterlab/translation';
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
    this._value = document.createElement('input');
    this._value.type = 'password';
    this._value.autocomplete = 'off';
    this._value.spellcheck = false;
    this._value.className = 'jp-mod-styled jp-mlpTokens-secret';
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
