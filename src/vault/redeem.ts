/**
 * Redeeming a registration token: the platform mints an access token, which
 * is saved (and made active) before anything else can fail, and is never
 * lost: when it cannot be saved, its value is handed back to be shown once.
 */

import type { IPlatformClient } from '../tokens';
import { metadataOf } from './metadata';
import type { IVaultModel } from '../tokens';
import { type ISaveOptions, saveToken } from './save';
import type { ISavedToken } from './types';

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
      /**
       * The new access token's value: it exists nowhere else, so the
       * caller shows it once and keeps it nowhere.
       */
      readonly value: string;
      /** The platform's name of the new token (or the fallback name). */
      readonly name: string;
      /** Why the server did not save it (the last failure). */
      readonly error: unknown;
    };

/**
 * What a redemption works with.
 */
export interface IRedeemOptions extends Pick<
  ISaveOptions,
  'fallbackName' | 'retryDelaysMs' | 'sleep'
> {
  /** A client that needs no access token (`connection.forToken()`). */
  readonly client: Pick<IPlatformClient, 'redeemRegistrationToken'>;
  readonly vault: Pick<IVaultModel, 'add'>;
}

/**
 * Redeem `registrationToken` and save the access token it gives, active.
 *
 * The redeem request is sent once (a repeat could not mint a second token
 * and would only fail). The save is tried again on failures that may pass
 * (see `saveToken`).
 *
 * @throws the client's typed errors when the redemption itself fails, or
 *   its answer carries no usable token value: there is nothing to keep.
 */
export async function redeemAndSave(
  registrationToken: string,
  options: IRedeemOptions
): Promise<RedeemOutcome> {
  const minted =
    await options.client.redeemRegistrationToken(registrationToken);
  // The platform minted a token: from here on, nothing may lose it.
  try {
    const result = await saveToken(
      options.vault,
      minted.refresh_token,
      minted.token,
      {
        activate: true,
        fallbackName: options.fallbackName,
        retryDelaysMs: options.retryDelaysMs,
        sleep: options.sleep
      }
    );
    return { kind: 'saved', token: result.token };
  } catch (error) {
    return {
      kind: 'unsaved',
      value: minted.refresh_token,
      name: metadataOf(minted.token, options).name,
      error
    };
  }
}
