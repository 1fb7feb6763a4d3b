/** @jest-environment node */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'gen-api-types.mjs');
const SCHEMA = path.join(ROOT, 'src', 'api', 'schema.ts');

describe('src/api/schema.ts', () => {
  it('matches what api/openapi.yaml generates (run `npm run gen:api` if not)', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, '--stdout'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024
    });
    const committed = await readFile(SCHEMA, 'utf8');
    expect(stdout.length).toBeGreaterThan(0);
    expect(committed).toEqual(stdout);
  }, 60000);

  it('declares itself generated and names the command', async () => {
    const committed = await readFile(SCHEMA, 'utf8');
    expect(committed.startsWith('/*\n * GENERATED FILE - DO NOT EDIT.')).toBe(
      true
    );
    expect(committed).toContain('node scripts/gen-api-types.mjs');
  });
});
