import { nullTranslator } from '@jupyterlab/translation';

import {
  AbortError,
  ConflictError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TokenRejectedError,
  ValidationError
} from '../src/api';
import { describeError } from '../src/messages';
import { NoActiveTokenError } from '../src/platform/connection';
import { ServerExtensionError } from '../src/server/request';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

describe('describeError', () => {
  it.each([
    [
      new TokenRejectedError('x', { status: 403 }),
      {},
      'This token has expired or was deleted — add a new one.'
    ],
    [
      new TokenRejectedError('x', { status: 403 }),
      { token: 'registration' as const },
      'This registration token has expired, was already used or does not exist — ask your administrator for a new one.'
    ],
    [
      new PermissionDeniedError(['ml-platform:Manage'], { status: 403 }),
      { action: 'creating registration tokens' },
      'Your token is a User token; creating registration tokens needs an Administrator token.'
    ],
    [
      new ConflictError('x', { status: 409 }),
      { name: 'alice' },
      'An access token named "alice" already exists — choose another name.'
    ],
    [
      new NotFoundError('x', { status: 404 }),
      { name: 'bob' },
      'The token "bob" no longer exists on the platform — refresh the list.'
    ],
    [
      new ValidationError('x', { code: 'TtlSyntax', field: 'access_ttl' }),
      {},
      'A lifetime must look like 2h45m30s, 90m or 45s: hours, minutes and seconds in that order.'
    ],
    [
      new RateLimitError('x', { status: 429, retryAfterSeconds: 7 }),
      {},
      'The ML Platform API is busy — try again in 7 s.'
    ],
    [
      new ServerError('x', { status: 503, code: 'UpstreamNotConfigured' }),
      {},
      'No ML Platform API URL is set on this server — ask your JupyterHub administrator to configure it.'
    ],
    [
      new ServerError('x', { status: 500 }),
      {},
      'The ML Platform API failed (HTTP 500) — try again later.'
    ],
    [
      new TimeoutError(15000),
      {},
      'The ML Platform API did not answer in time — try again later.'
    ],
    [
      new NetworkError('x', {}),
      {},
      'The Jupyter server could not be reached — check your connection and try again.'
    ],
    [new AbortError(), {}, 'The request was cancelled.'],
    [
      new ProtocolError('x', {}),
      {},
      'The ML Platform API sent an answer this extension does not understand — check the configured API URL.'
    ],
    [
      new NoActiveTokenError(),
      {},
      'No access token is active — add one or make a saved one active.'
    ],
    [
      new ServerExtensionError('The label is empty.', 400),
      {},
      'The label is empty.'
    ]
  ])('turns %p into one sentence', (error, context, sentence) => {
    expect(describeError(error, trans, context)).toBe(sentence);
  });

  it('tells an expired token apart from a missing role', () => {
    const expired = describeError(new TokenRejectedError('x', {}), trans);
    const role = describeError(new PermissionDeniedError([], {}), trans);
    expect(expired).not.toBe(role);
    expect(role).toContain('Administrator');
  });
});
