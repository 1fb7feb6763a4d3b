import { Notification } from '@jupyterlab/apputils';
import type { Kernel, KernelSpec, Session } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import {
  DEFAULT_ENV_NAME,
  type IActiveToken,
  type IKernelSync,
  type IKernelTokenState,
  type IStatusModel,
  type IVaultModel
} from '../tokens';
import { inject, type InjectOutcome } from './inject';
import { KernelRegistry, type SessionWidget } from './registry';
import type { IWidgetTracker } from '@jupyterlab/apputils';
import {
  buildExpression,
  buildSnippet,
  isEnvName,
  type SnippetLanguage,
  snippetLanguage
} from './snippets';

/**
 * The variable name used until the server status says otherwise.
 */
const DEFAULT_ENV_NAMES: readonly string[] = [DEFAULT_ENV_NAME];

/**
 * How long a short-lived connection waits for the kernel's reply.
 */
const TRANSIENT_TIMEOUT_MS = 60_000;

/**
 * Keeps running kernels in step with the active token.
 *
 * The server gives every kernel the variable at start and restart; this
 * class updates kernels that are already running:
 * - when the active token changes (activation, switch, removal), every
 *   running kernel gets one silent execute request, all sent concurrently;
 * - when a notebook or console of this page starts holding a kernel, and
 *   after a restart this page sees (sent from a microtask after the
 *   `restarting` status, so it waits in the new kernel's queue ahead of any
 *   later cell), that kernel gets one too.
 *
 * The active value is held in memory only while it is active, to be sent
 * without delay; it is never logged or stored.
 */
export class KernelSync implements IKernelSync, IDisposable {
  constructor(options: KernelSync.IOptions) {
    this._vault = options.vault;
    this._status = options.status;
    this._kernelspecs = options.kernelspecs;
    this._trans = options.trans;
    this._registry = new KernelRegistry({
      sessions: options.sessions,
      kernels: options.kernels,
      notebooks: options.notebooks,
      consoles: options.consoles
    });
    this._registry.changed.connect(this._publish, this);
    this._registry.kernelAdded.connect(this._onKernelAdded, this);
    this._registry.restarted.connect(this._onRestarted, this);
    this._kernelspecs.specsChanged.connect(this._publish, this);
    this._vault.activeChanged.connect(this._onActiveChanged, this);
    this._vault.changed.connect(this._onVaultChanged, this);
    if (this._vault.loaded) {
      this._baseline(this._vault.active);
    }
    this._publish();
  }

  /**
   * The running kernels and what they carry.
   */
  get kernels(): readonly IKernelTokenState[] {
    return this._kernels;
  }

  /**
   * Emitted whenever `kernels` changes.
   */
  get changed(): ISignal<this, readonly IKernelTokenState[]> {
    return this._changed;
  }

