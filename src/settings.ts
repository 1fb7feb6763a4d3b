import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import type { ISettingsModel, ITokenSettings } from './tokens';

export type { ITokenSettings } from './tokens';

/**
 * The shortest interval of the project list's own refresh.
 */
const MIN_PROJECT_REFRESH_SECONDS = 60;

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
      const current = { ...DEFAULT_SETTINGS, ...composite };
      this._current = {
        ...current,
        projectRefreshSeconds: atMostOnceAMinute(current.projectRefreshSeconds)
      };
      this._changed.emit(this._current);
    };
    settings.changed.connect(read);
    read();
  }

  private _current: ITokenSettings = DEFAULT_SETTINGS;
  private _changed = new Signal<this, ITokenSettings>(this);
}

/**
 * The project list's own refresh: off (0) or at most once a minute, so that
 * an open tab costs a shared server about one request a minute at most.
 */
function atMostOnceAMinute(seconds: number): number {
  return seconds > 0 ? Math.max(MIN_PROJECT_REFRESH_SECONDS, seconds) : 0;
}
