import { PageConfig } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  AbortError,
  ConflictError,
  MLPlatformError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TokenRejectedError,
  ValidationError
} from './api';
import { NoActiveTokenError } from './platform/connection';
import { NOT_RUNNING, ServerExtensionError } from './server/request';
import type { IServerMessage } from './tokens';

/**
 * What the failed operation was about, to make the sentence precise.
 */
export interface IErrorContext {
  /**
   * Which kind of token was sent: an access token (default) or a
   * registration token being redeemed.
   */
  readonly token?: 'access' | 'registration';
  /**
   * The operation, for a missing role, e.g. "creating registration tokens".
   * Already translated.
   */
  readonly action?: string;
  /**
   * The token name the operation was about, for conflicts and not-found.
   */
  readonly name?: string;
}

/**
 * Turn any failure into one translated sentence that says what happened
 * and what to do. The only place where errors become words.
 */
export function describeError(
  error: unknown,
  trans: TranslationBundle,
  context: IErrorContext = {}
): string {
  if (error instanceof NoActiveTokenError) {
    return trans.__(
      'No access token is active — add one or make a saved one active.'
    );
  }
  if (error instanceof ServerExtensionError) {
    if (error.status === null) {
      return trans.__(
        'The Jupyter server could not be reached — check your connection and try again.'
      );
    }
    if (error.code === NOT_RUNNING) {
      return describeNotRunning(trans);
    }
    return describeServerMessage(error, trans);
  }
  if (!(error instanceof MLPlatformError)) {
    return trans.__('Something unexpected went wrong: %1', String(error));
  }
  if (error instanceof TokenRejectedError) {
    return context.token === 'registration'
      ? trans.__(
          'This registration token has expired, was already used or does not exist — ask your administrator for a new one.'
        )
      : trans.__('This token has expired or was deleted — add a new one.');
  }
  if (error instanceof PermissionDeniedError) {
    return context.action
      ? // TRANSLATORS: %1 is an action such as "creating registration tokens".
        trans.__(
          'Your token is a User token; %1 needs an Administrator token.',
          context.action
        )
      : trans.__(
          'Your token is a User token; this needs an Administrator token.'
        );
  }
  if (error instanceof ConflictError) {
    return context.name
      ? trans.__(
          'An access token named "%1" already exists — choose another name.',
          context.name
        )
      : trans.__(
          'An access token with this name already exists — choose another name.'
        );
  }
  if (error instanceof NotFoundError) {
    return context.name
      ? trans.__(
          'The token "%1" no longer exists on the platform — refresh the list.',
          context.name
        )
      : trans.__(
          'This token no longer exists on the platform — refresh the list.'
        );
  }
  if (error instanceof ValidationError) {
    return describeValidation(error, trans);
  }
  const redemption =
    context.token === 'registration' ? describeRedemption(error, trans) : null;
  if (redemption !== null) {
    return redemption;
  }
  if (error instanceof RateLimitError) {
    return error.retryAfterSeconds !== undefined
      ? trans.__(
          'The ML Platform API is busy — try again in %1 s.',
          error.retryAfterSeconds
        )
      : trans.__('The ML Platform API is busy — try again in a moment.');
  }
  if (error instanceof ServerError) {
    return describeServerError(error, trans);
  }
  if (error instanceof TimeoutError) {
    return trans.__(
      'The ML Platform API did not answer in time — try again later.'
    );
  }
  if (error instanceof NetworkError) {
    return trans.__(
      'The Jupyter server could not be reached — check your connection and try again.'
    );
  }
  if (error instanceof AbortError) {
    return trans.__('The request was cancelled.');
  }
  if (error instanceof ProtocolError) {
    return trans.__(
      'The ML Platform API sent an answer this extension does not understand — check the configured API URL.'
    );
  }
  return trans.__(
    'The ML Platform API refused the request (HTTP %1).',
    String(error.status ?? '?')
  );
}

/**
 * The one sentence for a server without the server part: what to do, for a
 * JupyterHub server (restart it from the Hub Control Panel) or a JupyterLab
 * of one's own.
 */
export function describeNotRunning(trans: TranslationBundle): string {
  return PageConfig.getOption('hubPrefix')
    ? trans.__(
        'The server part of ML Platform Tokens is not running on this server — if you have just installed it, restart your server: File → Hub Control Panel → Stop My Server, then Start My Server.'
      )
    : trans.__(
        'The server part of ML Platform Tokens is not running on this server — if you have just installed it, stop JupyterLab, start it again and reload this page.'
      );
}

/**
 * The sentence for a redemption that may have minted the access token
 * although no usable answer came back, or null. Trying again then only
 * tells whether the registration token was used meanwhile.
 */
