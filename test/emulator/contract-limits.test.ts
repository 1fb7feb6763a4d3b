/** @jest-environment node */

/**
 * The emulator restates the contract's input rules (names, roles, TTLs and
 * their bounds); these tests hold them to `api/openapi.yaml`, so a change
 * of the contract that the emulator does not follow fails here.
 */

import fc from 'fast-check';

import {
  isValidName,
  NAME_MAX_LENGTH,
  NAME_PATTERN
} from '../../emulator/src/names';
import { isTokenType } from '../../emulator/src/roles';
import {
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  parseTtl,
  REGISTRATION_TTL_MAX_SECONDS
} from '../../emulator/src/ttl';
import {
  contractAcceptsName,
  NAME_EXAMPLES,
  nameCandidates,
  schemas
} from '../contract/schemas';

/** Seconds of a TTL text the contract pattern accepts. */
function seconds(text: string): number {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, amount, letter] of text.matchAll(/(\d+)([hms])/g)) {
    total += Number(amount) * unit[letter];
  }
  return total;
}

/** The bound a request field states as "at most … (`<n>h`)", in seconds. */
function bound(field: string): number {
  const description =
    schemas.CreateRegisterTokenRequest.properties![field].description ?? '';
  const match = /at most [^(`]*\(`(\w+)`\)/.exec(description);
  expect(match).not.toBeNull();
  return seconds(match![1]);
}

describe("the emulator's input rules", () => {
  it('take names from the TokenName schema', () => {
    const name = schemas.TokenName;
    expect(NAME_PATTERN.source).toBe(name.pattern);
    expect(NAME_MAX_LENGTH).toBe(name.maxLength);
    fc.assert(
      fc.property(nameCandidates, text => {
        expect([text, isValidName(text)]).toEqual([
          text,
          contractAcceptsName(text)
        ]);
      }),
      { examples: NAME_EXAMPLES }
    );
  });

  it('accept the TTL texts the Ttl schema does, total above zero', () => {
    const pattern = new RegExp(schemas.Ttl.pattern!);
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('0', '1', '9', 'h', 'm', 's', 'd', ' ', '.'),
          maxLength: 12
        }),
        text => {
          const contractSays = pattern.test(text) && seconds(text) > 0;
          expect([text, parseTtl(text) !== null]).toEqual([text, contractSays]);
          if (contractSays) {
            expect(parseTtl(text)).toBe(seconds(text));
          }
        }
      ),
      { examples: [['2h45m30s'], ['90m'], ['45s'], ['0s'], ['0h0m'], ['']] }
    );
  });

  it('take roles from the TokenType schema', () => {
    for (const role of schemas.TokenType.enum!) {
      expect(isTokenType(role)).toBe(true);
    }
    for (const other of ['user', 'Admin', 'OWNER', '', null]) {
      expect(isTokenType(other)).toBe(false);
    }
  });

  it('bound each TTL field as the contract does', () => {
    expect(REGISTRATION_TTL_MAX_SECONDS).toBe(bound('access_ttl'));
    expect(ACCESS_TOKEN_LIFETIME_MAX_SECONDS).toBe(bound('refresh_ttl'));
  });
});
