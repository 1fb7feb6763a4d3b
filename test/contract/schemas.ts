/**
 * The schemas of `api/openapi.yaml`, for the tests that hold a restatement
 * of the contract's input rules (the client's checks, the emulator's) to it.
 */

import { readFileSync } from 'fs';
import { join } from 'path';

import * as fc from 'fast-check';
import { load } from 'js-yaml';

export interface ISchema {
  type?: string | string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: unknown[];
  description?: string;
  $ref?: string;
  allOf?: ISchema[];
  anyOf?: ISchema[];
  properties?: Record<string, ISchema>;
}

export interface IContract {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; schema: ISchema }[] }>
  >;
  components: { schemas: Record<string, ISchema> };
}

/** The contract, as parsed from the YAML. */
export const contract = load(
  readFileSync(join(__dirname, '..', '..', 'api', 'openapi.yaml'), 'utf8')
) as IContract;

/** `components.schemas` of the contract. */
export const schemas = contract.components.schemas;

/**
 * Texts near the edges of the TokenName rules: allowed and refused
 * characters (a space, a slash, Cyrillic), lengths across the limit.
 */
export const nameCandidates = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', '.', '_', '-', ' ', '/', 'й'),
  maxLength: 70
});

/** Names worth trying every time: dot names and one over the length. */
export const NAME_EXAMPLES: [string][] = [
  ['.'],
  ['..'],
  ['...'],
  ['a'.repeat(65)]
];

/** Whether the TokenName schema accepts `text`. */
export function contractAcceptsName(text: string): boolean {
  const name = schemas.TokenName;
  return (
    new RegExp(name.pattern!).test(text) &&
    text.length >= name.minLength! &&
    text.length <= name.maxLength!
  );
}
