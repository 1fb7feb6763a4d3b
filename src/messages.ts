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
      code !== 'UpstreamMisconfigured' &&
      // Refused before the request left this server: nothing was minted.
      code !== 'UpstreamCaBundleUnusable' &&
      code !== 'UpstreamCertificateUntrusted')
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
    case 'UpstreamCaBundleUnusable':
      return trans.__(
        'The CA bundle set on this server for the ML Platform API cannot be used — ask your JupyterHub administrator to correct c.MLPlatformTokens.ca_bundle.'
      );
    case 'UpstreamCertificateUntrusted':
      return trans.__(
        'This server does not trust the TLS certificate of the ML Platform API — ask your JupyterHub administrator to check the API URL and c.MLPlatformTokens.ca_bundle.'
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
 * A catalog entry keyed by a code, or null where the catalog has none (in
 * English, or for a code it does not know): `trans._p` then answers the
 * key itself, with its values after it. The server part's messages are keyed by their code in the
 * context "server message" (their English is the server's own sentence),
 * and their parts in "vault set aside because" and "system error".
 */
function keyed(key: string, text: string): string | null {
  return text.startsWith(key) ? null : text;
}

/**
 * A message of the server part in the user's language: its code looked up
 * in the catalog, with its parameters; the server's English sentence when
 * the catalog has no words for it (English, a newer server's code) or the
 * message has no code (an older server).
 */
export function describeServerMessage(
  message: IServerMessage,
  trans: TranslationBundle
): string {
  const params = message.params ?? {};
  const param = (name: string): string => String(params[name] ?? '');
  const system = (): string => describeSystemError(params, trans);
  let text: string | null = null;
  switch (message.code) {
    // The request's form (validate.py): only a frontend and a server part of
    // different versions, or a script, send a malformed request.
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
      // TRANSLATORS: The server part refused the request as malformed — reload the page; if it happens again, the extension on this server may be of another version than this page.
      text = keyed('malformed', trans._p('server message', 'malformed'));
      break;
    // The platform's description of a token, as saved with it.
    case 'field-not-text':
    case 'field-not-text-or-empty':
    case 'field-not-timestamp':
    case 'field-not-timestamp-or-null':
      // TRANSLATORS: The description of this token could not be saved: its field "%1" is not valid.
      text = keyed(
        'bad-field',
        trans._p('server message', 'bad-field %1', param('field'))
      );
      break;
    case 'token-empty':
      // TRANSLATORS: The token value is empty.
      text = keyed('token-empty', trans._p('server message', 'token-empty'));
      break;
    case 'token-not-ascii':
      // TRANSLATORS: The token value may contain only printable ASCII characters without spaces.
      text = keyed(
        'token-not-ascii',
        trans._p('server message', 'token-not-ascii ASCII')
      );
      break;
    case 'label-not-text':
      // TRANSLATORS: The label must be text.
      text = keyed(
        'label-not-text',
        trans._p('server message', 'label-not-text')
      );
      break;
    case 'label-empty':
      // TRANSLATORS: The label is empty.
      text = keyed('label-empty', trans._p('server message', 'label-empty'));
      break;
    case 'label-not-printable':
      // TRANSLATORS: The label may contain only printable characters.
      text = keyed(
        'label-not-printable',
        trans._p('server message', 'label-not-printable')
      );
      break;
    case 'token-not-found':
      // TRANSLATORS: No saved token has this id; it may have been removed.
      text = keyed(
        'token-not-found',
        trans._p('server message', 'token-not-found')
      );
      break;
    case 'invitation-not-found':
      // TRANSLATORS: No invitation note has this id; it may have been removed.
      text = keyed(
        'invitation-not-found',
        trans._p('server message', 'invitation-not-found')
      );
      break;
    case 'readback-refused':
      // TRANSLATORS: This change was not saved: the token vault could not have read it back. Nothing was changed.
      text = keyed(
        'readback-refused',
        trans._p('server message', 'readback-refused')
      );
      break;
    case 'token-too-long':
      // TRANSLATORS: The token value is longer than %1 characters.
      text = keyed(
        'token-too-long',
        trans._p('server message', 'token-too-long %1', param('max'))
      );
      break;
    case 'label-too-long':
      // TRANSLATORS: The label is longer than %1 characters.
      text = keyed(
        'label-too-long',
        trans._p('server message', 'label-too-long %1', param('max'))
      );
      break;
    case 'vault-full':
      // TRANSLATORS: The vault already keeps %1 tokens, the most it holds; remove one you no longer need.
      text = keyed(
        'vault-full',
        trans._p('server message', 'vault-full %1', param('max'))
      );
      break;
    case 'invitations-full':
      // TRANSLATORS: The vault already keeps %1 invitation notes; remove some you no longer need.
      text = keyed(
        'invitations-full',
        trans._p('server message', 'invitations-full %1', param('max'))
      );
      break;
    case 'vault-busy':
      // TRANSLATORS: The token vault is in use by another process (its lock file %1 is held); try again in a moment.
      text = keyed(
        'vault-busy',
        trans._p('server message', 'vault-busy %1', param('path'))
      );
      break;
    case 'lock-foreign':
      // TRANSLATORS: The vault's lock file %1 belongs to another user or is not a plain file; remove it, or give the vault a folder only you can write to.
      text = keyed(
        'lock-foreign',
        trans._p('server message', 'lock-foreign %1', param('path'))
      );
      break;
    case 'folder-not-folder':
      // TRANSLATORS: The vault's folder %1 is not a folder.
      text = keyed(
        'folder-not-folder',
        trans._p('server message', 'folder-not-folder %1', param('path'))
      );
      break;
    case 'folder-foreign':
      // TRANSLATORS: The vault's folder %1 belongs to another user, who could replace or remove the saved tokens; give the vault a folder of your own.
      text = keyed(
        'folder-foreign',
        trans._p('server message', 'folder-foreign %1', param('path'))
      );
      break;
    case 'folder-writable':
      // TRANSLATORS: Other users can write to the vault's folder %1, so they could replace or remove the saved tokens; give the vault a folder only you can write to.
      text = keyed(
        'folder-writable',
        trans._p('server message', 'folder-writable %1', param('path'))
      );
      break;
    case 'file-foreign':
      // TRANSLATORS: The vault file %1 belongs to another user, so it was not used; move it away and add your tokens again.
      text = keyed(
        'file-foreign',
        trans._p('server message', 'file-foreign %1', param('path'))
      );
      break;
    case 'vault-unusable':
      // TRANSLATORS: The token vault %1 could not be used (%2).
      text = keyed(
        'vault-unusable',
        trans._p(
          'server message',
          'vault-unusable %1 %2',
          param('path'),
          system()
        )
      );
      break;
    case 'lock-open-failed':
      // TRANSLATORS: The vault's lock file %1 could not be opened (%2).
      text = keyed(
        'lock-open-failed',
        trans._p(
          'server message',
          'lock-open-failed %1 %2',
          param('path'),
          system()
        )
      );
      break;
    case 'lock-failed':
      // TRANSLATORS: The vault's lock file %1 could not be locked (%2).
      text = keyed(
        'lock-failed',
        trans._p('server message', 'lock-failed %1 %2', param('path'), system())
      );
      break;
    case 'folder-create-failed':
      // TRANSLATORS: The vault's folder %1 could not be created (%2).
      text = keyed(
        'folder-create-failed',
        trans._p(
          'server message',
          'folder-create-failed %1 %2',
          param('path'),
          system()
        )
      );
      break;
    case 'folder-examine-failed':
      // TRANSLATORS: The vault's folder %1 could not be examined (%2).
      text = keyed(
        'folder-examine-failed',
        trans._p(
          'server message',
          'folder-examine-failed %1 %2',
          param('path'),
          system()
        )
      );
      break;
    case 'folder-private-failed':
      // TRANSLATORS: The vault's folder %1 could not be made private (%2).
      text = keyed(
        'folder-private-failed',
        trans._p(
          'server message',
          'folder-private-failed %1 %2',
          param('path'),
          system()
        )
      );
      break;
    case 'file-read-failed':
      // TRANSLATORS: The vault file %1 could not be read (%2).
      text = keyed(
        'file-read-failed',
        trans._p(
          'server message',
          'file-read-failed %1 %2',
          param('path'),
          system()
        )
      );
      break;
    case 'save-failed':
      // TRANSLATORS: The token vault could not be saved to %1 (%2); nothing was changed.
      text = keyed(
        'save-failed',
        trans._p('server message', 'save-failed %1 %2', param('path'), system())
      );
      break;
    case 'set-aside-failed': {
      const why = describeSetAsideCause(params, trans);
      // TRANSLATORS: The vault file %1 is damaged (%2, a reason such as "it is not valid JSON") and could not be moved aside (%3, the system's reason); move it away by hand.
      const said = trans._p(
        'server message',
        'set-aside-failed %1 %2 %3',
        param('path'),
        why ?? '',
        system()
      );
      text = why === null ? null : keyed('set-aside-failed', said);
      break;
    }
    case 'vault-set-aside': {
      const why = describeSetAsideCause(params, trans);
      // TRANSLATORS: The token vault could not be used because %1 (a reason such as "it is not valid JSON"). Nothing was deleted: the file was kept as %2, and the vault starts empty. Add your tokens again, or ask your administrator to repair that copy and move it back to %3 (the file name).
      const said = trans._p(
        'server message',
        'vault-set-aside %1 %2 %3',
        why ?? '',
        param('moved_to'),
        param('name')
      );
      text = why === null ? null : keyed('vault-set-aside', said);
      break;
    }
  }
  return text ?? message.message;
}

/**
 * Why the vault file was set aside, as the middle of a sentence ("it is not
 * valid JSON"); null where the catalog has no words for it.
 */
function describeSetAsideCause(
  params: Readonly<Record<string, string | number>>,
  trans: TranslationBundle
): string | null {
  const cause = String(params.cause ?? '');
  // TRANSLATORS: why a vault file was set aside, in the middle of a sentence, by cause: unreadable "it could not be read (%1, the system's reason)", not-regular "it is not a regular file", too-large "it is far larger than a vault can be", not-json "it is not valid JSON", newer-schema "it was written by a newer version (schema %1)", not-a-vault "it is not a token vault (%1, a detail in English)".
  switch (cause) {
    case 'unreadable':
      return keyed(
        cause,
        trans._p(
          'vault set aside because',
          'unreadable %1',
          describeSystemError(params, trans)
        )
      );
    case 'not-regular':
      return keyed(cause, trans._p('vault set aside because', 'not-regular'));
    case 'too-large':
      return keyed(cause, trans._p('vault set aside because', 'too-large'));
    case 'not-json':
      return keyed(cause, trans._p('vault set aside because', 'not-json JSON'));
    case 'newer-schema':
      return keyed(
        cause,
        trans._p(
          'vault set aside because',
          'newer-schema %1',
          String(params.version ?? '?')
        )
      );
    case 'not-a-vault':
      return keyed(
        cause,
        trans._p(
          'vault set aside because',
          'not-a-vault %1',
          String(params.detail ?? '')
        )
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
  const errno = String(params.errno ?? '');
  const reason = String(params.reason ?? (errno || '?'));
  // TRANSLATORS: a system error in the middle of a sentence, by errno: EACCES and EPERM "permission denied", ENOSPC "no space left on the disk", EDQUOT "the disk quota is exceeded", EROFS "the file system is read-only".
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
      return keyed('EACCES', trans._p('system error', 'EACCES')) ?? reason;
    case 'ENOSPC':
      return keyed('ENOSPC', trans._p('system error', 'ENOSPC')) ?? reason;
    case 'EDQUOT':
      return keyed('EDQUOT', trans._p('system error', 'EDQUOT')) ?? reason;
    case 'EROFS':
      return keyed('EROFS', trans._p('system error', 'EROFS')) ?? reason;
    default:
      return reason;
  }
}
