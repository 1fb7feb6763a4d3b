import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { IActionContext } from './actions';
import { PlatformConnection } from './platform/connection';
import { StatusModel } from './server/status';
import { VaultModel } from './vault/model';

/**
 * What `GET /mlplatform-tokens/status` answers.
 */
export interface IServerStatus {
  /**
   * Version of the server extension.
   */
  readonly version: string;
  /**
   * Whether an ML Platform API URL is configured on the server.
   */
  readonly api_configured: boolean;
  /**
   * The configured API URL without credentials or query ('' when none).
   */
  readonly api_url: string;
  /**
   * Environment variables that carry the active token (e.g. MLP_REFRESH_TOKEN).
   */
  readonly env_names?: readonly string[];
  /**
   * Whether token values are redacted from notebooks on save.
   */
  readonly redact_on_save?: boolean;
  /**
   * The vault file and any problem found with it.
   */
  readonly vault?: {
    readonly path: string;
    readonly path_problem:
      | (IServerMessage & {
          readonly moved_to: string | null;
        })
      | null;
    readonly error: string | null;
    /**
     * The same error as a code and parameters, for the frontend to word.
     */
    readonly error_info?: IServerMessage | null;
  };
}

/**
 * What the server part says to the user: its English sentence, and the
 * same as a stable code with parameters (absent from older servers).
 */
export interface IServerMessage {
  readonly message: string;
  readonly code?: string | null;
  readonly params?: Readonly<Record<string, string | number>>;
}

/**
 * The tokens sidebar panel, for plugins that add to it or reveal it.
 */
export interface ITokensPanel {
  /**
   * The id of the panel widget in the application shell.
   */
  readonly id: string;
  /**
   * Add a collapsible section; sections are ordered by rank (lower first).
   * The section's `title.label` names it.
   */
  addSection(widget: Widget, rank: number): void;
  /**
   * Emitted when the user asks the panel to refresh everything.
   */
  readonly refreshRequested: ISignal<ITokensPanel, void>;
}

/**
 * The DI token of the tokens sidebar panel.
 */
export const ITokensPanel = new Token<ITokensPanel>(
  'jupyterlab-mlplatform-tokens:ITokensPanel',
  'The ML Platform tokens sidebar panel.'
);

/**
 * The browser's model of the server vault (metadata only).
 */
export const IVaultModel = new Token<VaultModel>(
  'jupyterlab-mlplatform-tokens:IVaultModel',
  'The saved ML Platform access tokens and which one is active.'
);

/**
 * The server extension's status.
 */
export const IServerStatusModel = new Token<StatusModel>(
  'jupyterlab-mlplatform-tokens:IServerStatusModel',
  'The status of the ML Platform tokens server extension.'
);

/**
 * What one running kernel carries.
 */
export interface IKernelTokenState {
  readonly kernelId: string;
  /** Display name, e.g. the notebook path or the kernel spec name. */
  readonly name: string;
  /** Kernel language as the kernel spec says ('python', 'R', 'julia', ...). */
  readonly language: string;
  /** Fingerprint of the token the kernel carries, or null for none. */
  readonly fingerprint: string | null;
  /** Whether this kernel's language can be updated live. */
  readonly supported: boolean;
  /** 'synced', 'pending', or 'failed'. */
  readonly sync: 'synced' | 'pending' | 'failed';
}

/**
 * Live sync of the active token into running kernels.
 */
export interface IKernelSync {
  /**
   * The running kernels and what they carry.
   */
  readonly kernels: readonly IKernelTokenState[];
  /**
   * Emitted whenever `kernels` changes.
   */
  readonly changed: ISignal<IKernelSync, readonly IKernelTokenState[]>;
  /**
   * Send the active token to every running kernel now.
   */
  syncNow(): Promise<void>;
}

/**
 * The DI token of the kernel sync.
 */
export const IKernelSync = new Token<IKernelSync>(
  'jupyterlab-mlplatform-tokens:IKernelSync',
  'Keeps running kernels in step with the active ML Platform access token.'
);

/**
 * Typed clients of the ML Platform API through the server's upstream pipe.
 */
export const IPlatformConnection = new Token<PlatformConnection>(
  'jupyterlab-mlplatform-tokens:IPlatformConnection',
  'Typed ML Platform API clients for the active token and for pasted tokens.'
);

/**
 * What token actions work with: models, connection, settings, translations.
 */
export const ITokenActions = new Token<IActionContext>(
  'jupyterlab-mlplatform-tokens:ITokenActions',
  'The models and settings the ML Platform token actions work with.'
);
