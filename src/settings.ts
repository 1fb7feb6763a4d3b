import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import type { ISettingsModel, ITokenSettings } from './tokens';

export type { ITokenSettings } from './tokens';

export const DEFAULT_SETTINGS: ITokenSettings = {
  expiryWarningHours: [168, 24, 1],
  clipboardClearSeconds: 30,
  projectRefreshSeconds: 0,
  showInvitations: true
};

/**
 * The current settings, following the settings editor.
 */
export class TokenSettings implements ISettingsModel {
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
