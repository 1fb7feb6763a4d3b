/* eslint-disable jupyter/prefer-lazy-imports -- every plugin here provides a
   service or a sidebar tab that must exist as soon as the application starts */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import * as actions from './vault/actions';
import {
  addCommands,
  addProjectCommands,
  CommandIDs,
  PALETTE_COMMANDS,
  paletteCategory,
  PROJECT_PALETTE_COMMANDS
} from './commands';
import { KernelSync } from './kernels/sync';
import { PlatformConnection } from './platform/connection';
import { InvitationsModel } from './project/invitations';
import { ProjectTokensModel } from './project/model';
import { IProjectTokensModel } from './project/context';
import { StatusModel } from './server/status';
import { TokenSettings } from './settings';
import { describeExpiry } from './time';
import {
  type IActionContext,
  IKernelSync,
  IPlatformConnection,
  IServerStatusModel,
  type IStatusModel,
  ITokenActions,
  ITokensPanel,
  IVaultModel
} from './tokens';
import { ExpiryWatcher } from './vault/expiry';
import { VaultModel } from './vault/model';
import { ActiveTokenStatus } from './vault/verification';
import { ActiveTokenSection } from './widgets/ActiveTokenSection';
import { ShowOnceClipboard } from './clipboard';
import { KernelsSection } from './widgets/KernelsSection';
import { ProjectTokensSection } from './widgets/ProjectTokensSection';
import { RegistrationSection } from './widgets/RegistrationSection';
import { SavedTokensSection } from './widgets/SavedTokensSection';
import { TokenStatusItem } from './widgets/StatusBarItem';
import { TokensPanel } from './widgets/TokensPanel';

/**
 * The translation domain of the extension.
 */
const DOMAIN = 'jupyterlab_mlplatform_tokens';

/**
 * How often the server status is read again while the page is visible.
 */
const STATUS_REFRESH_MS = 5 * 60_000;

/**
 * How often the saved tokens are read again while the page is visible, to
 * follow other tabs (with the status: under one request a minute).
 */
const VAULT_REFRESH_MS = 2 * 60_000;

/**
 * The id of the plugin whose schema holds the settings.
 */
const SETTINGS_ID = 'jupyterlab-mlplatform-tokens:plugin';

/**
 * The model of the saved tokens (metadata only).
 */
const vaultPlugin: JupyterFrontEndPlugin<IVaultModel> = {
  id: 'jupyterlab-mlplatform-tokens:vault',
  description: 'Provides the model of the saved ML Platform access tokens.',
  autoStart: true,
  provides: IVaultModel,
  activate: (app: JupyterFrontEnd): IVaultModel => {
    const vault = new VaultModel({
      serverSettings: app.serviceManager.serverSettings,
      refreshEveryMs: VAULT_REFRESH_MS
    });
    // Nothing of ours is needed to draw the shell: the first read (and what
    // follows from it - the active token's check, its value for the kernels,
    // the project's tokens) waits until the layout is restored, so that it
    // does not compete with JupyterLab's own start-up requests.
    void app.restored
      .then(() => vault.refresh())
      .catch(() => {
        // The panel's server section explains why the server did not answer.
      });
    return vault;
  }
};

/**
 * Typed clients of the ML Platform API through the upstream pipe.
 */
const connectionPlugin: JupyterFrontEndPlugin<IPlatformConnection> = {
  id: 'jupyterlab-mlplatform-tokens:connection',
  description:
    'Provides typed ML Platform API clients that go through the server.',
  autoStart: true,
  provides: IPlatformConnection,
  requires: [IVaultModel],
  activate: (app: JupyterFrontEnd, vault: IVaultModel): IPlatformConnection =>
    new PlatformConnection({
      vault,
      serverSettings: app.serviceManager.serverSettings
    })
};

/**
 * The server extension's status.
 */
const statusPlugin: JupyterFrontEndPlugin<IStatusModel> = {
  id: 'jupyterlab-mlplatform-tokens:status',
  description: 'Provides the status of the ML Platform tokens server part.',
  autoStart: true,
  provides: IServerStatusModel,
  requires: [IVaultModel],
  activate: (app: JupyterFrontEnd, vault: IVaultModel): IStatusModel => {
    // Re-read when the vault fails or empties at once, and now and then:
    // a vault the server sets aside while the page is open is then shown.
    const status = new StatusModel({
      serverSettings: app.serviceManager.serverSettings,
      vault,
      refreshEveryMs: STATUS_REFRESH_MS
    });
    void app.restored.then(() => status.refresh());
    return status;
  }
};

