import { expect, test as galataTest } from '@jupyterlab/galata';
import * as path from 'path';

/**
 * Galata's test with a per-test folder that honours a base URL such as
 * JupyterHub's `/user/<name>/` (Galata's own folder helper assumes `/`).
 */
export const test = galataTest.extend({
  tmpPath: async ({ request, baseURL }, use, testInfo) => {
    const folder = path.basename(testInfo.outputDir).replace(/-retry\d+$/i, '');
    const url = `${baseURL}/api/contents/${encodeURIComponent(folder)}`;
    await request.delete(url);
    const created = await request.put(url, { data: { type: 'directory' } });
    expect(created.ok()).toBe(true);
    await use(folder);
    await request.delete(url);
  }
});

export { expect };
