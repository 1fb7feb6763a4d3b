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
    return describeOtherVersion(trans);
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
      return describeInvalidName(trans);
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
      return describeInvalidToken(trans);
    case 'InvalidRole':
      return describeInvalidRole(trans);
    default:
      return describeRefusedField(error.field, trans);
  }
}

function describeInvalidName(trans: TranslationBundle): string {
  return trans.__(
    'A name must be 1–64 characters of letters, digits, ".", "_" or "-".'
  );
}

function describeInvalidToken(trans: TranslationBundle): string {
  return trans.__(
    'A token is printable ASCII without spaces — check that it was pasted whole.'
  );
}

function describeInvalidRole(trans: TranslationBundle): string {
  return trans.__('Choose the role User or Administrator.');
}

/**
 * The one sentence for a request this server does not take from this page:
 * the extension on the server and the page are of different versions.
 */
function describeOtherVersion(trans: TranslationBundle): string {
  return trans.__(
    'This server did not accept the request — the extension on this server and this page may be of different versions; reload the page.'
  );
}

/**
 * A 400 of the platform (or of this server's pipe) about one field, in the
 * sentence the same mistake gets when caught on this page: the field's
 * English message is never inserted.
 */
function describeRefusedField(
  field: string | undefined,
  trans: TranslationBundle
): string {
  switch (field) {
    case 'client_name':
    case 'name':
    case 'token_name':
      return describeInvalidName(trans);
    case 'access_ttl':
    case 'refresh_ttl':
      // TRANSLATORS: %1 is the label of the field in the dialog, "Registration token valid for" or "Access token lifetime".
      return trans.__(
        'The ML Platform API refused "%1" — enter a lifetime like 2h45m30s, 90m or 45s, within the limit the platform allows.',
        field === 'access_ttl'
          ? trans.__('Registration token valid for')
          : trans.__('Access token lifetime')
      );
    case 'token_type':
      return describeInvalidRole(trans);
    case 'refresh_token':
    case 'register_token':
      return describeInvalidToken(trans);
    case 'label':
      return trans.__(
        'The label was refused — use up to 100 printable characters.'
      );
    case 'path':
    case 'body':
    case 'method':
    case 'authorization':
      return describeOtherVersion(trans);
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
    return describeOtherVersion(trans);
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
 * The words of one message of the server part: its catalog entry with its
 * parameters. `param` reads a parameter as text, `system` words its system
 * error, `why` is the cause of a set-aside vault (null: not worded).
 */
type ServerWords = (
  trans: TranslationBundle,
  param: (name: string) => string,
  system: () => string,
  why: string | null
) => string | null;

/**
 * The server part's codes that share one catalog entry, by that entry's key.
 */
const SERVER_KEYS: Readonly<Record<string, string>> = {
  // The request's form (validate.py): only a frontend and a server part of
  // different versions, or a script, send a malformed request.
  'body-too-large': 'malformed',
  'body-not-json': 'malformed',
  'body-not-object': 'malformed',
  'body-not-allowed': 'malformed',
  'field-unknown': 'malformed',
  'field-required': 'malformed',
  'param-not-integer': 'malformed',
  'field-not-boolean': 'malformed',
  'field-not-ttl': 'malformed',
  'role-invalid': 'malformed',
  // The platform's description of a token, as saved with it.
  'field-not-text': 'bad-field',
  'field-not-text-or-empty': 'bad-field',
  'field-not-timestamp': 'bad-field',
  'field-not-timestamp-or-null': 'bad-field'
};

/**
 * The server part's messages by catalog key (a code, or the key of
 * `SERVER_KEYS`), in the context "server message".
 */
const SERVER_WORDS: Readonly<Record<string, ServerWords>> = {
  malformed: trans =>
    // TRANSLATORS: The server part refused the request as malformed — reload the page; if it happens again, the extension on this server may be of another version than this page.
    trans._p('server message', 'malformed'),
  'bad-field': (trans, p) =>
    // TRANSLATORS: The description of this token could not be saved: its field "%1" is not valid.
    trans._p('server message', 'bad-field %1', p('field')),
  'token-empty': trans =>
    // TRANSLATORS: The token value is empty.
    trans._p('server message', 'token-empty'),
  'token-not-ascii': trans =>
    // TRANSLATORS: The token value may contain only printable ASCII characters without spaces.
    trans._p('server message', 'token-not-ascii ASCII'),
  'label-not-text': trans =>
    // TRANSLATORS: The label must be text.
    trans._p('server message', 'label-not-text'),
  'label-empty': trans =>
    // TRANSLATORS: The label is empty.
    trans._p('server message', 'label-empty'),
  'label-not-printable': trans =>
    // TRANSLATORS: The label may contain only printable characters.
    trans._p('server message', 'label-not-printable'),
  'token-not-found': trans =>
    // TRANSLATORS: No saved token has this id; it may have been removed.
    trans._p('server message', 'token-not-found'),
  'invitation-not-found': trans =>
    // TRANSLATORS: No invitation note has this id; it may have been removed.
    trans._p('server message', 'invitation-not-found'),
  'readback-refused': trans =>
    // TRANSLATORS: This change was not saved: the token vault could not have read it back. Nothing was changed.
    trans._p('server message', 'readback-refused'),
  'token-too-long': (trans, p) =>
    // TRANSLATORS: The token value is longer than %1 characters.
    trans._p('server message', 'token-too-long %1', p('max')),
  'label-too-long': (trans, p) =>
    // TRANSLATORS: The label is longer than %1 characters.
    trans._p('server message', 'label-too-long %1', p('max')),
  'vault-full': (trans, p) =>
    // TRANSLATORS: The vault already keeps %1 tokens, the most it holds; remove one you no longer need.
    trans._np(
      'server message',
      'vault-full %1 token',
      'vault-full %1 tokens',
      Number(p('max'))
    ),
  'invitations-full': (trans, p) =>
    // TRANSLATORS: The vault already keeps %1 invitation notes; remove some you no longer need.
    trans._np(
      'server message',
      'invitations-full %1 note',
      'invitations-full %1 notes',
      Number(p('max'))
    ),
  'vault-busy': (trans, p) =>
    // TRANSLATORS: The token vault is in use by another process (its lock file %1 is held); try again in a moment.
    trans._p('server message', 'vault-busy %1', p('path')),
  'lock-foreign': (trans, p) =>
    // TRANSLATORS: The vault's lock file %1 belongs to another user or is not a plain file; remove it, or give the vault a folder only you can write to.
    trans._p('server message', 'lock-foreign %1', p('path')),
  'folder-not-folder': (trans, p) =>
    // TRANSLATORS: The vault's folder %1 is not a folder.
    trans._p('server message', 'folder-not-folder %1', p('path')),
  'folder-foreign': (trans, p) =>
    // TRANSLATORS: The vault's folder %1 belongs to another user, who could replace or remove the saved tokens; give the vault a folder of your own.
    trans._p('server message', 'folder-foreign %1', p('path')),
  'folder-writable': (trans, p) =>
    // TRANSLATORS: Other users can write to the vault's folder %1, so they could replace or remove the saved tokens; give the vault a folder only you can write to.
    trans._p('server message', 'folder-writable %1', p('path')),
  'file-foreign': (trans, p) =>
    // TRANSLATORS: The vault file %1 belongs to another user, so it was not used; move it away and add your tokens again.
    trans._p('server message', 'file-foreign %1', p('path')),
  'vault-unusable': (trans, p, s) =>
    // TRANSLATORS: The token vault %1 could not be used (%2).
    trans._p('server message', 'vault-unusable %1 %2', p('path'), s()),
  'lock-open-failed': (trans, p, s) =>
    // TRANSLATORS: The vault's lock file %1 could not be opened (%2).
    trans._p('server message', 'lock-open-failed %1 %2', p('path'), s()),
  'lock-failed': (trans, p, s) =>
    // TRANSLATORS: The vault's lock file %1 could not be locked (%2).
    trans._p('server message', 'lock-failed %1 %2', p('path'), s()),
  'folder-create-failed': (trans, p, s) =>
    // TRANSLATORS: The vault's folder %1 could not be created (%2).
    trans._p('server message', 'folder-create-failed %1 %2', p('path'), s()),
  'folder-examine-failed': (trans, p, s) =>
    // TRANSLATORS: The vault's folder %1 could not be examined (%2).
    trans._p('server message', 'folder-examine-failed %1 %2', p('path'), s()),
  'folder-private-failed': (trans, p, s) =>
    // TRANSLATORS: The vault's folder %1 could not be made private (%2).
    trans._p('server message', 'folder-private-failed %1 %2', p('path'), s()),
  'file-read-failed': (trans, p, s) =>
    // TRANSLATORS: The vault file %1 could not be read (%2).
    trans._p('server message', 'file-read-failed %1 %2', p('path'), s()),
  'save-failed': (trans, p, s) =>
    // TRANSLATORS: The token vault could not be saved to %1 (%2); nothing was changed.
    trans._p('server message', 'save-failed %1 %2', p('path'), s()),
  'set-aside-failed': (trans, p, s, why) =>
    why &&
    // TRANSLATORS: The vault file %1 is damaged (%2, a reason such as "it is not valid JSON") and could not be moved aside (%3, the system's reason); move it away by hand.
    trans._p(
      'server message',
      'set-aside-failed %1 %2 %3',
      p('path'),
      why,
      s()
    ),
  'vault-set-aside': (trans, p, s, why) =>
    why &&
    // TRANSLATORS: The token vault could not be used because %1 (a reason such as "it is not valid JSON"). Nothing was deleted: the file was kept as %2, and the vault starts empty. Add your tokens again, or ask your administrator to repair that copy and move it back to %3 (the file name).
    trans._p(
      'server message',
      'vault-set-aside %1 %2 %3',
      why,
      p('moved_to'),
      p('name')
    )
};

/**
 * A message of the server part worded by the catalog, or null where it has
 * no words for it (English, a newer server's code, no code).
 */
function wordServerMessage(
  message: Pick<IServerMessage, 'code' | 'params'>,
  trans: TranslationBundle
): string | null {
  const params = message.params ?? {};
  const code = message.code ?? '';
  const key = own(SERVER_KEYS, code) ?? code;
  const words = own(SERVER_WORDS, key);
  const text =
    words &&
    words(
      trans,
      name => String(params[name] ?? ''),
      () => describeSystemError(params, trans),
      describeSetAsideCause(params, trans)
    );
  return text ? keyed(key, text) : null;
}

/**
 * The entry of `table` for `key`, if it has its own (not one of every
 * object's, such as "constructor").
 */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | null {
  return Object.hasOwn(table, key) ? table[key] : null;
}

/**
 * Why the vault file was set aside, as the middle of a sentence ("it is not
 * valid JSON"), by cause, in the context "vault set aside because".
 */
// TRANSLATORS: why a vault file was set aside, in the middle of a sentence, by cause: unreadable "it could not be read (%1, the system's reason)", not-regular "it is not a regular file", too-large "it is far larger than a vault can be", not-json "it is not valid JSON", newer-schema "it was written by a newer version (schema %1)", not-a-vault "it is not a token vault (its content is not what a vault holds)".
const SET_ASIDE_CAUSES: Readonly<Record<string, ServerWords>> = {
  unreadable: (trans, p, s) =>
    trans._p('vault set aside because', 'unreadable %1', s()),
  'not-regular': trans => trans._p('vault set aside because', 'not-regular'),
  'too-large': trans => trans._p('vault set aside because', 'too-large'),
  'not-json': trans => trans._p('vault set aside because', 'not-json JSON'),
  'newer-schema': (trans, p) =>
    trans._p('vault set aside because', 'newer-schema %1', p('version') || '?'),
  // The English detail (params.detail) is for the server log.
  'not-a-vault': trans => trans._p('vault set aside because', 'not-a-vault')
};

/**
 * Why the vault file was set aside, as the middle of a sentence ("it is not
 * valid JSON"); null where the catalog has no words for it.
 */
function describeSetAsideCause(
  params: Readonly<Record<string, string | number>>,
  trans: TranslationBundle
): string | null {
  const cause = String(params.cause ?? '');
  const words = own(SET_ASIDE_CAUSES, cause);
  const text =
    words &&
    words(
      trans,
      name => String(params[name] ?? ''),
      () => describeSystemError(params, trans),
      null
    );
  return text ? keyed(cause, text) : null;
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
  const word = own(SYSTEM_ERRORS, errno)?.(trans) ?? null;
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
