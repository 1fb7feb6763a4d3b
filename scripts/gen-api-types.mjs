#!/usr/bin/env node
/*
 * Generates src/api/schema.ts from api/openapi.yaml with openapi-typescript 7 and formats it
 * with the project's Prettier configuration.
 *
 *   node scripts/gen-api-types.mjs           write src/api/schema.ts
 *   node scripts/gen-api-types.mjs --check   exit 1 when src/api/schema.ts is stale
 *   node scripts/gen-api-types.mjs --stdout  print the generated text, write nothing
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = path.join(ROOT, 'api', 'openapi.yaml');
const OUTPUT = path.join(ROOT, 'src', 'api', 'schema.ts');

const HEADER = `/*
 * GENERATED FILE - DO NOT EDIT.
 *
 * Generated from api/openapi.yaml by openapi-typescript via
 * \`node scripts/gen-api-types.mjs\` (npm run gen:api). Edit the contract and regenerate;
 * \`npm run gen:api:check\` fails when this file is stale.
 */

`;

const USAGE = `Usage: node scripts/gen-api-types.mjs [--check | --stdout]

  (no option)  write src/api/schema.ts from api/openapi.yaml
  --check      exit 1 if src/api/schema.ts differs from what would be generated
  --stdout     print the generated file instead of writing it
`;

/** Generate the formatted TypeScript text for the contract. */
export async function generate() {
  const ast = await openapiTS(pathToFileURL(SPEC), {
    alphabetize: false,
    exportType: false
  });
  const raw = HEADER + astToString(ast);
  const config = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(raw, { ...config, filepath: OUTPUT });
}

async function readCurrent() {
  try {
    return await readFile(OUTPUT, 'utf8');
  } catch (error) {
    if (error && error.code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

async function main(argv) {
  const known = new Set(['--check', '--stdout', '--help', '-h']);
  const unknown = argv.filter(arg => !known.has(arg));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown argument: ${unknown.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.includes('--check') && argv.includes('--stdout')) {
    process.stderr.write(`--check and --stdout cannot be combined\n\n${USAGE}`);
    return 2;
  }

  const generated = await generate();
  const relOutput = path.relative(process.cwd(), OUTPUT) || OUTPUT;

  if (argv.includes('--stdout')) {
    process.stdout.write(generated);
    return 0;
  }
  if (argv.includes('--check')) {
    const current = await readCurrent();
    if (current === generated) {
      process.stdout.write(
        `${relOutput} is up to date with api/openapi.yaml\n`
      );
      return 0;
    }
    process.stderr.write(
      current === null
        ? `${relOutput} is missing. Run \`npm run gen:api\` and commit the result.\n`
        : `${relOutput} is stale: it does not match api/openapi.yaml. ` +
            'Run `npm run gen:api` and commit the result.\n'
    );
    return 1;
  }
  await writeFile(OUTPUT, generated, 'utf8');
  process.stdout.write(`Wrote ${relOutput}\n`);
  return 0;
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(
        `gen-api-types: ${error && error.stack ? error.stack : error}\n`
      );
      process.exitCode = 1;
    }
  );
}