/**
 * Settings, the active token's verification, and what actions need.
 */
const actionsPlugin: JupyterFrontEndPlugin<IActionContext> = {
  id: 'jupyterlab-mlplatform-tokens:actions',
  description:
    'Provides the models, settings and translations the token actions use.',
  autoStart: true,
  provides: ITokenActions,
  requires: [IVaultModel, IPlatformConnection, IServerStatusModel],
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    vault: IVaultModel,
    connection: IPlatformConnection,
    status: IStatusModel,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IActionContext => {
    const settings = new TokenSettings();
    // One guard for every copied secret: a new copy replaces the old one.
    const clipboard = new ShowOnceClipboard();
    const follow = () => {
      clipboard.clearAfterSeconds = settings.current.clipboardClearSeconds;
    };
    follow();
    settings.changed.connect(follow);
    if (registry) {
      void registry
        .load(SETTINGS_ID)
        .then(loaded => settings.follow(loaded))
        .catch(() => {
          // Defaults apply when the settings cannot be read.
        });
    }
    // The vault plugin's first load changes the active token, which starts
    // the check; only a load that finished already needs one here.
    const verification = new ActiveTokenStatus({ vault, connection });
    if (vault.loaded) {
      void verification.check();
    }
    return {
      vault,
      connection,
      verification,
      status,
      settings,
      clipboard,
      trans: (translator ?? nullTranslator).load(DOMAIN)
    };
  }
};

/**
 * Live sync of the active token into running kernels.
 */
const kernelSyncPlugin: JupyterFrontEndPlugin<IKernelSync> = {
  id: 'jupyterlab-mlplatform-tokens:kernel-sync',
  description:
    'Sends the active ML Platform access token to running kernels when it changes.',
  autoStart: true,
  provides: IKernelSync,
  requires: [IVaultModel, IServerStatusModel],
  optional: [INotebookTracker, IConsoleTracker, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    vault: IVaultModel,
    status: IStatusModel,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null,
    translator: ITranslator | null
  ): IKernelSync =>
    new KernelSync({
      vault,
      status,
      sessions: app.serviceManager.sessions,
      kernelspecs: app.serviceManager.kernelspecs,
      kernels: app.serviceManager.kernels,
      notebooks,
      consoles,
      trans: (translator ?? nullTranslator).load(DOMAIN)
    })
};

/**
 * The tokens sidebar panel, its sections, the commands and the palette.
 */
const panelPlugin: JupyterFrontEndPlugin<ITokensPanel> = {
  id: SETTINGS_ID,
  description:
    'Adds the ML Platform Tokens sidebar panel, its commands and palette entries.',
  autoStart: true,
  provides: ITokensPanel,
  requires: [ITokenActions],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    INotebookTracker,
    IConsoleTracker,
    IKernelSync
  ],
  activate: (
    app: JupyterFrontEnd,
    context: IActionContext,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null,
    kernelSync: IKernelSync | null
  ): ITokensPanel => {
    const { trans, vault, verification } = context;
    const panel = new TokensPanel({
      model: context.status,
      trans,
      translator: translator ?? nullTranslator
    });
    panel.refreshRequested.connect(() => {
      void vault.refresh().then(
        () => verification.check(),
        () => undefined
      );
    });
    const run = (command: string) => () => void app.commands.execute(command);
    panel.addSection(
      new ActiveTokenSection({
        vault,
        verification,
        trans,
        onAdd: run(CommandIDs.addToken),
        onRedeem: run(CommandIDs.redeem)
      }),
      100
    );
    panel.addSection(
      new SavedTokensSection({
        vault,
        trans,
        actions: {
          add: run(CommandIDs.addToken),
          redeem: run(CommandIDs.redeem),
          activate: token => void actions.activate(context, token),
          copy: token => void actions.copyToken(context, token),
          reveal: token => vault.value(token.id),
          rename: token => void actions.renameToken(context, token),
          remove: token => void actions.removeToken(context, token)
        }
      }),
      200
    );
    if (kernelSync) {
      panel.addSection(new KernelsSection({ sync: kernelSync, trans }), 500);
    }
    app.shell.add(panel, 'left', { rank: 850, type: 'ML Platform Tokens' });
    if (restorer) {
      restorer.add(panel, TokensPanel.ID);
    }

    addCommands(app, {
      shell: app.shell,
      panelId: panel.id,
      actions: context,
      notebooks,
      consoles
    });
    if (palette) {
      const category = paletteCategory(trans);
      for (const command of PALETTE_COMMANDS) {
        palette.addItem({ command, category });
      }
    }
    return {
      id: panel.id,
      addSection: (widget, rank) => panel.addSection(widget, rank),
      refreshRequested: panel.refreshRequested
    };
  }
};

