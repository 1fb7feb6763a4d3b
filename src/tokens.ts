/**
 * The extension's DI tokens and the interfaces they are typed by.
 *
 * A leaf: this module imports packages only, so every other module can
 * import it and no import circle can pass through it. The classes that
 * provide the tokens implement these interfaces; the shapes of the
 * contract restated here are checked against the generated API types by
 * test/structure/contract-types.test.ts.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

/**
 * The environment variable that carries the active token unless the server
 * names others (`env_names` in its status).
 */
export const DEFAULT_ENV_NAME = 'MLP_REFRESH_TOKEN';

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
   * How the server part reaches ML Platform: the HTTP pipe to `api_url`,
   * the vendor's library (`mlplatform_client`), or neither (absent from
   * older servers).
   */
  readonly backend?: 'http' | 'library' | null;
  /**
   * The installed `mlplatform_client` version, with the library backend.
   */
  readonly library_version?: string | null;
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
 * What is known about the server extension.
 */
export type StatusState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly status: IServerStatus }
  | { readonly kind: 'error'; readonly message: string }
  /**
   * The Jupyter server has no such route: the server part is not running
   * there (installed after the server started, or not enabled).
   */
  | { readonly kind: 'not-running' };

/**
 * A model of the server extension's status endpoint.
 */
export interface IStatusModel {
  /**
   * The current state.
   */
  readonly state: StatusState;
  /**
   * Emitted whenever the state changes.
   */
  readonly stateChanged: ISignal<IStatusModel, StatusState>;
  /**
   * Ask the server again. Concurrent calls share one request.
   */
  refresh(): Promise<void>;
}

/**
 * The DI token of the server extension's status.
 */
export const IServerStatusModel = new Token<IStatusModel>(
  'jupyterlab-mlplatform-tokens:IServerStatusModel',
  'The status of the ML Platform tokens server extension.'
);

/**
 * Role of an access token (the contract's `TokenType`).
 */
export type TokenRole = 'USER' | 'ADMIN';

/**
 * A saved access token as the browser sees it: no value, a fingerprint.
 */
export interface ISavedToken {
  readonly id: string;
  readonly label: string;
  /** `****abcd`: the last four characters. */
  readonly fingerprint: string;
  /** The token's name on the platform. */
  readonly name: string;
  readonly role: TokenRole;
  readonly issuer: string;
  /** RFC 3339 expiry, or null when the token never expires. */
  readonly expires_at: string | null;
  readonly added_at: string;
  readonly verified_at: string | null;
  readonly active: boolean;
}

/**
 * The vault's list endpoint's answer.
 */
export interface IVaultState {
  readonly tokens: readonly ISavedToken[];
  readonly active_id: string | null;
}

/**
 * What who-am-i said about a token, saved with it.
 */
export interface ITokenMetadata {
  readonly name: string;
  readonly role: TokenRole;
  readonly issuer: string;
  readonly expires_at: string | null;
}

/**
 * The add endpoint's answer, as far as the browser reads it (the server
 * also sends `active_id` and its sentence; the vault reads the list afresh
 * and the actions word their own).
 */
export interface IAddResult {
  readonly token: ISavedToken;
  /** False when the same value was already saved (the existing record). */
  readonly created: boolean;
}

/**
 * A note about a registration token handed out (never its value).
 */
export interface IInvitation {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly expires_at: string;
  readonly refresh_ttl: string | null;
  readonly created_at: string;
}

/**
 * The active token as far as kernels and views need to know: which record
 * and its fingerprint, never the value.
 */
export interface IActiveToken {
  readonly id: string;
  readonly fingerprint: string;
}

/**
 * The browser's model of the server vault. It holds metadata only; a value
 * is fetched on demand and handed to the caller, never kept.
 */
export interface IVaultModel extends IDisposable {
  /** Saved tokens, in the order the server keeps them. */
  readonly tokens: readonly ISavedToken[];
  /** The active token, or null. */
  readonly active: ISavedToken | null;
  /** Whether the state was read from the server at least once. */
  readonly loaded: boolean;
  /** Why the saved tokens could not be read, while they never were. */
  readonly loadError: unknown;
  /** Emitted after every change of the saved tokens, and a failed first read. */
  readonly changed: ISignal<IVaultModel, IVaultState>;
  /** Emitted when the active token changes (another record, its value, or none). */
  readonly activeChanged: ISignal<IVaultModel, IActiveToken | null>;
  /** Emitted with the error of every request to the vault that failed. */
  readonly failed: ISignal<IVaultModel, unknown>;
  /** Read the saved tokens again (never joins a read older than a write). */
  refresh(): Promise<void>;
  /** Save a verified token, optionally making it active. */
  add(
    value: string,
    metadata: ITokenMetadata,
    options?: { label?: string; activate?: boolean }
  ): Promise<IAddResult>;
  rename(id: string, label: string): Promise<void>;
  /** Record what a fresh who-am-i said about a saved token. */
  verified(id: string, metadata: ITokenMetadata): Promise<void>;
  activate(id: string): Promise<void>;
  deactivate(): Promise<void>;
  remove(id: string): Promise<void>;
  /** Fetch one token's value for a call or a copy. The caller must not keep it. */
  value(id: string): Promise<string>;
  /** The active token's value, or null when none is active. */
  activeValue(): Promise<string | null>;
  invitations(): Promise<readonly IInvitation[]>;
  addInvitation(
    invitation: Omit<IInvitation, 'id' | 'created_at'>
  ): Promise<IInvitation>;
  removeInvitation(id: string): Promise<void>;
}

