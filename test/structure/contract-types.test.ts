/**
 * The leaf `src/tokens.ts` restates a few shapes of the contract so that it
 * imports nothing of ours; here they are held to the generated types. A
 * drift is a compile error (ts-jest and `tsc -p tsconfig.test.json`).
 */

import type {
  IMintedToken,
  IRegistrationTokenRequest,
  IRequestOptions,
  MLPlatformClient,
  RegisterToken,
  TokenInfo,
  TokenType
} from '../../src/api';
import type {
  IPlatformClient,
  IRegisterToken,
  ITokenInfo,
  TokenRole
} from '../../src/tokens';
import type { Role } from '../../src/vault/types';

/** `true` when A and B are the same type, `false` otherwise. */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
    ? true
    : false;

/** Every check must read `true`; a `false` does not compile. */
const checks: Record<string, true> = {
  role: true as Same<TokenRole, TokenType>,
  vaultRole: true as Same<Role, TokenType>,
  tokenInfo: true as Same<ITokenInfo, TokenInfo>,
  registerToken: true as Same<IRegisterToken, RegisterToken>,
  requestOptions: true as Same<
    IPlatformClient.IRequestOptions,
    IRequestOptions
  >,
  registrationRequest: true as Same<
    IPlatformClient.IRegistrationTokenRequest,
    IRegistrationTokenRequest
  >,
  minted: true as Same<
    Awaited<ReturnType<IPlatformClient['redeemRegistrationToken']>>,
    IMintedToken
  >,
  client: true as MLPlatformClient extends IPlatformClient ? true : false
};

describe('the shapes restated in tokens.ts', () => {
  it('are the contract types', () => {
    expect(Object.values(checks).every(Boolean)).toBe(true);
  });

  it('would tell two different shapes apart', () => {
    const differ: false = false as Same<ITokenInfo, Omit<TokenInfo, 'exp'>>;
    expect(differ).toBe(false);
  });
});
