import { Token } from '@lumino/coreutils';

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
}

/**
 * The tokens sidebar panel, for plugins that add to it or reveal it.
 */
export interface ITokensPanel {
  /**
   * The id of the panel widget in the application shell.
   */
  readonly id: string;
}

/**
 * The DI token of the tokens sidebar panel.
 */
export const ITokensPanel = new Token<ITokensPanel>(
  'jupyterlab-mlplatform-tokens:ITokensPanel',
  'The ML Platform tokens sidebar panel.'
);
