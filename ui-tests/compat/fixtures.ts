import { ConsoleMessage, Page } from '@playwright/test';

import { expect, test as base } from '../tests/fixtures';

/**
 * Where the extension's code is served from, on JupyterLab and Notebook
 * pages alike.
 */
const OURS = /\/jupyterlab-mlplatform-tokens\//;

/**
 * Console text that names the extension or its parts.
 */
const NAMES_US = /mlplatform|mlpTokens|MLP_REFRESH_TOKEN/i;

/**
 * Whether a console message comes from the extension: logged by its code
 * (its own files, including its remoteEntry, where the module federation
 * runtime prints an "Unsatisfied version" warning for each shared package
 * the host cannot give at the version the build asked for), or naming it.
 */
function fromExtension(message: ConsoleMessage): boolean {
  return OURS.test(message.location().url) || NAMES_US.test(message.text());
}

/**
 * The smoke journeys' test: Galata's, with a check after every test that
 * the pages printed no warning or error from the extension, and no
 * "Unsatisfied version" warning at all (in a clean environment only our
 * extension was built elsewhere).
 */
export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: [
    async ({ context }, use) => {
      const problems: string[] = [];
      context.on('console', message => {
        const type = message.type();
        if (type !== 'warning' && type !== 'error') {
          return;
        }
        if (
          fromExtension(message) ||
          message.text().includes('Unsatisfied version')
        ) {
          problems.push(
            `${type}: ${message.text()} (${message.location().url})`
          );
        }
      });
      context.on('weberror', failure => {
        const error = failure.error();
        const text = `${error.message}\n${error.stack ?? ''}`;
        if (OURS.test(text) || NAMES_US.test(text)) {
          problems.push(`uncaught: ${error.message}`);
        }
      });
      await use(problems);
      expect(problems).toEqual([]);
    },
    { auto: true }
  ]
});

export { expect };

/**
 * The ids of the extension's plugins that the application knows, each with
 * whether it is activated.
 */
export async function pluginStates(
  page: Page
): Promise<{ id: string; activated: boolean }[]> {
  return page.evaluate(() => {
    const app = window.jupyterapp as unknown as {
      listPlugins(): string[];
      isPluginActivated(id: string): boolean;
    };
    return app
      .listPlugins()
      .filter(id => id.startsWith('jupyterlab-mlplatform-tokens:'))
      .sort()
      .map(id => ({ id, activated: app.isPluginActivated(id) }));
  });
}

/**
 * The extension's plugins (src/index.ts), all started with the application.
 */
export const PLUGINS = [
  'jupyterlab-mlplatform-tokens:actions',
  'jupyterlab-mlplatform-tokens:connection',
  'jupyterlab-mlplatform-tokens:kernel-sync',
  'jupyterlab-mlplatform-tokens:plugin',
  'jupyterlab-mlplatform-tokens:project',
  'jupyterlab-mlplatform-tokens:status',
  'jupyterlab-mlplatform-tokens:status-bar',
  'jupyterlab-mlplatform-tokens:vault'
];
