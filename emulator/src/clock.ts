/**
 * The emulated clock: a base time source plus an offset that only moves forward.
 *
 * Expiry of bearers, access tokens and registration tokens is always judged against this clock,
 * so tests move time with `advance()` instead of sleeping.
 */
export class Clock {
  constructor(base: () => number = Date.now, offsetMs = 0) {
    this._base = base;
    this._offsetMs = offsetMs;
  }

  /** Emulated time in milliseconds since the epoch. */
  now(): number {
    return this._base() + this._offsetMs;
  }

  /** Emulated time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** Milliseconds the emulated time is ahead of the base time source. */
  get offsetMs(): number {
    return this._offsetMs;
  }

  /** Move emulated time forward; negative or non-finite amounts are refused. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(
        'The clock only moves forward by a finite number of seconds'
      );
    }
    this._offsetMs += Math.round(seconds * 1000);
  }

  /** Put the emulated time back on the base time source. */
  reset(offsetMs = 0): void {
    this._offsetMs = offsetMs;
  }

  private readonly _base: () => number;
  private _offsetMs: number;
}
