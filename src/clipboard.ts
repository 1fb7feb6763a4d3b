/**
 * Copies a secret (a saved token's value, or one shown once) to the
 * clipboard, and clears the clipboard a while later if it still holds it.
 */

import type { IDisposable } from '@lumino/disposable';

import type { ISecretClipboard } from './tokens';

/**
 * The part of the asynchronous Clipboard API used here.
 */
export interface IClipboardAccess {
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
}

/**
 * Default delay before a copied secret is cleared, in seconds.
 */
export const DEFAULT_CLIPBOARD_CLEAR_SECONDS = 30;

/**
 * Owner of the pending clipboard clear. It outlives the dialog that
 * copied (closing the dialog right after copying is the usual case) and
 * cancels the clear when disposed.
 */
export class ShowOnceClipboard implements ISecretClipboard, IDisposable {
  constructor(options: ShowOnceClipboard.IOptions = {}) {
    this._access = options.clipboard;
    this.clearAfterSeconds =
      options.clearAfterSeconds ?? DEFAULT_CLIPBOARD_CLEAR_SECONDS;
  }

  /**
   * Seconds after a copy before the clipboard is cleared; 0 = never.
   */
  get clearAfterSeconds(): number {
    return this._clearAfter;
  }

  set clearAfterSeconds(seconds: number) {
    this._clearAfter = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  }

  /**
   * Copy `text` to the clipboard and schedule the clear.
   *
   * @throws when the browser refuses the write (no clipboard access).
   */
  async copy(text: string): Promise<void> {
    const access = this._clipboard();
    if (!access) {
      throw new Error('The clipboard is not available in this browser.');
    }
    await access.writeText(text);
    this._cancel();
    if (this._clearAfter > 0 && !this._isDisposed) {
      // Only the timer's closure holds the value, until it fires or is cancelled.
      this._timer = setTimeout(() => {
        this._timer = null;
        void clearIfStillHolds(access, text);
      }, this._clearAfter * 1000);
    }
  }

  /**
   * Whether a clear is pending.
   */
  get pending(): boolean {
    return this._timer !== null;
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
  }

  private _clipboard(): IClipboardAccess | null {
    if (this._access) {
      return this._access;
    }
    return typeof navigator !== 'undefined' && navigator.clipboard
      ? navigator.clipboard
      : null;
  }

  private _cancel(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private readonly _access: IClipboardAccess | undefined;
  private _clearAfter = DEFAULT_CLIPBOARD_CLEAR_SECONDS;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
}

export namespace ShowOnceClipboard {
  export interface IOptions {
    /** The clipboard (default `navigator.clipboard`). */
    clipboard?: IClipboardAccess;
    /** Seconds before a copied secret is cleared (default 30; 0 = never). */
    clearAfterSeconds?: number;
  }
}

/**
 * Empty the clipboard if it still holds `text`. When the browser does not
 * let us read it, leave it alone rather than wipe something else.
 */
async function clearIfStillHolds(
  access: IClipboardAccess,
  text: string
): Promise<void> {
  try {
    if ((await access.readText()) === text) {
      await access.writeText('');
    }
  } catch {
    // Reading was refused (no permission, page not focused): nothing to do.
  }
}
