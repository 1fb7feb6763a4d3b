/**
 * The project's access tokens as an Administrator sees them.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import type { Poll } from '@lumino/polling';
import { type ISignal, Signal } from '@lumino/signaling';

import { startPoll } from '../polling';
import type { TokenInfo, TokenType } from '../api';
import type { IPlatformClient } from '../tokens';
import { describeError } from '../messages';
import { TokenFilter } from './filter';

/**
 * What the model needs to know about the active saved token.
 * `VaultModel` fits it.
 */
export interface IActiveTokenSource {
  readonly active: { readonly name: string; readonly role: TokenType } | null;
  readonly activeChanged: ISignal<unknown, unknown>;
}

/**
 * Where the list stands.
 *
 * - `no-token` / `user-token`: nothing is listed, and this says why.
 * - `loading`: the first load for the active token is under way.
 * - `ready`: the list of the last load.
 * - `error`: the last load failed; `message` says what to do.
 */
export type ProjectTokensState =
  | { readonly kind: 'no-token' }
  | { readonly kind: 'user-token'; readonly name: string }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly tokens: readonly TokenInfo[] }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Loads, filters and deletes the project's access tokens with the active
 * token, when it is an Administrator token.
 */
export class ProjectTokensModel implements IDisposable {
  constructor(options: ProjectTokensModel.IOptions) {
    this._client = options.client;
    this._source = options.source;
    this._trans = options.trans;
    this._roleLabels = {
      USER: this._trans.__('User'),
      ADMIN: this._trans.__('Administrator')
    };
    this._refreshInterval = sanitizeInterval(options.refreshInterval ?? 0);
    this._source.activeChanged.connect(this._onActiveChanged, this);
    this._state = this._idleState() ?? { kind: 'loading' };
  }

  /**
   * Emitted when `state`, `busy`, `filter` or `filtered` change.
   */
  get stateChanged(): ISignal<this, ProjectTokensState> {
    return this._stateChanged;
  }

  get state(): ProjectTokensState {
    return this._state;
  }

  /**
   * Whether a load or a delete is under way.
   */
  get busy(): boolean {
    return this._busy > 0;
  }

  /**
   * Whether the active token can manage the project.
   */
  get isAdmin(): boolean {
    return this._source.active?.role === 'ADMIN';
  }

  /**
   * Name of the active saved token, or null.
   */
  get activeName(): string | null {
    return this._source.active?.name ?? null;
  }

  /**
   * The listed tokens (empty unless `state` is `ready`).
   */
  get tokens(): readonly TokenInfo[] {
    return this._state.kind === 'ready' ? this._state.tokens : [];
  }

  /**
   * The filter text: a substring of the name, issuer or role.
   */
  get filter(): string {
    return this._filterText;
  }

  set filter(value: string) {
    if (value === this._filterText) {
      return;
    }
    this._filterText = value;
    this._stateChanged.emit(this._state);
  }

  /**
   * The listed tokens that match the filter, in list order.
   */
  get filtered(): readonly TokenInfo[] {
    if (!this._filter) {
      this._filter = new TokenFilter(this.tokens, this._roleLabels);
    }
    return this._filter.match(this._filterText);
  }

  /**
   * A client of the active token, for calls the list does not make itself.
   */
  client(): IPlatformClient {
    return this._client();
  }

  /**
   * Seconds between automatic refreshes; 0 turns them off.
   */
  get refreshInterval(): number {
    return this._refreshInterval;
  }

  set refreshInterval(seconds: number) {
    const value = sanitizeInterval(seconds);
    if (value === this._refreshInterval) {
      return;
    }
    this._refreshInterval = value;
    this._schedule();
  }

  /**
   * Load the list again (or settle the hidden state when the active token
   * is missing or a User token). Concurrent calls share one load. Never
   * rejects: a failure becomes the `error` state.
   */
  refresh(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    const idle = this._idleState();
    if (idle) {
      this._cancel();
      this._setState(idle);
      return Promise.resolve();
    }
    if (!this._pending) {
      const pending = this._load().finally(() => {
        if (this._pending === pending) {
          this._pending = null;
        }
        if (!this._poll) {
          this._schedule();
        }
      });
      this._pending = pending;
    }
    return this._pending;
  }

