import type { IDisposable } from '@lumino/disposable';
import type { Poll } from '@lumino/polling';
import { type ISignal, Signal } from '@lumino/signaling';

import { startPoll } from '../polling';
import type { IVaultModel } from '../tokens';

/**
 * Where the active token stands against the warning windows.
 */
export interface IExpiryState {
  /**
   * Milliseconds left, or null when no token is active or it never expires.
   */
  readonly remaining: number | null;
  /**
   * The smallest warning window (in hours) the token is inside, or null.
   */
  readonly window: number | null;
}

/**
 * Watches the active token's expiry and says when it enters a warning
 * window (by default 7 days, 1 day and 1 hour before it expires).
 */
export class ExpiryWatcher implements IDisposable {
  constructor(options: ExpiryWatcher.IOptions) {
    this._vault = options.vault;
    this._now = options.now ?? Date.now;
    this._windows = normalise(options.windowsHours ?? [168, 24, 1]);
    this._vault.changed.connect(this._update, this);
    const interval = options.intervalMs ?? 30_000;
    // The clock: a hidden page stands by and catches up when shown. Its
    // first tick comes after the owner has connected to the signals.
    this._clock = startPoll(async () => this._update(), interval, true);
  }

  get state(): IExpiryState {
    return this._state;
  }

  /**
   * Emitted on every update (for countdowns in views).
   */
  get changed(): ISignal<this, IExpiryState> {
    return this._changed;
  }

  /**
   * Emitted once each time the active token enters a smaller window.
   */
  get windowEntered(): ISignal<this, IExpiryState> {
    return this._windowEntered;
  }

  set windowsHours(hours: readonly number[]) {
    this._windows = normalise(hours);
    this._update();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._clock.dispose();
    this._vault.changed.disconnect(this._update, this);
    Signal.clearData(this);
  }

  private _update(): void {
    const active = this._vault.active;
    const expiry = active?.expires_at ? Date.parse(active.expires_at) : NaN;
    const remaining = isNaN(expiry) ? null : expiry - this._now();
    let inside: number | null = null;
    if (remaining !== null) {
      for (const hours of this._windows) {
        if (remaining <= hours * 3_600_000) {
          inside = hours;
        }
      }
    }
    const key = active ? active.id : null;
    const previous = this._notified.get(key ?? '');
    this._state = { remaining, window: inside };
    this._changed.emit(this._state);
    if (
      key !== null &&
      inside !== null &&
      (previous === undefined || inside < previous)
    ) {
      this._notified.set(key, inside);
      this._windowEntered.emit(this._state);
    }
  }

  private _vault: IVaultModel;
  private _now: () => number;
  private _windows: number[];
  private _clock: Poll;
  private _state: IExpiryState = { remaining: null, window: null };
  private _notified = new Map<string, number>();
  private _changed = new Signal<this, IExpiryState>(this);
  private _windowEntered = new Signal<this, IExpiryState>(this);
  private _isDisposed = false;
}

/**
 * Positive windows, largest first.
 */
function normalise(hours: readonly number[]): number[] {
  return hours.filter(h => Number.isFinite(h) && h > 0).sort((a, b) => b - a);
}

export namespace ExpiryWatcher {
  export interface IOptions {
    vault: IVaultModel;
    windowsHours?: readonly number[];
    intervalMs?: number;
    now?: () => number;
  }
}
