import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  refreshIcon,
  SidePanel,
  ToolbarButton
} from '@jupyterlab/ui-components';

import { keyIcon } from '../icons';
import { StatusModel } from '../server/status';
import { StatusView } from './StatusView';

/**
 * The left-sidebar panel "ML Platform Tokens".
 */
export class TokensPanel extends SidePanel {
  constructor(options: TokensPanel.IOptions) {
    super({ translator: options.translator });
    const { model, trans } = options;
    this.id = TokensPanel.ID;
    this.addClass('jp-mlpTokens-panel');
    this.title.icon = keyIcon;
    this.title.caption = trans.__('ML Platform Tokens');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('ML Platform Tokens'));

    const heading = document.createElement('h2');
    heading.className = 'jp-mlpTokens-title';
    heading.textContent = trans.__('ML Platform Tokens');
    this.header.node.appendChild(heading);

    // The toolbar button takes its aria-label from the tooltip.
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        onClick: () => void model.refresh(),
        tooltip: trans.__('Refresh the server status')
      })
    );

    const status = new StatusView({ model, trans });
    status.title.label = trans.__('Server');
    this.addWidget(status);
  }
}

export namespace TokensPanel {
  /**
   * The id of the panel in the application shell.
   */
  export const ID = 'jp-mlpTokens-panel';

  export interface IOptions {
    model: StatusModel;
    trans: TranslationBundle;
    translator: ITranslator;
  }
}