  /**
   * Delete an access token of the project, then load the list afresh (a
   * load already under way started before the deletion and is dropped).
   *
   * @throws the client's typed error when the deletion fails (the list is
   *   still refreshed, since the failure may mean it is out of date).
   */
  async delete(name: string): Promise<void> {
    this._setBusy(1);
    try {
      await this._client().deleteToken(name);
    } finally {
      this._setBusy(-1);
      // A load that started before the deletion must not show its list.
      this._generation++;
      this._pending = null;
      await this.refresh();
    }
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._cancel();
    this._source.activeChanged.disconnect(this._onActiveChanged, this);
    Signal.clearData(this);
  }

  private async _load(): Promise<void> {
    const generation = ++this._generation;
    if (this._state.kind !== 'ready') {
      this._setState({ kind: 'loading' });
    }
    this._setBusy(1);
    try {
      const tokens = await this._client().listProjectTokens();
      if (generation === this._generation && !this._isDisposed) {
        this._setState({ kind: 'ready', tokens: sortByName(tokens) });
      }
    } catch (error) {
      if (generation === this._generation && !this._isDisposed) {
        this._setState({
          kind: 'error',
          message: describeError(error, this._trans, {
            // TRANSLATORS: completes "Your token is a User token; %1 needs
            // an Administrator token."
            action: this._trans.__("listing the project's access tokens")
          })
        });
      }
    } finally {
      this._setBusy(-1);
    }
  }

  /** The hidden state for a missing or User token, or null for an admin. */
  private _idleState(): ProjectTokensState | null {
    const active = this._source.active;
    if (!active) {
      return { kind: 'no-token' };
    }
    return active.role === 'ADMIN'
      ? null
      : { kind: 'user-token', name: active.name };
  }

  private _onActiveChanged(): void {
    // A load for the previous token must not land in the new one's list.
    this._generation++;
    this._pending = null;
    if (this._idleState() === null) {
      this._setState({ kind: 'loading' });
    }
    void this.refresh();
  }

  private _schedule(): void {
    this._cancel();
    if (
      this._isDisposed ||
      this._refreshInterval === 0 ||
      this._idleState() !== null
    ) {
      return;
    }
    const interval = this._refreshInterval * 1000;
    // A hidden page stands by; failed loads back off up to four intervals.
    this._poll = startPoll(async () => {
      await this.refresh();
      if (this._state.kind === 'error') {
        throw new Error('The project list could not be loaded.');
      }
    }, interval);
  }

  private _cancel(): void {
    this._poll?.dispose();
    this._poll = null;
  }

  private _setState(state: ProjectTokensState): void {
    if (this._isDisposed) {
      return;
    }
    this._state = state;
    this._filter = null;
    this._stateChanged.emit(state);
  }

  private _setBusy(delta: number): void {
    this._busy += delta;
    if (!this._isDisposed) {
      this._stateChanged.emit(this._state);
    }
  }

  private readonly _client: () => IPlatformClient;
  private readonly _source: IActiveTokenSource;
  private readonly _trans: TranslationBundle;
  private readonly _roleLabels: Readonly<Record<string, string>>;
  private _state: ProjectTokensState;
  private _filterText = '';
  private _filter: TokenFilter | null = null;
  private _refreshInterval: number;
  private _poll: Poll | null = null;
  private _pending: Promise<void> | null = null;
  private _generation = 0;
  private _busy = 0;
  private _isDisposed = false;
  private _stateChanged = new Signal<this, ProjectTokensState>(this);
}

export namespace ProjectTokensModel {
  export interface IOptions {
    /**
     * The client of the active token, asked anew for every call (e.g.
     * `() => connection.active`).
     */
    client: () => IPlatformClient;
    /**
     * The active saved token (the vault model).
     */
    source: IActiveTokenSource;
    trans: TranslationBundle;
    /**
     * Seconds between automatic refreshes; 0 (the default) turns them off.
     */
    refreshInterval?: number;
  }
}

function sanitizeInterval(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

function sortByName(tokens: readonly TokenInfo[]): TokenInfo[] {
  return [...tokens].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
}
