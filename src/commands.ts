import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IConsoleTracker } from '@jupyterlab/console';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  copyIcon,
  deleteIcon,
  refreshIcon
} from '@jupyterlab/ui-components';

import {
  addAccessToken,
  copyToken,
  type IActionContext,
  insertUsageSnippet,
  redeemRegistrationToken,
  removeAllTokens,
  showWhoAmI,
  switchActiveToken
} from './vault/actions';
import { keyIcon } from './icons';
import {
  createRegistrationToken,
  deleteProjectToken,
  refreshProjectTokens
} from './project/actions';
import type { IProjectActionDeps } from './project/actions';

/**
 * The command ids of the extension.
 */
export namespace CommandIDs {
  export const openPanel = 'mlplatform-tokens:open-panel';
  export const addToken = 'mlplatform-tokens:add-token';
  export const redeem = 'mlplatform-tokens:redeem-registration-token';
  export const switchToken = 'mlplatform-tokens:switch-token';
  export const createRegistration =
    'mlplatform-tokens:create-registration-token';
  export const deleteProjectToken = 'mlplatform-tokens:delete-project-token';
  export const refreshProjectTokens =
    'mlplatform-tokens:refresh-project-tokens';
  export const whoAmI = 'mlplatform-tokens:who-am-i';
  export const copyActive = 'mlplatform-tokens:copy-active-token';
  export const insertSnippet = 'mlplatform-tokens:insert-snippet';
  export const removeAll = 'mlplatform-tokens:remove-all-tokens';
}

/**
 * Every command that goes in the palette, in palette order.
 */
export const PALETTE_COMMANDS = [
  CommandIDs.openPanel,
  CommandIDs.addToken,
  CommandIDs.redeem,
  CommandIDs.switchToken,
  CommandIDs.whoAmI,
  CommandIDs.copyActive,
  CommandIDs.insertSnippet,
  CommandIDs.removeAll
];

/**
 * The Administrator commands that go in the palette.
 */
export const PROJECT_PALETTE_COMMANDS = [
  CommandIDs.createRegistration,
  CommandIDs.refreshProjectTokens,
  CommandIDs.deleteProjectToken
];

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
  readonly actions: IActionContext;
  readonly notebooks: INotebookTracker | null;
  readonly consoles: IConsoleTracker | null;
}

const NO_ARGS = { args: { type: 'object', properties: {} } };

/**
 * Add the extension's commands to the application.
 */
