import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { addCommands, CommandIDs, paletteCategory } from './commands';
import { StatusModel } from './server/status';
import { ITokensPanel } from './tokens';
// The sidebar tab must exist as soon as the application starts.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { TokensPanel } from './widgets/TokensPanel';

/**
 * The translation domain of the extension.
 */
const DOMAIN = 'jupyterlab_mlplatform_tokens';

/**
 * The tokens sidebar panel and its palette entry.
 */
const panelPlugin: JupyterFrontEndPlugin<ITokensPanel> = {
  id: 'jupyterlab-mlplatform-tokens:plugin',
  description:
    'Adds the ML Platform Tokens sidebar panel and its command-palette entry.',
  autoStart: true,
  provides: ITokensPanel,
  optional: [ITranslator, ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): ITokensPanel => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const model = new StatusModel({
      serverSettings: app.serviceManager.serverSettings
    });
    const panel = new TokensPanel({
      model,
      trans,
      translator: translator ?? nullTranslator
    });
    panel.disposed.connect(() => model.dispose());
    app.shell.add(panel, 'left', { rank: 850, type: 'ML Platform Tokens' });
    if (restorer) {
      restorer.add(panel, TokensPanel.ID);
    }

    addCommands(app, { shell: app.shell, panelId: panel.id, trans });
    if (palette) {
      palette.addItem({
        command: CommandIDs.openPanel,
        category: paletteCategory(trans)
      });
    }

    void model.refresh();
    return { id: panel.id };
  }
};

export default [panelPlugin];
