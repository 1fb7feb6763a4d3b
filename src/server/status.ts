import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { IServerStatus } from '../tokens';
import { requestAPI, ServerExtensionError } from './request';

/**
 * What is known about the server extension.
 */
export type StatusState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly status: IServerStatus }
  | { readonly kind: 'error'; readonly message: string };

/**
 * A model of the server extension's status endpoint.
 */
export class StatusModel {
  constructor(options: StatusModel.IOptions) {
    this._serverSettings = options.serverSettings;
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
   * Ask the server again. Concurrent calls share one request.
   */
  refresh(): Promise<void> {
    if (!this._pending) {
      this._setState({ kind: 'loading' });
      this._pending = this._fetch().finally(() => {
        this._pending = null;
      });
    }
    return this._pending;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
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
      const message =
        error instanceof ServerExtensionError ? error.message : String(error);
      this._setState({ kind: 'error', message });
    }
  }

  private _setState(state: StatusState): void {
    if (this._isDisposed) {
      return;
    }
    this._state = state;
    this._stateChanged.emit(state);
  }

  private _serverSettings: ServerConnection.ISettings;
  private _state: StatusState = { kind: 'loading' };
  private _stateChanged = new Signal<this, StatusState>(this);
  private _pending: Promise<void> | null = null;
  private _isDisposed = false;
}

export namespace StatusModel {
  export interface IOptions {
    /**
     * The application's server settings.
     */
    serverSettings: ServerConnection.ISettings;
  }
}
