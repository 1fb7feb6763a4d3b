import type { ISessionContext, IWidgetTracker } from '@jupyterlab/apputils';
import type { IChangedArgs } from '@jupyterlab/coreutils';
import type { Kernel, Session } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

/**
 * A running kernel as the registry knows it.
 */
export interface IKernelRecord {
  readonly id: string;
  /** The kernel spec name, e.g. `python3`. */
  readonly specName: string;
  /** The notebook or console path of its session ('' when none). */
  readonly path: string;
  /** Whether a notebook or console of this page holds a connection to it. */
  readonly held: boolean;
}

/**
 * A notebook or console: a widget with a session context.
 */
export type SessionWidget = Widget & {
  readonly sessionContext: ISessionContext;
};

/**
 * Which kernels run, and a connection to each when one is needed.
 *
 * Kernels come from the notebook and console trackers (their widgets hold a
 * connection, which is reused: no extra websocket) and from the session
 * manager (and the kernel manager when given) for kernels no widget holds;
 * those get a short-lived connection without comm handling, closed when the
 * last user releases it.
 */
export class KernelRegistry implements IDisposable {
  constructor(options: KernelRegistry.IOptions) {
    this._sessions = options.sessions;
    this._kernels = options.kernels ?? null;
    this._sessions.runningChanged.connect(this._refresh, this);
    this._kernels?.runningChanged.connect(this._refresh, this);
    for (const tracker of [options.notebooks, options.consoles]) {
      if (tracker) {
        this._trackers.push(tracker);
        tracker.widgetAdded.connect(this._onWidgetAdded, this);
        tracker.forEach(widget => this._watch(widget));
      }
    }
    this._refresh();
  }

  /**
   * The running kernels, in a stable order.
   */
  get kernels(): readonly IKernelRecord[] {
    return this._records;
  }

  /**
   * Emitted whenever `kernels` changes.
   */
  get changed(): ISignal<this, readonly IKernelRecord[]> {
    return this._changed;
  }

  /**
   * Emitted when a widget of this page starts holding a kernel not seen
   * before (a new kernel, or a kernel change), from a microtask.
   */
  get kernelAdded(): ISignal<this, Kernel.IKernelConnection> {
    return this._kernelAdded;
  }

  /**
   * Emitted from a microtask after a held connection reports `restarting` or
   * `autorestarting` (once per restart and connection). By then the
   * connection has dropped its old queue, so a request sent from a listener
   * waits in the new queue and reaches the new kernel before any later one.
   */
  get restarted(): ISignal<this, Kernel.IKernelConnection> {
    return this._restarted;
  }

