/**
 * Many deadlines on one timer: per-attempt timeouts without arming and
 * clearing a timer for every request.
 */

/**
 * A registered deadline.
 */
export interface IDeadline {
  /** When it expires, in `Date.now()` milliseconds. */
  readonly at: number;
  /** Called once when it expires, unless removed before. */
  readonly onExpire: () => void;
}

/**
 * A set of deadlines served by a single timer, armed for the earliest one.
 * The timer does not keep a Node process alive (`unref` where available).
 */
export class Deadlines {
  /** Call `onExpire` in `ms` milliseconds unless `remove`d before. */
  add(ms: number, onExpire: () => void): IDeadline {
    const deadline: IDeadline = { at: Date.now() + ms, onExpire };
    this._pending.add(deadline);
    if (this._timerAt === null || deadline.at < this._timerAt) {
      this._arm(deadline.at);
    }
    return deadline;
  }

  /** Forget a deadline; the timer, if armed, finds nothing and stops. */
  remove(deadline: IDeadline): void {
    this._pending.delete(deadline);
  }

  private _arm(at: number): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timerAt = at;
    const timer = setTimeout(() => this._fire(), Math.max(0, at - Date.now()));
    (timer as { unref?: () => void }).unref?.();
    this._timer = timer;
  }

  private _fire(): void {
    this._timer = null;
    this._timerAt = null;
    const now = Date.now();
    let next = Infinity;
    for (const deadline of [...this._pending]) {
      if (deadline.at <= now) {
        this._pending.delete(deadline);
        deadline.onExpire();
      } else {
        next = Math.min(next, deadline.at);
      }
    }
    if (next !== Infinity) {
      this._arm(next);
    }
  }

  private readonly _pending = new Set<IDeadline>();
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _timerAt: number | null = null;
}