export function addCommands(
  app: JupyterFrontEnd,
  context: ICommandContext
): void {
  const { shell, panelId, actions, notebooks, consoles } = context;
  const { trans, vault } = actions;
  const commands = app.commands;
  const hasActive = () => vault.active !== null;

  commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Open Tokens Panel'),
    caption: trans.__('Show the ML Platform Tokens panel in the left sidebar'),
    icon: args => (args['isPalette'] ? undefined : keyIcon),
    isEnabled: () => true,
    describedBy: NO_ARGS,
    execute: () => {
      shell.activateById(panelId);
    }
  });

  commands.addCommand(CommandIDs.addToken, {
    label: trans.__('Add Access Token…'),
    caption: trans.__(
      'Paste an access token; it is checked with the platform, saved on this server and made active'
    ),
    icon: args => (args['isPalette'] ? undefined : addIcon),
    isEnabled: () => true,
    describedBy: NO_ARGS,
    execute: () => addAccessToken(actions)
  });

  commands.addCommand(CommandIDs.redeem, {
    label: trans.__('Redeem Registration Token…'),
    caption: trans.__(
      'Trade a registration token from your administrator for an access token, saved and made active without being shown'
    ),
    isEnabled: () => true,
    describedBy: NO_ARGS,
    execute: () => redeemRegistrationToken(actions)
  });

  commands.addCommand(CommandIDs.switchToken, {
    label: trans.__('Switch Active Access Token…'),
    caption: () =>
      vault.tokens.length > 1
        ? trans.__('Choose which saved access token kernels use')
        : trans.__('Save more than one access token to switch between them.'),
    isEnabled: () => vault.tokens.length > 0,
    describedBy: NO_ARGS,
    execute: () => switchActiveToken(actions)
  });

  commands.addCommand(CommandIDs.whoAmI, {
    label: trans.__('Show Active Token Details'),
    caption: () =>
      hasActive()
        ? trans.__('Ask the platform about the active access token')
        : trans.__('No access token is active.'),
    isEnabled: hasActive,
    describedBy: NO_ARGS,
    execute: () => showWhoAmI(actions)
  });

  commands.addCommand(CommandIDs.copyActive, {
    label: trans.__('Copy Active Access Token'),
    caption: () =>
      hasActive()
        ? trans.__(
            'Copy the active access token; the clipboard is cleared after a delay'
          )
        : trans.__('No access token is active.'),
    icon: args => (args['isPalette'] ? undefined : copyIcon),
    isEnabled: hasActive,
    describedBy: NO_ARGS,
    execute: async () => {
      const active = vault.active;
      if (active) {
        await copyToken(actions, active);
      }
    }
  });

  commands.addCommand(CommandIDs.insertSnippet, {
    label: trans.__('Insert ML Platform Client Snippet'),
    caption: trans.__(
      'Insert code that builds the ML Platform client from the environment variable, never the value'
    ),
    isEnabled: () => true,
    describedBy: NO_ARGS,
    execute: () => insertUsageSnippet(actions, shell, notebooks, consoles)
  });

  commands.addCommand(CommandIDs.removeAll, {
    label: trans.__('Remove All Saved Tokens…'),
    caption: () =>
      vault.tokens.length > 0
        ? trans.__('Remove every saved access token from this server')
        : trans.__('No access token is saved.'),
    icon: args => (args['isPalette'] ? undefined : deleteIcon),
    isEnabled: () => vault.tokens.length > 0,
    describedBy: NO_ARGS,
    execute: () => removeAllTokens(actions)
  });

  // Enabled states follow the vault.
  vault.changed.connect(() => commands.notifyCommandChanged());
}

/**
 * Add the Administrator commands: create a registration token, refresh and
 * delete project tokens. Their dialogs are bundled with the rest: a lazily
 * loaded chunk of them cost 1.6 KB of gzipped JS more than the few
 * kilobytes it kept out of the start (DESIGN.md §6 budgets both).
 */
export function addProjectCommands(
  app: JupyterFrontEnd,
  deps: IProjectActionDeps
): void {
  const { project, trans } = deps;
  const commands = app.commands;
  const model = project.tokens;
  const isAdmin = () => model.isAdmin;
  const adminCaption = (enabled: string) => () =>
    model.activeName === null
      ? trans.__('Add or activate an Administrator access token first.')
      : isAdmin()
        ? enabled
        : trans.__(
            'The active token is a User token; this needs an Administrator token.'
          );

  commands.addCommand(CommandIDs.createRegistration, {
    label: trans.__('Create Registration Token…'),
    caption: adminCaption(
      trans.__(
        'Create a single-use registration token a colleague redeems for an access token'
      )
    ),
    isEnabled: isAdmin,
    describedBy: NO_ARGS,
    execute: async () => {
      await createRegistrationToken(deps);
    }
  });

  commands.addCommand(CommandIDs.refreshProjectTokens, {
    label: trans.__('Refresh Project Tokens'),
    caption: adminCaption(trans.__("Reload the project's access tokens")),
    icon: args => (args['isPalette'] ? undefined : refreshIcon),
    isEnabled: isAdmin,
    describedBy: NO_ARGS,
    execute: async () => {
      await refreshProjectTokens(model);
    }
  });

  commands.addCommand(CommandIDs.deleteProjectToken, {
    label: trans.__('Delete Project Token…'),
    caption: adminCaption(
      trans.__("Delete one of the project's access tokens on the platform")
    ),
    icon: args => (args['isPalette'] ? undefined : deleteIcon),
    isEnabled: isAdmin,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          name: {
            type: 'string',
            description: trans.__(
              'Name of the access token to delete; without it a picker opens'
            )
          }
        }
      }
    },
    execute: async args => {
      const name = typeof args['name'] === 'string' ? args['name'] : undefined;
      await deleteProjectToken(deps, name);
    }
  });

  model.stateChanged.connect(() => commands.notifyCommandChanged());
}