function describeRedemption(
  error: MLPlatformError,
  trans: TranslationBundle
): string | null {
  const code = error.code;
  if (
    error instanceof ProtocolError ||
    (error instanceof ServerError &&
      (code === 'UpstreamProtocolError' ||
        code === 'UpstreamResponseTooLarge' ||
        code === 'UpstreamLibraryUnsupported'))
  ) {
    return trans.__(
      'The answer to the redemption could not be read, so no access token was saved — ask your administrator whether it was created and, if so, to delete it and send you a new registration token.'
    );
  }
  if (
    error instanceof TimeoutError ||
    error instanceof NetworkError ||
    (error instanceof ServerError &&
      (error.status ?? 0) >= 500 &&
      code !== 'UpstreamNotConfigured' &&
      code !== 'UpstreamLibraryMissing' &&
      code !== 'UpstreamMisconfigured')
  ) {
    return trans.__(
      'The redemption did not complete, so no access token was saved — try again, and if it then says the registration token was already used, ask your administrator to delete the access token it created and send you a new registration token.'
    );
  }
  return null;
}

function describeValidation(
  error: ValidationError,
  trans: TranslationBundle
): string {
  switch (error.code) {
    case 'InvalidName':
      return trans.__(
        'A name must be 1–64 characters of letters, digits, ".", "_" or "-".'
      );
    case 'TtlSyntax':
      return trans.__(
        'A lifetime must look like 2h45m30s, 90m or 45s: hours, minutes and seconds in that order.'
      );
    case 'TtlZero':
      return trans.__('A lifetime must be longer than zero.');
    case 'TtlTooLong':
      return trans.__('This lifetime is longer than the platform allows.');
    case 'MissingToken':
    case 'EmptyToken':
      return trans.__('Paste a token first.');
    case 'InvalidToken':
      return trans.__(
        'A token is printable ASCII without spaces — check that it was pasted whole.'
      );
    case 'InvalidRole':
      return trans.__('Choose the role User or Administrator.');
    default:
      return error.field
        ? trans.__(
            'The field "%1" is not valid: %2',
            error.field,
            error.message
          )
        : trans.__('The input is not valid: %1', error.message);
  }
}

function describeServerError(
  error: ServerError,
  trans: TranslationBundle
): string {
  switch (error.code) {
    case 'UpstreamNotConfigured':
    case 'UpstreamMisconfigured':
      return trans.__(
        'No ML Platform API URL is set on this server — ask your JupyterHub administrator to configure it.'
      );
    case 'UpstreamUnavailable':
      return trans.__(
        'The ML Platform API could not be reached — try again later, or ask your administrator to check the API URL.'
      );
    case 'UpstreamTimeout':
      return trans.__(
        'The ML Platform API did not answer in time — try again later.'
      );
    case 'UpstreamLibraryMissing':
      return trans.__(
        'The ML Platform library (mlplatform_client) is not installed on this server — ask your JupyterHub administrator to install it, or to set an API URL.'
      );
    case 'UpstreamLibraryUnsupported':
      return trans.__(
        'The ML Platform library on this server answered in a way this extension does not understand — ask your JupyterHub administrator to set c.MLPlatformTokens.api_url, or to install a supported version of the library.'
      );
    case 'UpstreamProtocolError':
    case 'UpstreamResponseTooLarge':
      return trans.__(
        'The ML Platform API sent an answer this extension does not understand — check the configured API URL.'
      );
    default:
      return trans.__(
        'The ML Platform API failed (HTTP %1) — try again later.',
        String(error.status ?? '?')
      );
  }
}

/**
 * A message of the server part in the user's language: its code worded
 * here with its parameters; the server's English sentence for a code this
 * frontend does not know (a newer server) or none (an older one).
 */
