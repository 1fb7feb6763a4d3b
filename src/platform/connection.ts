import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';

import { type IMLPlatformClientOptions, MLPlatformClient } from '../api';
import { NAMESPACE } from '../server/request';
import type { IPlatformConnection, IVaultModel } from '../tokens';

/**
 * The header the upstream pipe turns into the upstream `Authorization`
 * (Jupyter itself uses `Authorization` for its own token).
 */
export const PIPE_AUTH_HEADER = 'X-MLPlatform-Authorization';

/**
 * Typed clients of the ML Platform API that go through the server's
 * upstream pipe: one for the active token, others for a given token.
 */
export class PlatformConnection implements IPlatformConnection, IDisposable {
  constructor(options: PlatformConnection.IOptions) {
    this._vault = options.vault;
    const settings = options.serverSettings;
    this._base = {
      baseUrl: URLExt.join(settings.baseUrl, NAMESPACE, 'upstream'),
      authorizationHeader: PIPE_AUTH_HEADER,
      // 'no-cache' rather than JupyterLab's default 'no-store', which adds
      // a cache-busting query string the pipe rightly refuses; the server
      // answers with Cache-Control: no-store anyway.
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        ServerConnection.makeRequest(
          typeof input === 'string' ? input : input.toString(),
          { ...init, cache: 'no-cache' },
          settings
        )
    };
    this._active = this._build();
    this._vault.activeChanged.connect(this._onActiveChanged, this);
  }

  /**
   * The client of the active token. It reads the value from the server
   * vault when it needs a bearer and keeps only the bearer in memory.
   */
  get active(): MLPlatformClient {
    return this._active;
  }

  /**
   * A client for a token that is not saved yet (e.g. to verify a pasted
   * value, or to redeem a registration token, which needs no token).
   */
  forToken(token?: string): MLPlatformClient {
    return new MLPlatformClient({ ...this._base, refreshToken: token });
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._vault.activeChanged.disconnect(this._onActiveChanged, this);
    this._active.forgetBearer();
  }

  private _build(): MLPlatformClient {
    return new MLPlatformClient({
      ...this._base,
      refreshToken: async () => {
        const value = await this._vault.activeValue();
        if (value === null) {
          throw new NoActiveTokenError();
        }
        return value;
      }
    });
  }

  private _onActiveChanged(): void {
    // A new client: no bearer of the old token can be used for the new one.
    this._active.forgetBearer();
    this._active = this._build();
  }

  private _vault: IVaultModel;
  private _base: Omit<IMLPlatformClientOptions, 'refreshToken'>;
  private _active: MLPlatformClient;
  private _isDisposed = false;
}

/**
 * No access token is active, so there is nothing to call the API with.
 */
export class NoActiveTokenError extends Error {
  constructor() {
    super('No access token is active.');
    this.name = 'NoActiveTokenError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export namespace PlatformConnection {
  export interface IOptions {
    vault: IVaultModel;
    serverSettings: ServerConnection.ISettings;
  }
}
