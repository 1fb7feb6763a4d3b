import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The URL namespace of the server extension.
 */
export const NAMESPACE = 'mlplatform-tokens';

/**
 * A request to the server extension failed.
 *
 * The message is the server's own sentence when it sent one; it never
 * carries a request body.
 */
export class ServerExtensionError extends Error {
  constructor(
    message: string,
    readonly status: number | null
  ) {
    super(message);
    this.name = 'ServerExtensionError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * Call an endpoint of the server extension and parse its JSON answer.
 *
 * @param endPoint - path below `/mlplatform-tokens/`
 * @param init - fetch options
 * @param serverSettings - the application's server settings
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit,
  serverSettings: ServerConnection.ISettings
): Promise<T> {
  const url = URLExt.join(serverSettings.baseUrl, NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, serverSettings);
  } catch (error) {
    throw new ServerExtensionError(
      error instanceof Error ? error.message : String(error),
      null
    );
  }
  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ServerExtensionError(
        `Unexpected answer from the server (HTTP ${response.status}).`,
        response.status
      );
    }
  }
  if (!response.ok) {
    const message =
      data !== null &&
      typeof data === 'object' &&
      'message' in data &&
      typeof data.message === 'string'
        ? data.message
        : `HTTP ${response.status} ${response.statusText}`.trim();
    throw new ServerExtensionError(message, response.status);
  }
  return data as T;
}