  /**
   * Short-lived connections currently open.
   */
  get transientCount(): number {
    return this._transient.size;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * A live connection that a widget of this page holds to the kernel.
   */
  heldConnection(id: string): Kernel.IKernelConnection | null {
    for (const connection of this._held.keys()) {
      if (connection.id === id && usable(connection)) {
        return connection;
      }
    }
    return null;
  }

  /**
   * Run `use` with a connection to the kernel: a held one (`held` true), or
   * a short-lived one opened for it (shared by concurrent users and closed
   * after the last one). Resolves to null when the kernel is not running or
   * not reachable.
   */
  async withConnection<T>(
    id: string,
    use: (connection: Kernel.IKernelConnection, held: boolean) => Promise<T>
  ): Promise<T | null> {
    const held = this.heldConnection(id);
    if (held) {
      return use(held, true);
    }
    const lease = this._lease(id);
    if (!lease) {
      return null;
    }
    try {
      return await use(lease.connection, false);
    } finally {
      this._release(id, lease);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._sessions.runningChanged.disconnect(this._refresh, this);
    this._kernels?.runningChanged.disconnect(this._refresh, this);
    for (const tracker of this._trackers) {
      tracker.widgetAdded.disconnect(this._onWidgetAdded, this);
    }
    for (const widget of [...this._widgets.keys()]) {
      this._unwatch(widget);
    }
    for (const lease of this._transient.values()) {
      lease.dispose();
    }
    this._transient.clear();
    this._records = [];
    Signal.clearData(this);
  }

  private _onWidgetAdded(_: unknown, widget: SessionWidget): void {
    this._watch(widget);
  }

  private _watch(widget: SessionWidget): void {
    if (this._widgets.has(widget) || widget.isDisposed) {
      return;
    }
    const context = widget.sessionContext;
    this._widgets.set(widget, null);
    context.kernelChanged.connect(this._onKernelChanged, this);
    widget.disposed.connect(this._onWidgetDisposed, this);
    this._setHeld(widget, context.session?.kernel ?? null);
  }

  private _unwatch(widget: SessionWidget): void {
    if (!this._widgets.has(widget)) {
      return;
    }
    widget.sessionContext.kernelChanged.disconnect(this._onKernelChanged, this);
    widget.disposed.disconnect(this._onWidgetDisposed, this);
    this._setHeld(widget, null);
    this._widgets.delete(widget);
  }

  private _onWidgetDisposed(widget: Widget): void {
    this._unwatch(widget as SessionWidget);
    this._refresh();
  }

  private _onKernelChanged(
    context: ISessionContext,
    change: IChangedArgs<
      Kernel.IKernelConnection | null,
      Kernel.IKernelConnection | null,
      'kernel'
    >
  ): void {
    if (change.oldValue === change.newValue) {
      return;
    }
    for (const widget of this._widgets.keys()) {
      if (widget.sessionContext === context) {
        this._setHeld(widget, change.newValue);
      }
    }
  }

  /**
   * Record which connection a widget holds, keeping one status listener per
   * held connection.
   */
  private _setHeld(
    widget: SessionWidget,
    connection: Kernel.IKernelConnection | null
  ): void {
    const before = this._widgets.get(widget) ?? null;
    if (before === connection) {
      return;
    }
    if (before) {
      const count = (this._held.get(before) ?? 1) - 1;
      if (count > 0) {
        this._held.set(before, count);
      } else {
        this._held.delete(before);
        before.statusChanged.disconnect(this._onStatus, this);
        before.disposed.disconnect(this._onConnectionDisposed, this);
      }
    }
    this._widgets.set(widget, connection);
    if (connection && !connection.isDisposed) {
      const count = this._held.get(connection) ?? 0;
      this._held.set(connection, count + 1);
      if (count === 0) {
        connection.statusChanged.connect(this._onStatus, this);
        connection.disposed.connect(this._onConnectionDisposed, this);
      }
    }
    this._refresh();
  }

  private _onConnectionDisposed(connection: Kernel.IKernelConnection): void {
    for (const [widget, held] of this._widgets) {
      if (held === connection) {
        this._setHeld(widget, null);
      }
    }
  }

  private _onStatus(
    connection: Kernel.IKernelConnection,
    status: Kernel.Status
  ): void {
    if (status !== 'restarting' && status !== 'autorestarting') {
      return;
    }
    // `restart()` announces `restarting` before it clears the connection's
    // queue, and an auto-restart clears it in a microtask queued before the
    // announcement: so never send from here, only from a later microtask.
    if (this._restartQueued.has(connection)) {
      return;
    }
    this._restartQueued.add(connection);
    void Promise.resolve().then(() => {
      this._restartQueued.delete(connection);
      if (!this._isDisposed && this._held.has(connection)) {
        this._restarted.emit(connection);
      }
    });
  }

  /**
   * Rebuild the list of running kernels and announce what changed.
   */
  private _refresh(): void {
    if (this._isDisposed) {
      return;
    }
    const found = new Map<string, IKernelRecord>();
    for (const [widget, connection] of this._widgets) {
      if (connection && usable(connection) && !found.has(connection.id)) {
        found.set(connection.id, {
          id: connection.id,
          specName: connection.name,
          path: widget.sessionContext.path,
          held: true
        });
      }
    }
    for (const model of this._sessions.running()) {
      const kernel = model.kernel;
      if (kernel && !found.has(kernel.id)) {
        found.set(kernel.id, {
          id: kernel.id,
          specName: kernel.name,
          path: model.path,
          held: false
        });
      }
    }
    if (this._kernels) {
      for (const model of this._kernels.running()) {
        if (!found.has(model.id)) {
          found.set(model.id, {
            id: model.id,
            specName: model.name,
            path: '',
            held: false
          });
        }
      }
    }
    const records = [...found.values()].sort((a, b) =>
      a.path === b.path
        ? a.id.localeCompare(b.id)
        : a.path.localeCompare(b.path)
    );
    const fresh: Kernel.IKernelConnection[] = [];
    for (const record of records) {
      if (record.held && !this._everHeld.has(record.id)) {
        this._everHeld.add(record.id);
        const connection = this.heldConnection(record.id);
        if (connection) {
          fresh.push(connection);
        }
      }
    }
    for (const id of [...this._everHeld]) {
      if (!found.has(id)) {
        this._everHeld.delete(id);
      }
    }
    if (!sameRecords(this._records, records)) {
      this._records = records;
      this._changed.emit(records);
    }
    if (fresh.length > 0) {
      void Promise.resolve().then(() => {
        for (const connection of fresh) {
          if (!this._isDisposed && usable(connection)) {
            this._kernelAdded.emit(connection);
          }
        }
      });
    }
  }

  private _lease(id: string): Private.Lease | null {
    const existing = this._transient.get(id);
    if (existing && usable(existing.connection)) {
      existing.users++;
      return existing;
    }
    const lease = this._open(id);
    if (lease) {
      this._transient.set(id, lease);
    }
    return lease;
  }

  private _release(id: string, lease: Private.Lease): void {
    lease.users--;
    if (lease.users <= 0) {
      if (this._transient.get(id) === lease) {
        this._transient.delete(id);
      }
      lease.dispose();
    }
  }

  private _open(id: string): Private.Lease | null {
    for (const model of this._sessions.running()) {
      if (model.kernel?.id === id) {
        const session = this._sessions.connectTo({
          model,
          kernelConnectionOptions: { handleComms: false }
        });
        const connection = session.kernel;
        if (!connection) {
          session.dispose();
          return null;
        }
        return new Private.Lease(connection, session);
      }
    }
    if (this._kernels) {
      for (const model of this._kernels.running()) {
        if (model.id === id) {
          const connection = this._kernels.connectTo({
            model,
            handleComms: false
          });
          return new Private.Lease(connection, connection);
        }
      }
    }
    return null;
  }

  private _sessions: Session.IManager;
  private _kernels: Kernel.IManager | null;
  private _trackers: IWidgetTracker<SessionWidget>[] = [];
  private _widgets = new Map<SessionWidget, Kernel.IKernelConnection | null>();
  private _held = new Map<Kernel.IKernelConnection, number>();
  private _everHeld = new Set<string>();
  private _restartQueued = new Set<Kernel.IKernelConnection>();
  private _transient = new Map<string, Private.Lease>();
  private _records: readonly IKernelRecord[] = [];
  private _changed = new Signal<this, readonly IKernelRecord[]>(this);
  private _kernelAdded = new Signal<this, Kernel.IKernelConnection>(this);
  private _restarted = new Signal<this, Kernel.IKernelConnection>(this);
  private _isDisposed = false;
}

export namespace KernelRegistry {
  export interface IOptions {
    /**
     * The session manager: running sessions, and short-lived connections.
     */
    sessions: Session.IManager;
    /**
     * The kernel manager, to include kernels started without a session.
     */
    kernels?: Kernel.IManager | null;
    /**
     * Notebooks, whose kernel connections are reused.
     */
    notebooks?: IWidgetTracker<SessionWidget> | null;
    /**
     * Consoles, whose kernel connections are reused.
     */
    consoles?: IWidgetTracker<SessionWidget> | null;
  }
}

function usable(connection: Kernel.IKernelConnection): boolean {
  return !connection.isDisposed && connection.status !== 'dead';
}

function sameRecords(
  a: readonly IKernelRecord[],
  b: readonly IKernelRecord[]
): boolean {
  // Records hold only strings and booleans, always in the same order.
  return JSON.stringify(a) === JSON.stringify(b);
}

namespace Private {
  /**
   * A short-lived connection and what closes it.
   */
  export class Lease {
    constructor(
      readonly connection: Kernel.IKernelConnection,
      private _owner: IDisposable
    ) {}

    users = 1;

    dispose(): void {
      this._owner.dispose();
    }
  }
}
