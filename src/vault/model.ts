import type { ServerConnection } from '@jupyterlab/services';
import type { Poll } from '@lumino/polling';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import { startPoll } from '../polling';
import { requestAPI } from '../server/request';
import type {
  IActiveToken,
  IAddResult,
  IInvitation,
  ISavedToken,
  ITokenMetadata,
  IVaultModel,
  IVaultState
} from '../tokens';

export type { IActiveToken } from '../tokens';

/**
 * The browser's model of the server vault. It holds metadata only; a value
 * is fetched on demand and handed to the caller, never kept.
 */
export class VaultModel implements IVaultModel {
  constructor(options: VaultModel.IOptions) {
    this._serverSettings = options.serverSettings;
    const every = options.refreshEveryMs ?? 0;
    if (every > 0) {
      // Follows changes made in other tabs; a hidden tab stands by.
      this._poll = startPoll(() => this.refresh(), every);
    }
  }

  /**
   * Saved tokens, in the order the server keeps them.
   */
  get tokens(): readonly ISavedToken[] {
    return this._state.tokens;
  }

  /**
   * The active token, or null.
   */
  get active(): ISavedToken | null {
    const id = this._state.active_id;
    return id === null
      ? null
      : (this._state.tokens.find(token => token.id === id) ?? null);
  }

  /**
   * Whether the state was read from the server at least once.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Why the saved tokens could not be read, while they never were; null
   * once they are (or while the first read is on its way).
   */
  get loadError(): unknown {
    return this._loadError;
  }

  /**
   * Emitted after every change of the saved tokens (any field), and when
   * their first read fails (`loadError`).
   */
  get changed(): ISignal<this, IVaultState> {
    return this._changed;
  }

  /**
   * Emitted when the active token changes (another record, its value, or none).
   */
  get activeChanged(): ISignal<this, IActiveToken | null> {
    return this._activeChanged;
  }

