/**
 * Saving a token the platform described, so that it is kept: metadata the
 * server accepts, and a few more tries when the server or the way to it
 * fails for a moment.
 */

import { ServerExtensionError } from '../server/request';
import { metadataOf } from './metadata';
import type { IVaultModel } from '../tokens';
import type { IAddResult, ITokenMetadata } from './types';

/**
 * Waits before the second, third and fourth tries of a save, in ms.
 */
export const SAVE_RETRY_DELAYS_MS: readonly number[] = [400, 1200, 3000];

/**
 * How to save.
 */
export interface ISaveOptions {
  /** The label the user chose (default: the server derives one from the name). */
  readonly label?: string;
  /** Make the token the active one (default false). */
  readonly activate?: boolean;
  /** The name to keep when the platform gave none that can be kept. */
  readonly fallbackName?: string;
  /** Waits between tries (default `SAVE_RETRY_DELAYS_MS`); one try more than waits. */
  readonly retryDelaysMs?: readonly number[];
  /** Wait `ms` (default `setTimeout`). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Save the token `value`, described by the platform as `description`
 * (who-am-i's `TokenInfo`, or a redeem answer's `token`, checked or not).
 *
 * A failure that may pass (the server unreachable, a 5xx such as a failed
 * disk write, 408, 429, or an answer that could not be read) is tried again
 * after each wait of `retryDelaysMs`. Repeating is safe: the server keeps
 * one record per value and answers a repeat with that record. A 400 is
 * tried once more, at once, with ASCII-only metadata (see `metadataOf`).
 * Any other failure, such as a full vault (409), ends the tries.
 *
 * @throws the last failure when the token could not be saved.
 */
export async function saveToken(
  vault: Pick<IVaultModel, 'add'>,
  value: string,
  description: unknown,
  options: ISaveOptions = {}
): Promise<IAddResult> {
  const delays = options.retryDelaysMs ?? SAVE_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? defaultSleep;
  const add = (metadata: ITokenMetadata) =>
    vault.add(value, metadata, {
      label: options.label,
      activate: options.activate ?? false
    });
  for (let retry = 0; ; retry++) {
    try {
      return await withMetadataFallback(description, add, options);
    } catch (error) {
      if (retry >= delays.length || !mayPass(error)) {
        throw error;
      }
      await sleep(delays[retry]);
    }
  }
}

/**
 * Send metadata built from `description`; when the server refuses it as
 * invalid (400), send the ASCII-only form once.
 */
export async function withMetadataFallback<T>(
  description: unknown,
  send: (metadata: ITokenMetadata) => Promise<T>,
  options: { readonly fallbackName?: string } = {}
): Promise<T> {
  const metadata = metadataOf(description, options);
  try {
    return await send(metadata);
  } catch (error) {
    const ascii = metadataOf(description, { ...options, asciiOnly: true });
    if (
      !(error instanceof ServerExtensionError) ||
      error.status !== 400 ||
      JSON.stringify(ascii) === JSON.stringify(metadata)
    ) {
      throw error;
    }
    return send(ascii);
  }
}

/**
 * Whether a failed save may work when tried again.
 */
export function mayPass(error: unknown): boolean {
  if (!(error instanceof ServerExtensionError)) {
    // A body cut off on its way is a `TypeError` of `fetch`.
    return error instanceof TypeError;
  }
  const status = error.status;
  return (
    status === null ||
    status >= 500 ||
    status === 408 ||
    status === 429 ||
    (status >= 200 && status < 300)
  );
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
