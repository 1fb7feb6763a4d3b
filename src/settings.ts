import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

/**
 * The user settings of the extension (none of them holds a secret).
 */
export interface ITokenSettings {
  /** Hours before expiry at which to warn; default 7 days, 1 day, 1 hour. */
  readonly expiryWarningHours: readonly number[];
  /** Seconds after which a copied value is cleared from the clipboard. */
  readonly clipboardClearSeconds: number;
  /** Seconds between automatic refreshes of the project list; 0 = off. */
  readonly projectRefreshSeconds: number;
  /** Whether to list pending invitations (registration tokens handed out). */
  readonly showInvitations: boolean;
}

export const DEFAULT_SETTINGS: ITokenSettings = {
  expiryWarningHours: [168, 24, 1],
  clipboardClearSeconds: 30,
  projectRefreshSeconds: 0,
  showInvitations: true
};

/**
 * The current settings, following the settings editor.
 */
export class TokenSettings {
  get current(): ITokenSettings {
    return this._current;
  }

  get changed(): ISignal<this, ITokenSettings> {
    return this._changed;
  }

  /**
   * Follow a loaded settings object.
   */
  follow(settings: ISettingRegistry.ISettings): void {
    const read = () => {
      const composite = settings.composite as Partial<ITokenSettings>;
      this._current = { ...DEFAULT_SETTINGS, ...composite };
      this._changed.emit(this._current);
    };
    settings.changed.connect(read);
    read();
  }

  private _current: ITokenSettings = DEFAULT_SETTINGS;
  private _changed = new Signal<this, ITokenSettings>(this);
}
