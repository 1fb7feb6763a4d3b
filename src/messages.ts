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
    const worded = wordServerMessage(error, trans);
    if (worded !== null) {
      return worded;
    }
    // In English, a sentence of the server part (a newer code, or an older
    // server part without codes) reads as it is; the Jupyter server's own
    // reason ("Forbidden"), and in another language anything the catalog
    // cannot word, is told by status.
    return !isTranslated(trans) &&
      (error.code !== null || isSentence(error.message))
      ? error.message
      : describeJupyterStatus(error.status, trans);
  }
  if (!(error instanceof MLPlatformError)) {
    return trans.__(
      'Something unexpected went wrong — try again; if it happens again, reload the page.'
    );
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
    if (error.field === 'path') {
      return trans.__(
        'The ML Platform API has no such path — check the configured API URL, or update the extension on this server.'
      );
    }
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
  if (error.status === 405) {
    return trans.__(
      'The ML Platform API does not allow this call on that path — the extension on this server and this page may be of different versions; reload the page.'
    );
  }
  if (error.status === 413) {
    return trans.__(
      'The request is larger than this server passes on to the ML Platform API — shorten what you entered and try again.'
    );
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
      return describeRefusedField(error.field, trans);
  }
}

/**
 * A 400 of the platform (or of this server's pipe) about one field, in a
 * sentence of its own: the field's English message is never inserted.
 */
function describeRefusedField(
  field: string | undefined,
  trans: TranslationBundle
): string {
  switch (field) {
    case 'client_name':
    case 'name':
    case 'token_name':
      return trans.__(
        'The ML Platform API refused this token name — use 1–64 letters, digits, ".", "_" or "-".'
      );
    case 'access_ttl':
      return trans.__(
        'The ML Platform API refused the lifetime of the registration token — enter it like 2h45m30s, 90m or 45s, within the limit the platform allows.'
      );
    case 'refresh_ttl':
      return trans.__(
        'The ML Platform API refused the lifetime of the access token — enter it like 2h45m30s, 90m or 45s, or leave it empty for a token that never expires.'
      );
    case 'token_type':
      return trans.__(
        'The ML Platform API refused the role — choose User or Administrator.'
      );
    case 'refresh_token':
      return trans.__(
        'The ML Platform API refused the access token as malformed — check that it was pasted whole.'
      );
    case 'register_token':
      return trans.__(
        'The ML Platform API refused the registration token as malformed — check that it was pasted whole.'
      );
    case 'label':
      return trans.__(
        'The label was refused — use up to 100 printable characters.'
      );
    case 'path':
    case 'body':
    case 'method':
    case 'authorization':
      return trans.__(
        'This server refused the call to the ML Platform API as malformed — reload the page; if it happens again, the extension on this server may be of another version than this page.'
      );
    default:
      return field
        ? // TRANSLATORS: %1 is the name of a field of the ML Platform API, such as "access_ttl".
          trans.__(
            'The ML Platform API refused the value of the field "%1" — check what you entered and try again.',
            field
          )
        : trans.__(
            'The ML Platform API refused the request as not valid — check what you entered and try again.'
          );
  }
}

/**
 * A failure of the Jupyter server without a code of ours, by its status: its
 * own words ("Forbidden") are not the user's language.
 */
function describeJupyterStatus(
  status: number | null,
  trans: TranslationBundle
): string {
  if (status === 401 || status === 403) {
    return trans.__(
      'This Jupyter server did not allow the request — sign in again (reload the page); if it happens again, ask your administrator whether you may use ML Platform Tokens on this server.'
    );
  }
  if (status === 404) {
    return trans.__(
      'This Jupyter server does not know this request — reload the page; if it happens again, the extension on this server may be of another version than this page.'
    );
  }
  if (status !== null && status >= 500) {
    return trans.__(
      'The Jupyter server failed to answer (HTTP %1) — try again later; if it keeps failing, ask your administrator to look at the server log.',
      String(status)
    );
  }
  return trans.__(
    'The Jupyter server refused the request (HTTP %1) — reload the page and try again.',
    String(status ?? '?')
  );
}

/**
 * Whether a message is a sentence (an older server part's), not an HTTP
 * reason such as "Forbidden".
 */
function isSentence(message: string): boolean {
  return /\s/.test(message.trim()) && /[.!?]$/.test(message.trim());
}

/**
 * Whether the bundle has a catalog (a language other than English): the
 * server part's codes are then all worded by it.
 */
