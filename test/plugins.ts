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
 * An application whose server answers each request with `answer(path)`
 * (the path below `/mlplatform-tokens/`) and records its full path in
 * `requests`; its layout is restored when `restored` resolves.
 */
export function fakeApp(options: {
  requests: string[];
  answer: (path: string) => unknown;
  restored?: Promise<void>;
}): JupyterFrontEnd {
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo) => {
      const url = new URL((input as Request).url);
      options.requests.push(url.pathname);
      const path = url.pathname.replace('/mlplatform-tokens/', '');
      return new Response(JSON.stringify(options.answer(path)));
    }
  });
  return {
    serviceManager: { serverSettings },
    restored: options.restored ?? Promise.resolve()
  } as unknown as JupyterFrontEnd;
}
