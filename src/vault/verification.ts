import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import { TokenRejectedError } from '../api';
import type {
  IActiveTokenStatus,
  IPlatformConnection,
  IVaultModel,
  Verification
} from '../tokens';
import { withMetadataFallback } from './save';
import type { ISavedToken } from './types';

export type { Verification } from '../tokens';

/**
 * The platform's word on the active token: checked with who-am-i whenever
 * the active token changes and on demand.
 */
export class ActiveTokenStatus implements IActiveTokenStatus, IDisposable {
  constructor(options: ActiveTokenStatus.IOptions) {
    this._vault = options.vault;
    this._connection = options.connection;
    this._now = options.now ?? Date.now;
    this._vault.activeChanged.connect(this._onActiveChanged, this);
  }

  get verification(): Verification {
    return this._verification;
  }

  /**
   * The failure behind 'unreachable', 'expired' or 'deleted', if any.
   */
  get error(): unknown {
    return this._error;
  }

  get changed(): ISignal<this, Verification> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Ask the platform about the active token now.
   */
  async check(): Promise<Verification> {
    const active = this._vault.active;
    const generation = ++this._generation;
    if (!active) {
      this._set('none', null);
      return this._verification;
    }
    this._set('checking', null);
    try {
      const info = await this._connection.active.whoAmI();
      if (generation !== this._generation) {
        return this._verification;
      }
      this._set('verified', null);
      await withMetadataFallback(info, metadata =>
        this._vault.verified(active.id, metadata)
      );
    } catch (error) {
      if (generation !== this._generation) {
        return this._verification;
      }
      this._set(this._classify(error, active), error);
    }
    return this._verification;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._vault.activeChanged.disconnect(this._onActiveChanged, this);
    Signal.clearData(this);
  }

  private _classify(error: unknown, active: ISavedToken): Verification {
    if (error instanceof TokenRejectedError) {
      const expiry = active.expires_at ? Date.parse(active.expires_at) : NaN;
      return !isNaN(expiry) && expiry <= this._now() ? 'expired' : 'deleted';
    }
    // Network, timeout, server and pipe failures: the token may be fine.
    return 'unreachable';
  }

  private _onActiveChanged(): void {
    void this.check();
  }

  private _set(verification: Verification, error: unknown): void {
    if (this._isDisposed) {
      return;
    }
    this._error = error;
    if (verification !== this._verification || error !== null) {
      this._verification = verification;
      this._changed.emit(verification);
    }
  }

  private _vault: IVaultModel;
  private _connection: IPlatformConnection;
  private _now: () => number;
  private _verification: Verification = 'none';
  private _error: unknown = null;
  private _generation = 0;
  private _changed = new Signal<this, Verification>(this);
  private _isDisposed = false;
}

export namespace ActiveTokenStatus {
  export interface IOptions {
    vault: IVaultModel;
    connection: IPlatformConnection;
    now?: () => number;
  }
}
