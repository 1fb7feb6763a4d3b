/**
 * The field a token is pasted into: masked, but not a password field, so
 * that browsers and password managers neither offer to save the token nor
 * fill something else into it.
 */

import { nullTranslator } from '@jupyterlab/translation';

import { SecretInput } from '../../src/widgets/dialogs/SecretInput';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

describe('SecretInput', () => {
  function field(): { input: HTMLInputElement; body: SecretInput } {
    const body = new SecretInput({
      trans,
      prompt: 'Access token',
      withLabel: true,
      value: 'mlp_rt_SECRET-0123456789'
    });
    const input = body.node.querySelector(
      'input.jp-mlpTokens-secret'
    ) as HTMLInputElement;
    return { input, body };
  }

  it('is a masked text field, not a password field', () => {
    const { input, body } = field();
    expect(input.type).toBe('text');
    expect(input.classList).toContain('jp-mlpTokens-masked');
    expect(body.node.querySelector('input[type="password"]')).toBeNull();
    body.dispose();
  });

  it('tells browsers and password managers to leave it alone', () => {
    const { input, body } = field();
    expect(input.getAttribute('autocomplete')).toBe('off');
    expect(input.hasAttribute('data-1p-ignore')).toBe(true);
    expect(input.getAttribute('data-lpignore')).toBe('true');
    expect(input.hasAttribute('data-bwignore')).toBe(true);
    expect(input.getAttribute('data-form-type')).toBe('other');
    expect(input.getAttribute('spellcheck')).toBe('false');
    expect(input.getAttribute('autocapitalize')).toBe('off');
    expect(input.getAttribute('autocorrect')).toBe('off');
    expect(input.name).not.toBe('');
    expect(input.name).not.toMatch(/pass|pwd|secret|token|otp|code|key/i);
    expect(input.id).not.toMatch(/pass|pwd/i);
    body.dispose();
  });

  it('still gives the pasted value, trimmed', () => {
    const { input, body } = field();
    input.value = '  mlp_rt_pasted-value  ';
    expect(body.getValue().value).toBe('mlp_rt_pasted-value');
    body.dispose();
  });
});
