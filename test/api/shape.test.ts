/**
 * The checks of the API's answers: a token description whose creation time
 * is not known (the server part's library backend, whose library does not
 * say it) is accepted, as the contract allows.
 */

import fc from 'fast-check';

import { ProtocolError } from '../../src/api';
import { asTokenInfo, asTokenList } from '../../src/api/shape';

const INFO = {
  id: '1',
  name: 'alice',
  type: 'USER',
  issuer_name: 'console',
  created_at: '2026-01-02T03:04:05Z',
  exp: null
};

describe('a token description', () => {
  it('is accepted with a creation time', () => {
    expect(asTokenInfo(INFO)).toEqual(INFO);
  });

  it('is accepted with an empty creation time (not known)', () => {
    expect(asTokenInfo({ ...INFO, created_at: '' }).created_at).toBe('');
  });

  it('is accepted with no creation time or a null one, read as not known', () => {
    const without: Record<string, unknown> = { ...INFO };
    delete without.created_at;
    expect(asTokenInfo(without).created_at).toBe('');
    expect(asTokenInfo({ ...INFO, created_at: null }).created_at).toBe('');
    expect(
      asTokenList({ tokens: [without, INFO] }).tokens.map(t => t.created_at)
    ).toEqual(['', INFO.created_at]);
  });

  it('is refused with a creation time that is not a string', () => {
    expect(() => asTokenInfo({ ...INFO, created_at: 7 })).toThrow(
      ProtocolError
    );
  });

  it('keeps every other field as it came, whatever the creation time', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(undefined),
          fc.constant(null),
          fc.string(),
          fc.date({ noInvalidDate: true }).map(d => d.toISOString())
        ),
        created => {
          const read = asTokenInfo({ ...INFO, created_at: created });
          expect({ ...read, created_at: INFO.created_at }).toEqual(INFO);
          expect(read.created_at).toBe(
            typeof created === 'string' ? created : ''
          );
        }
      )
    );
  });
});
