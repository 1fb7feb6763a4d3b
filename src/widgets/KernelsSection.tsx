import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IKernelSync, IKernelTokenState } from '../tokens';

/**
 * Properties of the running-kernels list.
 */
interface IKernelsListProps {
  readonly kernels: readonly IKernelTokenState[];
  readonly trans: TranslationBundle;
}

/**
 * The running kernels with the token each carries and how its last sync went.
 */
export function KernelsList(props: IKernelsListProps): JSX.Element {
  const { kernels, trans } = props;
  if (kernels.length === 0) {
    return (
      <p className="jp-mlpTokens-muted jp-mlpTokens-kernels-empty">
        {trans.__('No kernels are running.')}
      </p>
    );
  }
  return (
    <ul
      className="jp-mlpTokens-kernels-list"
      aria-label={trans.__('Running kernels')}
    >
      {kernels.map(kernel => (
        <li
          key={kernel.kernelId}
          className="jp-mlpTokens-kernel"
          data-kernel-id={kernel.kernelId}
        >
          <span className="jp-mlpTokens-kernel-name" title={kernel.name}>
            {kernel.name}
          </span>
          <span className="jp-mlpTokens-kernel-language">
            {kernel.language}
          </span>
          <span className="jp-mlpTokens-kernel-fingerprint">
            {kernel.fingerprint ?? trans.__('none')}
          </span>
          <span
            className={`jp-mlpTokens-kernel-sync jp-mlpTokens-kernel-sync-${kernel.sync}`}
          >
            {syncLabel(kernel, trans)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function syncLabel(
  kernel: IKernelTokenState,
  trans: TranslationBundle
): string {
  if (!kernel.supported && kernel.sync !== 'synced') {
    return trans.__('at next restart');
  }
  switch (kernel.sync) {
    case 'synced':
      return trans.__('up to date');
    case 'pending':
      return trans.__('updating…');
    case 'failed':
      return trans.__('not updated');
  }
}

/**
 * The "Kernels" section of the tokens panel.
 */
export class KernelsSection extends ReactWidget {
  constructor(options: KernelsSection.IOptions) {
    super();
    this._sync = options.sync;
    this._trans = options.trans;
    this.addClass('jp-mlpTokens-kernels');
    this.title.label = this._trans.__('Kernels');
  }

  protected render(): JSX.Element {
    const trans = this._trans;
    return (
      <div className="jp-mlpTokens-body">
        <UseSignal signal={this._sync.changed} initialArgs={this._sync.kernels}>
          {(_, kernels) => (
            <KernelsList
              kernels={kernels ?? this._sync.kernels}
              trans={trans}
            />
          )}
        </UseSignal>
        <button
          type="button"
          className="jp-mlpTokens-kernels-sync jp-mod-styled"
          aria-label={trans.__(
            'Send the active token to every running kernel now'
          )}
          title={trans.__('Send the active token to every running kernel now')}
          disabled={this._busy}
          onClick={this._onSyncNow}
        >
          {trans.__('Sync now')}
        </button>
      </div>
    );
  }

  private _onSyncNow = (): void => {
    this._busy = true;
    this.update();
    void this._sync
      .syncNow()
      .catch(() => {
        // Each kernel's state shows what failed.
      })
      .finally(() => {
        this._busy = false;
        if (!this.isDisposed) {
          this.update();
        }
      });
  };

  private _sync: IKernelSync;
  private _trans: TranslationBundle;
  private _busy = false;
}

export namespace KernelsSection {
  export interface IOptions {
    /**
     * The kernel sync to show and drive.
     */
    sync: IKernelSync;
    /**
     * The extension's translation bundle.
     */
    trans: TranslationBundle;
  }
}