function isTranslated(trans: TranslationBundle): boolean {
  return keyed('malformed', trans._p('server message', 'malformed')) !== null;
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
    case 'UpstreamLibraryUnsupported': {
      const version = error.params.library_version;
      return version !== undefined && version !== ''
        ? // TRANSLATORS: %1 is the version of the library, such as 2.4.0.
          trans.__(
            'The ML Platform library on this server (mlplatform_client %1) answered in a way this extension does not understand — ask your JupyterHub administrator to set c.MLPlatformTokens.api_url, or to install a supported version of the library.',
            String(version)
          )
        : trans.__(
            'The ML Platform library on this server answered in a way this extension does not understand — ask your JupyterHub administrator to set c.MLPlatformTokens.api_url, or to install a supported version of the library.'
          );
    }
    case 'ServiceUnavailableException':
      return trans.__(
        'This server has too many ML Platform API calls under way, or is stopping — try again in a moment.'
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
  const worded = wordServerMessage(message, trans);
  if (worded !== null) {
    return worded;
  }
  return isTranslated(trans)
    ? trans.__(
        'The server part of the extension reported a problem this page cannot describe — reload the page; if it stays, the extension on this server may be newer than this page.'
      )
    : message.message;
}

/**
 * A message of the server part worded by the catalog, or null where it has
 * no words for it (English, a newer server's code, no code).
 */
function wordServerMessage(
  message: Pick<IServerMessage, 'code' | 'params'>,
  trans: TranslationBundle
): string | null {
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
        trans._np(
          'server message',
          'vault-full %1 token',
          'vault-full %1 tokens',
          Number(params.max ?? 0)
        )
      );
      break;
    case 'invitations-full':
      // TRANSLATORS: The vault already keeps %1 invitation notes; remove some you no longer need.
      text = keyed(
        'invitations-full',
        trans._np(
          'server message',
          'invitations-full %1 note',
          'invitations-full %1 notes',
          Number(params.max ?? 0)
        )
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
  return text;
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
  // TRANSLATORS: why a vault file was set aside, in the middle of a sentence, by cause: unreadable "it could not be read (%1, the system's reason)", not-regular "it is not a regular file", too-large "it is far larger than a vault can be", not-json "it is not valid JSON", newer-schema "it was written by a newer version (schema %1)", not-a-vault "it is not a token vault (its content is not what a vault holds)".
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
      // The English detail (params.detail) is for the server log.
      return keyed(cause, trans._p('vault set aside because', 'not-a-vault'));
    default:
      return null;
  }
}

/**
 * Operating-system errors in words, by `errno` name, each as a catalog entry
 * in the context "system error".
 */
// TRANSLATORS: a system error in the middle of a sentence, by errno: EACCES and EPERM "permission denied", ENOSPC "no space left on the disk", EDQUOT "the disk quota is exceeded", EROFS "the file system is read-only", ENOENT "no such file or folder", EISDIR "it is a folder, not a file", ENOTDIR "a part of the path is not a folder", ELOOP "too many symbolic links", EMFILE and ENFILE "too many files are open", EIO "an input/output error of the disk", EBUSY and ETXTBSY "the file is in use", ENAMETOOLONG "the name is too long", EXDEV "it cannot be moved to another file system", EEXIST "the file already exists", EINVAL "an invalid argument", ESTALE "a stale handle of a network file system", ENOLCK "no locks are available".
const SYSTEM_ERRORS: Readonly<
  Record<string, (trans: TranslationBundle) => string>
> = {
  EACCES: trans => trans._p('system error', 'EACCES'),
  EPERM: trans => trans._p('system error', 'EACCES'),
  ENOSPC: trans => trans._p('system error', 'ENOSPC'),
  EDQUOT: trans => trans._p('system error', 'EDQUOT'),
  EROFS: trans => trans._p('system error', 'EROFS'),
  ENOENT: trans => trans._p('system error', 'ENOENT'),
  EISDIR: trans => trans._p('system error', 'EISDIR'),
  ENOTDIR: trans => trans._p('system error', 'ENOTDIR'),
  ELOOP: trans => trans._p('system error', 'ELOOP'),
  EMFILE: trans => trans._p('system error', 'EMFILE'),
  ENFILE: trans => trans._p('system error', 'EMFILE'),
  EIO: trans => trans._p('system error', 'EIO'),
  EBUSY: trans => trans._p('system error', 'EBUSY'),
  ETXTBSY: trans => trans._p('system error', 'EBUSY'),
  ENAMETOOLONG: trans => trans._p('system error', 'ENAMETOOLONG'),
  EXDEV: trans => trans._p('system error', 'EXDEV'),
  EEXIST: trans => trans._p('system error', 'EEXIST'),
  EINVAL: trans => trans._p('system error', 'EINVAL'),
  ESTALE: trans => trans._p('system error', 'ESTALE'),
  ENOLCK: trans => trans._p('system error', 'ENOLCK')
};

/**
 * An operating-system error in words, by its `errno` name; in a translated
 * sentence never the system's own (English) text.
 */
function describeSystemError(
  params: Readonly<Record<string, string | number>>,
  trans: TranslationBundle
): string {
  const errno = String(params.errno ?? '');
  const word = Object.prototype.hasOwnProperty.call(SYSTEM_ERRORS, errno)
    ? SYSTEM_ERRORS[errno](trans)
    : null;
  if (word !== null && !/^E[A-Z]+$/.test(word)) {
    return word;
  }
  if (!isTranslated(trans)) {
    return String(params.reason ?? (errno || '?'));
  }
  return errno
    ? // TRANSLATORS: %1 is the symbolic name of a system error, such as EXDEV.
      trans.__('system error %1', errno)
    : trans.__('a system error');
}
