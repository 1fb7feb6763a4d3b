/**
 * The extension's plugins as the application activates them, against a
 * stand-in for the Jupyter server that records every path it is asked for.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ServerConnection } from '@jupyterlab/services';

import plugins from '../src/index';

/** One of the extension's plugins, by id. */
export function plugin(id: string): (typeof plugins)[number] {
  const found = plugins.find(each => each.id === id);
  if (!found) {
    throw new Error(`no plugin ${id}`);
  }
  return found;
}

/**
 * An application whose server answers as the server part does (a configured
 * status, no invitations, the saved tokens `vault`) and records each full
 * path in `requests`; its layout is restored when `restored` resolves.
 */
export function fakeApp(options: {
  requests: string[];
  vault?: { tokens: unknown[]; active_id: string | null };
  restored?: Promise<void>;
}): JupyterFrontEnd {
  const vault = options.vault ?? { tokens: [], active_id: null };
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      const url = new URL((input as Request).url);
      options.requests.push(url.pathname);
      const path = url.pathname.replace('/mlplatform-tokens/', '');
      const body =
        path === 'status'
          ? { version: '0', api_configured: true, api_url: '' }
          : path === 'invitations'
            ? { invitations: [] }
            : vault;
      return new Response(JSON.stringify(body));
    }
  });
  return {
    serviceManager: { serverSettings },
    restored: options.restored ?? Promise.resolve()
  } as unknown as JupyterFrontEnd;
}
