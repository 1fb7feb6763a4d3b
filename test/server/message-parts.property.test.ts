/**
 * Whatever JSON a server answers, its code and parameters are read without
 * failing, and only as a text code and text or number parameters.
 */
import fc from 'fast-check';

import { messageParts } from '../../src/server/request';

describe('messageParts', () => {
  it('reads any JSON answer into a text code and text or number parameters', () => {
    fc.assert(
      fc.property(fc.jsonValue(), data => {
        const { code, params } = messageParts(data);
        expect(code === null || typeof code === 'string').toBe(true);
        for (const value of Object.values(params)) {
          expect(['string', 'number']).toContain(typeof value);
        }
      })
    );
  });

  it('keeps the code and every text or number parameter as sent', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(
          fc.string().filter(key => key !== '__proto__'),
          fc.oneof(fc.string(), fc.integer())
        ),
        (code, params) => {
          expect(messageParts({ message: 'm', code, params })).toEqual({
            code,
            params
          });
        }
      )
    );
  });
});
