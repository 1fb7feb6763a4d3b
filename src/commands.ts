import { JupyterFrontEnd } from '@jupyterlab/application';
import { TranslationBundle } from '@jupyterlab/translation';

import { keyIcon } from './icons';

/**
 * The command ids of the extension.
 */
export namespace CommandIDs {
  export const openPanel = 'mlplatform-tokens:open-panel';
}

/**
 * The translated palette category of every command.
 */
export function paletteCategory(trans: TranslationBundle): string {
  return trans.__('ML Platform');
}

/**
 * What the commands act on.
 */
export interface ICommandContext {
  readonly shell: JupyterFrontEnd.IShell;
  readonly panelId: string;
  readonly trans: TranslationBundle;
}

/**
 * Add the extension's commands to a command registry.
 */
export function addCommands(
  app: JupyterFrontEnd,
  context: ICommandContext
): void {
  const { shell, panelId, trans } = context;

  app.commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Open Tokens Panel'),
    caption: trans.__('Show the ML Platform Tokens panel in the left sidebar'),
    icon: args => (args['isPalette'] ? undefined : keyIcon),
    isEnabled: () => true,
    describedBy: {
      args: {
        type: 'object',
        properties: {}
      }
    },
    execute: () => {
      shell.activateById(panelId);
    }
  });
}
