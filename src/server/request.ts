import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The URL namespace of the server extension.
 */
export const NAMESPACE = 'mlplatform-tokens';

/**
 * The parameters of a server message: names to short texts or numbers.
 */
export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * The code of an answer that did not come from the server part at all: the
 * Jupyter server answered its own "not found" page, so the server part is
 * not running there (installed after the server started, or not enabled).
 */
export const NOT_RUNNING = 'server-part-not-running';

/**
 * A request to the server extension failed.
 *
 * The message is the server's own (English) sentence when it sent one; the
 * code and its parameters say the same for the frontend to put in the
 * user's language (`describeServerMessage`). It never carries a request
 * body.
 */
export class ServerExtensionError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null = null,
    readonly params: MessageParams = {}
  ) {
    super(message);
    this.name = 'ServerExtensionError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * The code and parameters of a server answer, when it has them.
 */
export function messageParts(data: unknown): {
  code: string | null;
  params: MessageParams;
} {
  if (data === null || typeof data !== 'object') {
    return { code: null, params: {} };
  }
  const { code, params } = data as { code?: unknown; params?: unknown };
  const clean: Record<string, string | number> = {};
  if (params !== null && typeof params === 'object') {
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string' || typeof value === 'number') {
        clean[key] = value;
      }
    }
  }
  return { code: typeof code === 'string' ? code : null, params: clean };
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
      // Every answer of the server part is JSON: a page instead of one is
      // the Jupyter server's own, for a route it does not have.
      throw new ServerExtensionError(
        `Unexpected answer from the server (HTTP ${response.status})`,
        response.status,
        response.status === 404 ? NOT_RUNNING : null
      );
    }
  } else if (response.status === 404) {
    throw new ServerExtensionError(
      `HTTP ${response.status} ${response.statusText}`.trim(),
      response.status,
      NOT_RUNNING
    );
  }
  if (!response.ok) {
    const message =
      data !== null &&
      typeof data === 'object' &&
      'message' in data &&
      typeof data.message === 'string'
        ? data.message
        : `HTTP ${response.status} ${response.statusText}`.trim();
    const { code, params } = messageParts(data);
    throw new ServerExtensionError(message, response.status, code, params);
  }
  return data as T;
}