export function describeServerMessage(
  message: IServerMessage,
  trans: TranslationBundle
): string {
  const params = message.params ?? {};
  const param = (name: string): string => String(params[name] ?? '');
  switch (message.code) {
    // The request's form (validate.py): only a frontend and a server part
    // of different versions, or a script, send a malformed request.
    case 'body-too-large':
    case 'body-not-json':
    case 'body-not-object':
    case 'body-not-allowed':
    case 'field-unknown':
    case 'field-required':
    case 'param-not-integer':
    case 'field-not-boolean':
    case 'field-not-ttl':
    case 'role-invalid':
      return trans.__(
        'The server part refused the request as malformed — reload the page; if it happens again, the extension on this server may be of another version than this page.'
      );
    case 'token-empty':
      return trans.__('The token value is empty.');
    case 'token-too-long':
      return trans.__(
        'The token value is longer than %1 characters.',
        param('max')
      );
    case 'token-not-ascii':
      return trans.__(
        'The token value may contain only printable ASCII characters without spaces.'
      );
    case 'label-not-text':
      return trans.__('The label must be text.');
    case 'label-empty':
      return trans.__('The label is empty.');
    case 'label-too-long':
      return trans.__('The label is longer than %1 characters.', param('max'));
    case 'label-not-printable':
      return trans.__('The label may contain only printable characters.');
    // The platform's description of a token, as saved with it.
    case 'field-not-text':
    case 'field-not-text-or-empty':
    case 'field-not-timestamp':
    case 'field-not-timestamp-or-null':
      return trans.__(
        'The description of this token could not be saved: its field "%1" is not valid.',
        param('field')
      );
    // The saved tokens and notes (records.py)
    case 'token-not-found':
      return trans.__('No saved token has this id; it may have been removed.');
    case 'invitation-not-found':
      return trans.__(
        'No invitation note has this id; it may have been removed.'
      );
    case 'vault-full':
      return trans.__(
        'The vault already keeps %1 tokens, the most it holds; remove one you no longer need.',
        param('max')
      );
    case 'invitations-full':
      return trans.__(
        'The vault already keeps %1 invitation notes; remove some you no longer need.',
        param('max')
      );
    // The vault file (vault.py)
    case 'vault-busy':
      return trans.__(
        'The token vault is in use by another process (its lock file %1 is held); try again in a moment.',
        param('path')
      );
    // The system refused the vault's file, lock or folder.
    case 'vault-unusable':
    case 'lock-open-failed':
    case 'lock-failed':
    case 'folder-create-failed':
    case 'folder-examine-failed':
    case 'folder-private-failed':
    case 'file-read-failed':
      return trans.__(
        'The token vault could not be used: %1 (%2) — ask your JupyterHub administrator to check it.',
        param('path'),
        describeSystemError(params, trans)
      );
    // Its place is not the server user's alone: another user could replace it.
    case 'lock-foreign':
    case 'folder-not-folder':
    case 'folder-foreign':
    case 'folder-writable':
    case 'file-foreign':
      return trans.__(
        'The token vault was not used: %1 belongs to another user, is not what it should be, or others can write there — ask your JupyterHub administrator to give the vault a folder only you can write to.',
        param('path')
      );
    case 'save-failed':
      return trans.__(
        'The token vault could not be saved to %1 (%2); nothing was changed.',
        param('path'),
        describeSystemError(params, trans)
      );
    case 'readback-refused':
      return trans.__(
        'This change was not saved: the token vault could not have read it back. Nothing was changed.'
      );
    case 'set-aside-failed': {
      const why = describeSetAsideCause(params, trans);
      return why === null
        ? message.message
        : trans.__(
            'The vault file %1 is damaged (%2) and could not be moved aside (%3); move it away by hand.',
            param('path'),
            why,
            describeSystemError(params, trans)
          );
    }
    case 'vault-set-aside': {
      const why = describeSetAsideCause(params, trans);
      return why === null
        ? message.message
        : trans.__(
            'The token vault could not be used because %1. Nothing was deleted: the file was kept as %2, and the vault starts empty. Add your tokens again, or ask your administrator to repair that copy and move it back to %3.',
            why,
            param('moved_to'),
            param('name')
          );
    }
    default:
      return message.message;
  }
}

/**
 * Why the vault file was set aside, as the middle of a sentence ("it is not
 * valid JSON"); null for a cause this frontend does not know.
 */
function describeSetAsideCause(
  params: Readonly<Record<string, string | number>>,
  trans: TranslationBundle
): string | null {
  switch (params.cause) {
    case 'unreadable':
      return trans.__(
        'it could not be read (%1)',
        describeSystemError(params, trans)
      );
    case 'not-regular':
      return trans.__('it is not a regular file');
    case 'too-large':
      return trans.__('it is far larger than a vault can be');
    case 'not-json':
      return trans.__('it is not valid JSON');
    case 'newer-schema':
      return trans.__(
        'it was written by a newer version (schema %1)',
        String(params.version ?? '?')
      );
    case 'not-a-vault':
      return trans.__(
        'it is not a token vault (%1)',
        String(params.detail ?? '')
      );
    default:
      return null;
  }
}

/**
 * An operating-system error in words: the common ones by their `errno`
 * name, others in the system's own (English) words.
 */
function describeSystemError(
  params: Readonly<Record<string, string | number>>,
  trans: TranslationBundle
): string {
  switch (params.errno) {
    case 'EACCES':
    case 'EPERM':
      return trans.__('permission denied');
    case 'ENOSPC':
      return trans.__('no space left on the disk');
    case 'EDQUOT':
      return trans.__('the disk quota is exceeded');
    case 'EROFS':
      return trans.__('the file system is read-only');
    default:
      return String(params.reason ?? params.errno ?? '?');
  }
}
