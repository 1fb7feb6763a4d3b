import { PageConfig } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

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
    return error.message;
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
      (code === 'UpstreamProtocolError' || code === 'UpstreamResponseTooLarge'))
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