  /**
   * The kernel registry (for views and tests).
   */
  get registry(): KernelRegistry {
    return this._registry;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Read the vault again, then send the active token to every running
   * kernel. When the vault's active token changed meanwhile, the sync that
   * change started is the one awaited (no second injection).
   */
  async syncNow(): Promise<void> {
    const generation = this._generation;
    await this._vault.refresh();
    if (this._isDisposed) {
      return;
    }
    if (this._generation === generation) {
      this._startRound(this._vault.active);
    }
    await this._round;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._generation++;
    this._vault.activeChanged.disconnect(this._onActiveChanged, this);
    this._vault.changed.disconnect(this._onVaultChanged, this);
    this._kernelspecs.specsChanged.disconnect(this._publish, this);
    this._registry.dispose();
    this._cache = null;
    this._states.clear();
    Signal.clearData(this);
  }

  /**
   * A first read with no active token changes no active token, so it comes
   * only as a change of the vault: the baseline is then "none".
   */
  private _onVaultChanged(): void {
    if (!this._loaded && this._vault.active === null) {
      this._baseline(null);
    }
  }

  private _onActiveChanged(_: IVaultModel, active: IActiveToken | null): void {
    if (!this._loaded) {
      // The first state read from the server: kernels already have it.
      this._baseline(active);
      return;
    }
    this._startRound(active);
  }

  /**
   * Take the server's state as what running kernels carry, and load the
   * value for later restarts and new kernels.
   */
  private _baseline(active: IActiveToken | null): void {
    this._loaded = true;
    const generation = ++this._generation;
    for (const record of this._registry.kernels) {
      this._setState(record.id, {
        fingerprint: active?.fingerprint ?? null,
        sync: 'synced',
        generation: 0
      });
    }
    this._round = this._load(generation, active).then(() => undefined);
    this._publish();
  }

  /**
   * Start sending `active` to every running kernel; a newer round makes the
   * older one stop before it sends anything more.
   */
  private _startRound(active: IActiveToken | null): void {
    this._loaded = true;
    const generation = ++this._generation;
    this._round = this._send(generation, active);
  }

  private async _send(
    generation: number,
    active: IActiveToken | null
  ): Promise<void> {
    const cache = await this._load(generation, active);
    if (!cache || generation !== this._generation) {
      return;
    }
    const unsupported = new Set<string>();
    // Every kernel is marked pending and sent to in this one task, one
    // change published for all of them; the replies then come in parallel.
    const deliveries: Private.IDelivery[] = [];
    for (const record of this._registry.kernels) {
      const language = this._language(record.specName);
      if (!snippetLanguage(language)) {
        unsupported.add(language || record.specName);
      }
      const delivery = this._prepare(record.id, record.specName, cache, false);
      if (delivery) {
        deliveries.push(delivery);
      }
    }
    this._publish();
    await Promise.all(
      deliveries.map(delivery => this._deliver(delivery, null))
    );
    if (generation === this._generation) {
      this._notifyUnsupported(unsupported);
    }
  }

  /**
   * Fetch the value of `active` into the cache (or clear it for none).
   */
  private async _load(
    generation: number,
    active: IActiveToken | null
  ): Promise<Private.ICache | null> {
    if (!active) {
      this._cache = {
        generation,
        fingerprint: null,
        value: null,
        requests: new Map()
      };
      return this._cache;
    }
    let value: string;
    try {
      value = await this._vault.value(active.id);
    } catch {
      if (generation === this._generation) {
        this._cache = null;
        for (const record of this._registry.kernels) {
          this._change(record.id, { sync: 'failed' });
        }
        this._publish();
      }
      return null;
    }
    if (generation !== this._generation || this._isDisposed) {
      return null;
    }
    this._cache = {
      generation,
      fingerprint: active.fingerprint,
      value,
      requests: new Map()
    };
    return this._cache;
  }

  private _onKernelAdded(
    _: KernelRegistry,
    connection: Kernel.IKernelConnection
  ): void {
    const cache = this._currentCache();
    if (cache && cache.value !== null) {
      void this._injectInto(connection.id, connection, cache, true);
    } else if (cache) {
      this._setState(connection.id, {
        fingerprint: null,
        sync: 'synced',
        generation: 0
      });
      this._publish();
    }
  }

  private _onRestarted(
    _: KernelRegistry,
    connection: Kernel.IKernelConnection
  ): void {
    const id = connection.id;
    if (this._restarting.has(id)) {
      return;
    }
    const cache = this._currentCache();
    if (!cache) {
      // A change is being sent; it reaches this kernel too.
      return;
    }
    this._restarting.add(id);
    // `_injectInto` sends synchronously, in this microtask.
    void this._injectInto(id, connection, cache, true).finally(() => {
      this._restarting.delete(id);
    });
  }

  /**
   * The cache when it holds the current active token.
   */
  private _currentCache(): Private.ICache | null {
    const cache = this._cache;
    return this._loaded && cache && cache.generation === this._generation
      ? cache
      : null;
  }

  /**
   * Send the cached state to one kernel, through `connection` or a
   * connection the registry provides, and record the outcome. `fresh` says
   * the kernel has just started or restarted, so it was born with the state
   * even when its language cannot be updated live. The request leaves
   * synchronously, in the caller's microtask.
   */
  private _injectInto(
    id: string,
    connection: Kernel.IKernelConnection,
    cache: Private.ICache,
    fresh: boolean
  ): Promise<void> {
    const record = this._registry.kernels.find(item => item.id === id);
    const delivery = this._prepare(
      id,
      record?.specName ?? connection.name,
      cache,
      fresh
    );
    this._publish();
    return delivery ? this._deliver(delivery, connection) : Promise.resolve();
  }

  /**
   * Record that the cached state is being sent to a kernel (or why it is
   * not), without publishing; answers what to send, or null for nothing.
   */
  private _prepare(
    id: string,
    specName: string,
    cache: Private.ICache,
    fresh: boolean
  ): Private.IDelivery | null {
    const language = snippetLanguage(this._language(specName));
    if (!language) {
      this._change(
        id,
        fresh
          ? { fingerprint: cache.fingerprint, sync: 'synced' }
          : { sync: 'pending' }
      );
      return null;
    }
    const request = this._request(cache, language);
    if (!request) {
      this._change(id, { sync: 'failed' });
      return null;
    }
    const ticket = ++this._tickets;
    this._setState(id, {
      fingerprint: this._states.get(id)?.fingerprint ?? null,
      sync: 'pending',
      generation: ticket
    });
    return { id, ticket, cache, request };
  }

  /**
   * Send a prepared request and record its outcome: first the expression
   * in an empty cell where the language has one, the code when the kernel
   * did not evaluate it (unless a newer change was prepared meanwhile).
   */
  private async _deliver(
    delivery: Private.IDelivery,
    connection: Kernel.IKernelConnection | null
  ): Promise<void> {
    const { id, ticket, cache, request } = delivery;
    const cancelled = () =>
      this._isDisposed || this._states.get(id)?.generation !== ticket;
    const send = (
      kernel: Kernel.IKernelConnection,
      held: boolean
    ): Promise<InjectOutcome> => {
      const options = {
        timeout: held ? 0 : TRANSIENT_TIMEOUT_MS,
        isCancelled: cancelled
      };
      const code = (): Promise<InjectOutcome> =>
        inject(kernel, request.code, options);
      if (request.expression === null) {
        return code();
      }
      return inject(kernel, '', {
        ...options,
        expression: request.expression
      }).then(outcome =>
        outcome === 'unsupported' && !cancelled() && !kernel.isDisposed
          ? code()
          : outcome
      );
    };
    let outcome: InjectOutcome | null;
    if (connection && !connection.isDisposed) {
      outcome = await send(connection, true);
    } else {
      outcome = await this._registry.withConnection(id, send);
    }
    if (cancelled()) {
      return;
    }
    if (outcome === 'ok') {
      this._setState(id, {
        fingerprint: cache.fingerprint,
        sync: 'synced',
        generation: ticket
      });
    } else {
      this._change(id, { sync: outcome === null ? 'pending' : 'failed' });
    }
    this._publish();
  }

  /**
   * What to send kernels of `language` for the cached state, built once per
   * state and variable names; null when it cannot be built.
   */
  private _request(
    cache: Private.ICache,
    language: SnippetLanguage
  ): Private.IRequest | null {
    const state = this._status.state;
    const configured =
      state.kind === 'ready' ? state.status.env_names : undefined;
    const usable = (configured ?? DEFAULT_ENV_NAMES).filter(isEnvName);
    const names = usable.length > 0 ? usable : DEFAULT_ENV_NAMES;
    const key = `${language}:${names.join(',')}`;
    let request = cache.requests.get(key);
    if (request === undefined) {
      try {
        request = {
          code: buildSnippet(language, names, cache.value),
          expression: buildExpression(language, names, cache.value)
        };
      } catch {
        request = null;
      }
      cache.requests.set(key, request);
    }
    return request;
  }

  /**
   * The kernel spec's language, read synchronously ('' when unknown).
   */
  private _language(specName: string): string {
    return this._kernelspecs.specs?.kernelspecs[specName]?.language ?? '';
  }

  private _notifyUnsupported(languages: Set<string>): void {
    for (const language of languages) {
      if (this._notified.has(language)) {
        continue;
      }
      this._notified.add(language);
      Notification.info(
        this._trans.__(
          'Running %1 kernels cannot take the new ML Platform token; they will pick it up at their next restart.',
          language
        ),
        { autoClose: 8000 }
      );
    }
  }

  /**
   * Change part of a kernel's recorded state, without publishing.
   */
  private _change(id: string, change: Partial<Private.IState>): void {
    const state = this._states.get(id) ?? {
      fingerprint: null,
      sync: 'pending' as const,
      generation: 0
    };
    this._setState(id, { ...state, ...change });
  }

  private _setState(id: string, state: Private.IState): void {
    this._states.set(id, state);
  }

  /**
   * Rebuild `kernels` from the registry and the recorded states.
   */
  private _publish(): void {
    if (this._isDisposed) {
      return;
    }
    const records = this._registry.kernels;
    const ids = new Set(records.map(record => record.id));
    for (const id of [...this._states.keys()]) {
      if (!ids.has(id)) {
        this._states.delete(id);
      }
    }
    const active = this._loaded
      ? (this._vault.active?.fingerprint ?? null)
      : null;
    this._kernels = records.map(record => {
      const language = this._language(record.specName);
      const state = this._states.get(record.id);
      return {
        kernelId: record.id,
        name: record.path || record.specName,
        language: language || record.specName,
        // A kernel never updated here carries what the server gave it.
        fingerprint: state ? state.fingerprint : active,
        supported: snippetLanguage(language) !== null,
        sync: state?.sync ?? 'synced'
      };
    });
    this._changed.emit(this._kernels);
  }

  private _vault: IVaultModel;
  private _status: IStatusModel;
  private _kernelspecs: KernelSpec.IManager;
  private _trans: TranslationBundle;
  private _registry: KernelRegistry;
  private _kernels: readonly IKernelTokenState[] = [];
  private _states = new Map<string, Private.IState>();
  private _restarting = new Set<string>();
  private _notified = new Set<string>();
  private _cache: Private.ICache | null = null;
  private _loaded = false;
  private _generation = 0;
  private _tickets = 0;
  private _round: Promise<void> = Promise.resolve();
  private _changed = new Signal<this, readonly IKernelTokenState[]>(this);
  private _isDisposed = false;
}

export namespace KernelSync {
  export interface IOptions {
    /**
     * The vault model: which token is active, and its value on demand.
     */
    vault: IVaultModel;
    /**
     * The server status: the configured variable names.
     */
    status: IStatusModel;
    /**
     * The session manager.
     */
    sessions: Session.IManager;
    /**
     * The kernel spec manager: each kernel's language.
     */
    kernelspecs: KernelSpec.IManager;
    /**
     * The kernel manager, to include kernels started without a session.
     */
    kernels?: Kernel.IManager | null;
    /**
     * Notebooks, whose kernel connections are reused.
     */
    notebooks: IWidgetTracker<SessionWidget> | null;
    /**
     * Consoles, whose kernel connections are reused.
     */
    consoles: IWidgetTracker<SessionWidget> | null;
    /**
     * The extension's translation bundle.
     */
    trans: TranslationBundle;
  }
}

namespace Private {
  /**
   * The active token's value while it is active (null: none active).
   */
  export interface ICache {
    readonly generation: number;
    readonly fingerprint: string | null;
    readonly value: string | null;
    /** What to send, per language and variable names (null: cannot be built). */
    readonly requests: Map<string, IRequest | null>;
  }

  /**
   * What a kernel of one language is sent: the expression (in an empty
   * cell) when there is one, else or failing that the code.
   */
  export interface IRequest {
    readonly code: string;
    readonly expression: string | null;
  }

  /**
   * One kernel's pending injection.
   */
  export interface IDelivery {
    readonly id: string;
    readonly ticket: number;
    readonly cache: ICache;
    readonly request: IRequest;
  }

  /**
   * What one kernel carries and how its last injection went.
   */
  export interface IState {
    readonly fingerprint: string | null;
    readonly sync: 'synced' | 'pending' | 'failed';
    /** The ticket of the injection that set this state (0: none). */
    readonly generation: number;
  }
}
