/**
 * A redemption whose answer may have been lost on its way (a timeout, a
 * dropped connection, a failing gateway) may have minted the access token
 * already: the sentence says how to find out and what to do then, since
 * trying again can only say that the registration token was used.
 */

import { nullTranslator } from '@jupyterlab/translation';

import {
  NetworkError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError
} from '../src/api';
import { describeError } from '../src/messages';

const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

const LOST =
  'The redemption did not complete, so no access token was saved — try again, and if it then says the registration token was already used, ask your administrator to delete the access token it created and send you a new registration token.';

describe('describeError for a redemption', () => {
  it.each([
    ['a timeout', new TimeoutError(15000)],
    ['a dropped connection', new NetworkError('fetch failed')],
    ['a failing gateway', new ServerError('x', { status: 502 })],
    [
      'an unreachable platform',
      new ServerError('x', { status: 502, code: 'UpstreamUnavailable' })
    ],
    [
      'a pipe timeout',
      new ServerError('x', { status: 504, code: 'UpstreamTimeout' })
    ]
  ])('says what to do after %s', (_, error) => {
    expect(describeError(error, trans, { token: 'registration' })).toBe(LOST);
  });

  it.each([
    ['an answer of another shape', new ProtocolError('x')],
    [
      'an answer the pipe could not read',
      new ServerError('x', { status: 502, code: 'UpstreamProtocolError' })
    ]
  ])('says what to do after %s', (_, error) => {
    expect(describeError(error, trans, { token: 'registration' })).toBe(
      'The answer to the redemption could not be read, so no access token was saved — ask your administrator whether it was created and, if so, to delete it and send you a new registration token.'
    );
  });

  it('keeps the other sentences', () => {
    expect(
      describeError(new RateLimitError('x', { status: 429 }), trans, {
        token: 'registration'
      })
    ).toBe('The ML Platform API is busy — try again in a moment.');
    expect(
      describeError(
        new ServerError('x', { status: 503, code: 'UpstreamNotConfigured' }),
        trans,
        { token: 'registration' }
      )
    ).toMatch(/^No ML Platform API URL is set on this server/);
    // Other operations are not concerned.
    expect(describeError(new TimeoutError(15000), trans)).toBe(
      'The ML Platform API did not answer in time — try again later.'
    );
  });
});