  /**
   * Emitted with the error of every request to the vault that failed, for
   * whoever explains failures (the server status re-reads what the server
   * says about the vault).
   */
  get failed(): ISignal<this, unknown> {
    return this._failed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Read the saved tokens again. Concurrent calls share one request, unless
   * it started before the last write: a write is never hidden by a read
   * that predates it.
   */
  refresh(): Promise<void> {
    if (this._pending && this._pending.seq > this._appliedSeq) {
      return this._pending.promise;
    }
    return this._read();
  }

  /**
   * Save a verified token, optionally making it active.
   *
   * Resolves once the server has saved it, even when reading the tokens
   * again afterwards fails (that failure is emitted by `failed`, and the
   * next refresh shows the token): the caller must not take a saved token
   * for a lost one.
   */
  async add(
    value: string,
    metadata: ITokenMetadata,
    options: { label?: string; activate?: boolean } = {}
  ): Promise<IAddResult> {
    const result = await this._call<IAddResult>('tokens', {
      method: 'POST',
      body: JSON.stringify({
        value,
        ...metadata,
        label: options.label,
        activate: options.activate ?? false
      })
    });
    this._wrote();
    // A failed re-read is reported through `failed`; the token is saved.
    await this._read().catch(() => undefined);
    return result;
  }

  async rename(id: string, label: string): Promise<void> {
    await this._call(`tokens/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: JSON.stringify({ label })
    });
    this._wrote();
    await this._read();
  }

  /**
   * Record what a fresh who-am-i said about a saved token.
   */
  async verified(id: string, metadata: ITokenMetadata): Promise<void> {
    await this._call(`tokens/${encodeURIComponent(id)}/verified`, {
      method: 'POST',
      body: JSON.stringify(metadata)
    });
    this._wrote();
    await this._read();
  }

  async activate(id: string): Promise<void> {
    this._applyWritten(
      await this._call<IVaultState>(
        `tokens/${encodeURIComponent(id)}/activate`,
        { method: 'POST' }
      )
    );
  }

  async deactivate(): Promise<void> {
    this._applyWritten(
      await this._call<IVaultState>('tokens/deactivate', { method: 'POST' })
    );
  }

  async remove(id: string): Promise<void> {
    this._applyWritten(
      await this._call<IVaultState>(`tokens/${encodeURIComponent(id)}`, {
        method: 'DELETE'
      })
    );
  }

  /**
   * Fetch one token's value for a call or a copy. The caller must not keep it.
   */
  value(id: string): Promise<string> {
    // Callers that want the same value at once (the kernels and the
    // platform connection when a page opens) share one read; the promise is
    // dropped as soon as it settles, so no value is kept.
    let pending = this._values.get(id);
    if (!pending) {
      pending = this._call<{ value: string }>(
        `tokens/${encodeURIComponent(id)}/value`,
        { method: 'GET' }
      )
        .then(answer => answer.value)
        .finally(() => this._values.delete(id));
      this._values.set(id, pending);
    }
    return pending;
  }

  /**
   * The active token's value, or null when none is active.
   */
  async activeValue(): Promise<string | null> {
    const active = this.active;
    return active ? this.value(active.id) : null;
  }

  async invitations(): Promise<readonly IInvitation[]> {
    const answer = await this._call<{ invitations: IInvitation[] }>(
      'invitations',
      { method: 'GET' }
    );
    return answer.invitations;
  }

  async addInvitation(
    invitation: Omit<IInvitation, 'id' | 'created_at'>
  ): Promise<IInvitation> {
    const answer = await this._call<{ invitation: IInvitation }>(
      'invitations',
      { method: 'POST', body: JSON.stringify(invitation) }
    );
    return answer.invitation;
  }

  async removeInvitation(id: string): Promise<void> {
    await this._call(`invitations/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll?.dispose();
    Signal.clearData(this);
  }

  private async _call<T>(endPoint: string, init: RequestInit): Promise<T> {
    try {
      return await requestAPI<T>(endPoint, init, this._serverSettings);
    } catch (error) {
      if (!this._isDisposed) {
        this._failed.emit(error);
      }
      throw error;
    }
  }

  /**
   * Start a read of the saved tokens that later `refresh()` calls share.
   * Its answer is dropped when a write was answered after it started.
   */
  private _read(): Promise<void> {
    const seq = ++this._seq;
    const promise = this._call<IVaultState>('tokens', { method: 'GET' })
      .then(
        state => {
          if (seq > this._appliedSeq) {
            this._appliedSeq = seq;
            this._apply(state);
          }
        },
        (error: unknown) => {
          if (!this._loaded && !this._isDisposed) {
            this._loadError = error;
            this._changed.emit(this._state);
          }
          throw error;
        }
      )
      .finally(() => {
        if (this._pending?.seq === seq) {
          this._pending = null;
        }
      });
    this._pending = { seq, promise };
    return promise;
  }

  /**
   * Mark every read started so far as older than a write just answered.
   */
  private _wrote(): void {
    this._appliedSeq = ++this._seq;
  }

  /**
   * Apply the state a write answered with; older reads no longer apply.
   */
  private _applyWritten(state: IVaultState): void {
    this._wrote();
    this._apply(state);
  }

  private _apply(state: IVaultState): void {
    if (this._isDisposed) {
      return;
    }
    const before = this.active;
    this._state = state;
    this._loaded = true;
    this._loadError = null;
    const after = this.active;
    this._changed.emit(state);
    if (
      before?.id !== after?.id ||
      before?.fingerprint !== after?.fingerprint
    ) {
      this._activeChanged.emit(
        after ? { id: after.id, fingerprint: after.fingerprint } : null
      );
    }
  }

  private _serverSettings: ServerConnection.ISettings;
  private _poll: Poll | null = null;
  private _values = new Map<string, Promise<string>>();
  private _state: IVaultState = { tokens: [], active_id: null };
  private _loaded = false;
  private _loadError: unknown = null;
  private _pending: { seq: number; promise: Promise<void> } | null = null;
  /** Number of the last read or write started. */
  private _seq = 0;
  /** Number of the read or write whose state is shown (or a write's mark). */
  private _appliedSeq = 0;
  private _changed = new Signal<this, IVaultState>(this);
  private _activeChanged = new Signal<this, IActiveToken | null>(this);
  private _failed = new Signal<this, unknown>(this);
  private _isDisposed = false;
}

export namespace VaultModel {
  export interface IOptions {
    /**
     * The application's server settings.
     */
    serverSettings: ServerConnection.ISettings;
    /**
     * Read the saved tokens again this often, in ms, while the page is
     * visible (default 0: only on demand and after writes).
     */
    refreshEveryMs?: number;
  }
}
