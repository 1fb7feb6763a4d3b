import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  refreshIcon,
  SidePanel,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { type ISignal, Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';

import { keyIcon } from '../icons';
import type { IStatusModel } from '../tokens';
import { StatusView } from './StatusView';
import { VaultProblemView } from './VaultProblemView';

/**
 * The left-sidebar panel "ML Platform Tokens": a scrolling column of
 * collapsible sections, ordered by rank.
 *
 * Why not `SidePanel`'s accordion of `PanelWithToolbar` sections, as the
 * running-sessions panel has: an accordion splits the sidebar's height
 * among the open sections, and each scrolls on its own. The running panel
 * lists things of one kind in each section, and a long list is what it
 * shows; here the sections are short and of different kinds (the active
 * token and its check, the saved tokens, the project's list with its
 * filter, the registration form's notes, the kernels), read top to bottom,
 * and the project list of an Administrator can hold thousands of tokens,
 * which in an accordion would squeeze every other section to a sliver
 * with a scroll bar of its own. One column that scrolls as a whole keeps
 * every section at its natural height and one scroll position to follow
 * with the keyboard. Sections stay collapsible by their headings; which
 * ones are collapsed is not kept across reloads, since every section is
 * short when collapsed and open is the useful default.
 */
export class TokensPanel extends SidePanel {
  constructor(options: TokensPanel.IOptions) {
    super({ translator: options.translator, content: new Panel() });
    const { model, trans } = options;
    this.id = TokensPanel.ID;
    this.addClass('jp-mlpTokens-panel');
    this.content.addClass('jp-mlpTokens-content');
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
        onClick: () => {
          void model.refresh();
          this._refreshRequested.emit();
        },
        tooltip: trans.__('Refresh')
      })
    );

    // Above every section: what is wrong with the vault file, if anything.
    const problems = new VaultProblemView({ model, trans });
    this._ranks.set(problems, -Infinity);
    this.addWidget(problems);

    const status = new StatusView({ model, trans });
    status.title.label = trans.__('Server');
    this.addSection(status, 1000);

    // Without the server part, the notice alone says what to do: the
    // sections could only show what is not there.
    this._status = model;
    model.stateChanged.connect(this._showSections, this);
  }

  /**
   * Add a collapsible section named by the widget's `title.label`,
   * ordered by rank (lower first).
   */
  addSection(widget: Widget, rank: number): void {
    const section = new Panel();
    section.addClass('jp-mlpTokens-section');
    const header = document.createElement('h3');
    header.className = 'jp-mlpTokens-sectionTitle';
    const toggle = document.createElement('button');
    toggle.className = 'jp-mlpTokens-sectionToggle';
    toggle.setAttribute('aria-expanded', 'true');
    const caret = document.createElement('span');
    caretDownIcon.element({ container: caret, tag: 'span' });
    caret.className = 'jp-mlpTokens-caret';
    const label = document.createElement('span');
    label.textContent = widget.title.label;
    toggle.append(caret, label);
    toggle.addEventListener('click', () => {
      const expanded = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', expanded ? 'false' : 'true');
      widget.setHidden(expanded);
    });
    header.appendChild(toggle);
    section.addWidget(new Widget({ node: header }));
    section.addWidget(widget);

    this._ranks.set(section, rank);
    section.setHidden(this._status?.state.kind === 'not-running');
    const index = this.widgets.findIndex(
      other => (this._ranks.get(other) ?? Infinity) > rank
    );
    if (index === -1) {
      this.addWidget(section);
    } else {
      this.insertWidget(index, section);
    }
    widget.disposed.connect(() => {
      this._ranks.delete(section);
      section.dispose();
    });
  }

  /**
   * Emitted when the user asks to refresh everything.
   */
  get refreshRequested(): ISignal<this, void> {
    return this._refreshRequested;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._status?.stateChanged.disconnect(this._showSections, this);
    Signal.clearData(this);
    super.dispose();
  }

  private _showSections(): void {
    const hidden = this._status?.state.kind === 'not-running';
    for (const [widget, rank] of this._ranks) {
      if (rank !== -Infinity) {
        widget.setHidden(hidden);
      }
    }
  }

  private _status: IStatusModel | null = null;
  private _ranks = new Map<Widget, number>();
  private _refreshRequested = new Signal<this, void>(this);
}

export namespace TokensPanel {
  /**
   * The id of the panel in the application shell.
   */
  export const ID = 'jp-mlpTokens-panel';

  export interface IOptions {
    model: IStatusModel;
    trans: TranslationBundle;
    translator: ITranslator;
  }
}