/**
 * The project's access tokens and registration tokens (Administrator
 * tokens): two panel sections and their commands.
 */
const projectPlugin: JupyterFrontEndPlugin<IProjectTokensModel> = {
  id: 'jupyterlab-mlplatform-tokens:project',
  description:
    "Lists, deletes and invites the ML Platform project's access tokens (Administrator tokens).",
  autoStart: true,
  provides: IProjectTokensModel,
  requires: [ITokensPanel, ITokenActions],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    panel: ITokensPanel,
    context: IActionContext,
    palette: ICommandPalette | null
  ): IProjectTokensModel => {
    const { vault, connection, settings, trans } = context;
    const project: IProjectTokensModel = {
      tokens: new ProjectTokensModel({
        client: () => connection.active,
        source: vault,
        trans
      }),
      invitations: new InvitationsModel({ store: vault, trans }),
      clipboard: context.clipboard
    };
    const follow = () => {
      const current = settings.current;
      project.tokens.refreshInterval = current.projectRefreshSeconds;
      project.invitations.visible = current.showInvitations;
    };
    follow();
    settings.changed.connect(follow);

    const deps = { project, trans };
    addProjectCommands(app, deps);
    const run = (command: string, args = {}) =>
      void app.commands.execute(command, args);
    panel.addSection(
      new ProjectTokensSection({
        model: project.tokens,
        trans,
        onDelete: name => run(CommandIDs.deleteProjectToken, { name })
      }),
      300
    );
    panel.addSection(
      new RegistrationSection({
        model: project.tokens,
        invitations: project.invitations,
        trans,
        onCreate: () => run(CommandIDs.createRegistration)
      }),
      400
    );
    panel.refreshRequested.connect(() => {
      void project.tokens.refresh();
      void project.invitations.refresh();
    });
    if (palette) {
      const category = paletteCategory(trans);
      for (const command of PROJECT_PALETTE_COMMANDS) {
        palette.addItem({ command, category });
      }
    }

    void app.restored.then(() => {
      void project.tokens.refresh();
      void project.invitations.refresh();
    });
    return project;
  }
};

/**
 * The status-bar item and the expiry warnings.
 */
const statusBarPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-mlplatform-tokens:status-bar',
  description:
    'Shows the active token and its time to expiry in the status bar, and warns before it expires.',
  autoStart: true,
  requires: [ITokenActions, ITokensPanel],
  optional: [IStatusBar],
  activate: (
    app: JupyterFrontEnd,
    context: IActionContext,
    panel: ITokensPanel,
    statusBar: IStatusBar | null
  ): void => {
    const { vault, settings, trans } = context;
    const expiry = new ExpiryWatcher({
      vault,
      windowsHours: settings.current.expiryWarningHours
    });
    settings.changed.connect((_, current) => {
      expiry.windowsHours = current.expiryWarningHours;
    });
    expiry.windowEntered.connect(() => {
      const active = vault.active;
      if (active) {
        Notification.warning(
          trans.__(
            'The access token "%1" %2 — add a new one before it does.',
            active.label,
            describeExpiry(active.expires_at, trans)
          ),
          {
            autoClose: false,
            actions: [
              {
                label: trans.__('Open Tokens Panel'),
                callback: () => app.shell.activateById(panel.id)
              }
            ]
          }
        );
      }
    });
    if (statusBar) {
      const item = new TokenStatusItem({
        vault,
        status: context.status,
        expiry,
        trans,
        onClick: () => app.shell.activateById(panel.id)
      });
      statusBar.registerStatusItem('jupyterlab-mlplatform-tokens:status', {
        item,
        align: 'left',
        rank: 900
      });
    }
  }
};

export default [
  vaultPlugin,
  connectionPlugin,
  statusPlugin,
  actionsPlugin,
  kernelSyncPlugin,
  panelPlugin,
  projectPlugin,
  statusBarPlugin
];

export * from './tokens';
export { IProjectTokensModel } from './project/context';
