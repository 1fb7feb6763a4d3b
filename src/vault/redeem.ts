/**
 * Redeeming a registration token: the platform mints an access token, which
 * is saved (and made active) at once.
 */

import type { MLPlatformClient } from '../api';
import type { VaultModel } from './model';
import type { ISavedToken } from './types';
import { metadataOf } from './verification';

/**
 * How a redemption ended once the platform had minted the access token.
 */
export type RedeemOutcome =
  | {
      readonly kind: 'saved';
      /** The saved (and active) record. */
      readonly token: ISavedToken;
    }
  | {
      readonly kind: 'unsaved';
      /** The platform's name of the new token. */
      readonly name: string;
      /** Why the server did not save it. */
      readonly error: unknown;
    };

/**
 * What a redemption works with.
 */
export interface IRedeemOptions {
  /** A client that needs no access token (`connection.forToken()`). */
  readonly client: Pick<MLPlatformClient, 'redeemRegistrationToken'>;
  readonly vault: Pick<VaultModel, 'add'>;
}

/**
 * Redeem `registrationToken` and save the access token it gives.
 *
 * @throws the client's typed errors when the redemption itself fails
 *   (nothing was minted then).
 */
export async function redeemAndSave(
  registrationToken: string,
  options: IRedeemOptions
): Promise<RedeemOutcome> {
  const minted =
    await options.client.redeemRegistrationToken(registrationToken);
  try {
    const result = await options.vault.add(
      minted.refresh_token,
      metadataOf(minted.token),
      { activate: true }
    );
    return { kind: 'saved', token: result.token };
  } catch (error) {
    return { kind: 'unsaved', name: minted.token.name, error };
  }
}