/**
 * The DI token of the browser's model of the server vault (metadata only).
 */
export const IVaultModel = new Token<IVaultModel>(
  'jupyterlab-mlplatform-tokens:IVaultModel',
  'The saved ML Platform access tokens and which one is active.'
);

/**
 * Description of an access token (the contract's `TokenInfo`).
 */
export interface ITokenInfo {
  id: string;
  name: string;
  type: TokenRole;
  issuer_name: string;
  created_at: string;
  exp: string | null;
}

/**
 * A registration token as created (the contract's `RegisterToken`).
 */
export interface IRegisterToken {
  register_token: string;
  client_name: string;
  token_type: TokenRole;
  expires_at: string;
  refresh_ttl: string | null;
}

/**
 * A typed client of the ML Platform API (`MLPlatformClient` in `api/`).
 */
export interface IPlatformClient {
  /** Describe the access token in use. */
  whoAmI(request?: IPlatformClient.IRequestOptions): Promise<ITokenInfo>;
  /** The project's access tokens (Administrator tokens). */
  listProjectTokens(
    request?: IPlatformClient.IRequestOptions
  ): Promise<ITokenInfo[]>;
  deleteToken(
    name: string,
    request?: IPlatformClient.IRequestOptions
  ): Promise<void>;
  createRegistrationToken(
    input: IPlatformClient.IRegistrationTokenRequest,
    request?: IPlatformClient.IRequestOptions
  ): Promise<IRegisterToken>;
  /** Mint an access token; its description is sent unchecked. */
  redeemRegistrationToken(
    value: string,
    request?: IPlatformClient.IRequestOptions
  ): Promise<{ readonly refresh_token: string; readonly token: unknown }>;
  /** Drop the bearer kept in memory. */
  forgetBearer(): void;
}

export namespace IPlatformClient {
  /**
   * Per-call options.
   */
  export interface IRequestOptions {
    /** Aborts the call, including any pending retry wait. */
    signal?: AbortSignal;
  }

  /**
   * What an administrator fixes when creating a registration token.
   */
  export interface IRegistrationTokenRequest {
    /** Name of the access token that redeeming will mint. */
    clientName: string;
    /** Role of that access token. */
    role: TokenRole;
    /** How long the registration token stays redeemable (`2h45m30s` or seconds). */
    accessTtl: string | number;
    /** Lifetime of the minted access token; omitted or null: never expires. */
    refreshTtl?: string | number | null;
  }
}

/**
 * Typed clients of the ML Platform API through the server's upstream pipe.
 */
export interface IPlatformConnection {
  /** The client of the active token. */
  readonly active: IPlatformClient;
  /** A client for a token that is not saved yet (none: for redeeming). */
  forToken(token?: string): IPlatformClient;
}

/**
 * The DI token of the typed ML Platform API clients.
 */
export const IPlatformConnection = new Token<IPlatformConnection>(
  'jupyterlab-mlplatform-tokens:IPlatformConnection',
  'Typed ML Platform API clients for the active token and for pasted tokens.'
);

/**
 * How the active token stands with the platform.
 */
export type Verification =
  'none' | 'checking' | 'verified' | 'expired' | 'deleted' | 'unreachable';

/**
 * The platform's word on the active token.
 */
export interface IActiveTokenStatus {
  readonly verification: Verification;
  /** The failure behind 'unreachable', 'expired' or 'deleted', if any. */
  readonly error: unknown;
  readonly changed: ISignal<IActiveTokenStatus, Verification>;
  /** Ask the platform about the active token now. */
  check(): Promise<Verification>;
}

/**
 * The user settings of the extension (none of them holds a secret).
 */
export interface ITokenSettings {
  /** Hours before expiry at which to warn; default 7 days, 1 day, 1 hour. */
  readonly expiryWarningHours: readonly number[];
  /** Seconds after which a copied value is cleared from the clipboard. */
  readonly clipboardClearSeconds: number;
  /** Seconds between automatic refreshes of the project list; 0 = off. */
  readonly projectRefreshSeconds: number;
  /** Whether to list pending invitations (registration tokens handed out). */
  readonly showInvitations: boolean;
}

/**
 * The current settings, following the settings editor.
 */
export interface ISettingsModel {
  readonly current: ITokenSettings;
  readonly changed: ISignal<ISettingsModel, ITokenSettings>;
}

/**
 * Copies secrets to the clipboard and clears them a while later if the
 * clipboard still holds them (`ShowOnceClipboard`).
 */
export interface ISecretClipboard {
  /** Seconds after a copy before the clipboard is cleared; 0 = never. */
  clearAfterSeconds: number;
  /** Copy `text` and schedule the clear; rejects when the browser refuses. */
  copy(text: string): Promise<void>;
}

/**
 * What the token actions work with.
 */
export interface IActionContext {
  readonly vault: IVaultModel;
  readonly connection: IPlatformConnection;
  readonly verification: IActiveTokenStatus;
  readonly status: IStatusModel;
  readonly trans: TranslationBundle;
  /** The user settings (clipboard clear delay and others). */
  readonly settings: ISettingsModel;
  /** The one clipboard guard of copied secrets (follows the settings). */
  readonly clipboard: ISecretClipboard;
}

/**
 * The DI token of what token actions work with: models, connection,
 * settings, translations.
 */
export const ITokenActions = new Token<IActionContext>(
  'jupyterlab-mlplatform-tokens:ITokenActions',
  'The models and settings the ML Platform token actions work with.'
);
