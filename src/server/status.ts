import type { ServerConnection } from '@jupyterlab/services';
import type { Poll } from '@lumino/polling';
import { type ISignal, Signal } from '@lumino/signaling';

import { startPoll } from '../polling';
import type { IServerStatus, IStatusModel, StatusState } from '../tokens';
import { NOT_RUNNING, requestAPI, ServerExtensionError } from './request';

export type { StatusState } from '../tokens';

/**
 * The error state as this model sets it: the failure itself, for the view
 * to put in the user's language, besides its English message (for logs).
 */
export interface IStatusErrorState {
  readonly kind: 'error';
  readonly message: string;
  readonly error: unknown;
}

/**
 * The failure behind an error state, when the state carries it.
 */
export function statusError(state: StatusState): unknown {
  return state.kind === 'error' && 'error' in state
    ? (state as IStatusErrorState).error
    : undefined;
}

/**
 * The part of the vault model the status follows: the server says in its
 * status when it set the vault file aside or cannot read it, which shows
 * in the vault as a failed request or as tokens gone at once.
 */
export interface IVaultEvents {
  readonly changed: ISignal<unknown, { readonly tokens: readonly unknown[] }>;
  readonly failed: ISignal<unknown, unknown>;
}

/**
 * A model of the server extension's status endpoint.
 *
 * Besides `refresh()`, it reads the status again when the vault it follows
 * fails a request or reads empty after holding tokens, and every
 * `refreshEveryMs` while the page is visible — so that a vault the server
 * set aside while the page is open is shown, not found out later.
 */
export class StatusModel implements IStatusModel {
  constructor(options: StatusModel.IOptions) {
    this._serverSettings = options.serverSettings;
    this._vault = options.vault ?? null;
    if (this._vault) {
      this._vault.changed.connect(this._onVaultChanged, this);
      this._vault.failed.connect(this._onVaultFailed, this);
    }
    const every = options.refreshEveryMs ?? 0;
    if (every > 0) {
      this._poll = startPoll(() => this._read(), every);
    }
  }

  /**
   * The current state.
   */
  get state(): StatusState {
    return this._state;
  }

  /**
   * Emitted whenever the state changes.
   */
  get stateChanged(): ISignal<this, StatusState> {
    return this._stateChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Ask the server again. Concurrent calls share one request. The last
   * answer stays shown until the new one arrives ('loading' is only the
   * state before the first answer), so that asking again never shows, for
   * a moment, a panel that contradicts what the server said.
   */
  refresh(): Promise<void> {
    return this._read();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll?.dispose();
    if (this._vault) {
      this._vault.changed.disconnect(this._onVaultChanged, this);
      this._vault.failed.disconnect(this._onVaultFailed, this);
    }
    Signal.clearData(this);
  }

  /**
   * Read the status, keeping the last answer shown meanwhile.
   */
  private _read(): Promise<void> {
    if (!this._pending) {
      if (this._state.kind === 'loading') {
        this._setState(this._state);
      }
      this._pending = this._fetch().finally(() => {
        this._pending = null;
        if (this._again && !this._isDisposed) {
          this._again = false;
          void this._read();
        }
      });
    }
    return this._pending;
  }

  private async _fetch(): Promise<void> {
    try {
      const status = await requestAPI<IServerStatus>(
        'status',
        { method: 'GET' },
        this._serverSettings
      );
      this._setState({ kind: 'ready', status });
    } catch (error) {
      if (error instanceof ServerExtensionError && error.code === NOT_RUNNING) {
        this._setState({ kind: 'not-running' });
        return;
      }
      const message =
        error instanceof ServerExtensionError ? error.message : String(error);
      const state: IStatusErrorState = { kind: 'error', message, error };
      this._setState(state);
    }
  }

  private _onVaultChanged(
    _: unknown,
    state: { readonly tokens: readonly unknown[] }
  ): void {
    const emptied = this._vaultTokens > 0 && state.tokens.length === 0;
    this._vaultTokens = state.tokens.length;
    if (emptied) {
      this._readAfresh();
    }
  }

  private _onVaultFailed(): void {
    this._readAfresh();
  }

  /**
   * Read the status after what just happened: a read already on its way
   * may have been answered before it, so another one follows it.
   */
  private _readAfresh(): void {
    if (this._pending) {
      this._again = true;
      return;
    }
    void this._read();
  }

  private _setState(state: StatusState): void {
    if (this._isDisposed) {
      return;
    }
    this._state = state;
    this._stateChanged.emit(state);
  }

  private _serverSettings: ServerConnection.ISettings;
  private _vault: IVaultEvents | null;
  private _vaultTokens = 0;
  private _poll: Poll | null = null;
  private _state: StatusState = { kind: 'loading' };
  private _stateChanged = new Signal<this, StatusState>(this);
  private _pending: Promise<void> | null = null;
  private _again = false;
  private _isDisposed = false;
}

export namespace StatusModel {
  export interface IOptions {
    /**
     * The application's server settings.
     */
    serverSettings: ServerConnection.ISettings;
    /**
     * The vault model to follow (re-read the status when it fails or
     * empties at once).
     */
    vault?: IVaultEvents;
    /**
     * Read the status again this often, in ms, while the page is visible
     * (default 0: only on demand and on vault events).
     */
    refreshEveryMs?: number;
  }
}
