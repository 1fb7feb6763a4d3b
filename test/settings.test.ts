/**
 * The settings as the extension uses them: the editor's values, with the
 * project list's own refresh kept to at most one a minute.
 */

import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';
import fc from 'fast-check';

import { DEFAULT_SETTINGS, TokenSettings } from '../src/settings';

function loaded(
  composite: Record<string, unknown>
): ISettingRegistry.ISettings {
  const settings = { composite, changed: new Signal<object, void>({}) };
  return settings as unknown as ISettingRegistry.ISettings;
}

describe('TokenSettings', () => {
  it('starts from the defaults and follows the editor', () => {
    const model = new TokenSettings();
    expect(model.current).toEqual(DEFAULT_SETTINGS);
    model.follow(loaded({ clipboardClearSeconds: 5 }));
    expect(model.current).toEqual({
      ...DEFAULT_SETTINGS,
      clipboardClearSeconds: 5
    });
  });

  it('refreshes the project list at most once a minute, or never', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400 }), seconds => {
        const model = new TokenSettings();
        model.follow(loaded({ projectRefreshSeconds: seconds }));
        const used = model.current.projectRefreshSeconds;
        expect(used).toBe(seconds === 0 ? 0 : Math.max(60, seconds));
      })
    );
  });
});
