/**
 * Code that sets or removes the token's environment variables in a running
 * kernel, per kernel language.
 *
 * Every builder checks its input again and hex-encodes the value, so the
 * generated code only ever holds `[0-9a-f]` where the value goes and
 * `[A-Za-z0-9_]` where a variable name goes: nothing can leave its literal.
 * Never log what these functions return.
 */

import { isTokenValue } from '../api/validate';

/**
 * Kernel languages that can be updated live.
 */
export type SnippetLanguage = 'python' | 'r' | 'julia';

/**
 * The name of the Python snippet's function, and the key of our user
 * expression in an execute request.
 */
export const SNIPPET_MARKER = '_mlp_tokens_env_sync';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Whether a string is a usable environment variable name.
 */
export function isEnvName(name: unknown): name is string {
  return (
    typeof name === 'string' && name.length <= 128 && NAME_PATTERN.test(name)
  );
}

/**
 * The language a kernel spec names, when we can update it live.
 */
export function snippetLanguage(
  language: string | null | undefined
): SnippetLanguage | null {
  switch ((language ?? '').trim().toLowerCase()) {
    case 'python':
    case 'python3':
      return 'python';
    case 'r':
      return 'r';
    case 'julia':
      return 'julia';
    default:
      return null;
  }
}

/**
 * Build the code that makes `value` current under every name in `names`, or
 * removes them all when `value` is null.
 *
 * @throws Error when the value or a name is not acceptable (nothing is built).
 */
export function buildSnippet(
  language: SnippetLanguage,
  names: readonly string[],
  value: string | null
): string {
  const checked = checkNames(names);
  const hex = value === null ? null : encodeValue(value);
  switch (language) {
    case 'python':
      return python(checked, hex);
    case 'r':
      return r(checked, hex);
    case 'julia':
      return julia(checked, hex);
  }
}

/**
 * Build the same change as one expression, for kernels that evaluate an
 * execute request's `user_expressions` (ipykernel does; IRkernel does not):
 * null for languages without such a form.
 *
 * @throws Error when the value or a name is not acceptable (nothing is built).
 */
export function buildExpression(
  language: SnippetLanguage,
  names: readonly string[],
  value: string | null
): string | null {
  const checked = checkNames(names);
  const hex = value === null ? null : encodeValue(value);
  return language === 'python' ? pythonExpression(checked, hex) : null;
}

/**
 * Hex-encode a validated value.
 *
 * @throws Error when the value is not acceptable.
 */
export function encodeValue(value: string): string {
  if (!isTokenValue(value)) {
    // Say nothing about the value itself.
    throw new Error('The token value is not printable ASCII without spaces.');
  }
  let hex = '';
  for (let i = 0; i < value.length; i++) {
    hex += value.charCodeAt(i).toString(16).padStart(2, '0');
  }
  return hex;
}

function checkNames(names: readonly string[]): readonly string[] {
  if (names.length === 0) {
    throw new Error('No environment variable name to set.');
  }
  for (const name of names) {
    if (!isEnvName(name)) {
      throw new Error('An environment variable name is not usable.');
    }
  }
  return names;
}

/**
 * Python: a function that sets or pops each name in `os.environ`, takes the
 * cell it was compiled from (its code's file name: IPython's key for the
 * cell) out of `linecache`, and is deleted after its one call; every
 * exception is swallowed, and the last statement is not an expression, so
 * nothing is displayed. Only `import` statements and literals are used, so
 * names the user has bound (`list`, `bytes`, ...) change nothing. Short on
 * purpose: IPython tokenizes, hashes and compiles a cell in time that grows
 * with its length, in every kernel on every switch.
 */
function python(names: readonly string[], hex: string | null): string {
  const tuple = `(${names.map(name => `'${name}'`).join(', ')},)`;
  const body =
    hex === null
      ? [`        for n in ${tuple}:`, '            os.environ.pop(n, None)']
      : [
          `        v = binascii.unhexlify('${hex}').decode('ascii')`,
          `        for n in ${tuple}:`,
          '            os.environ[n] = v'
        ];
  return [
    `def ${SNIPPET_MARKER}():`,
    '    import binascii, linecache, os',
    '    try:',
    ...body,
    '    finally:',
    `        f = ${SNIPPET_MARKER}.__code__.co_filename`,
    "        for c in (linecache.cache, linecache.__dict__.get('_ipython_cache', {})):",
    '            c.pop(f, None)',
    'try:',
    `    ${SNIPPET_MARKER}()`,
    'except:',
    '    pass',
    `del ${SNIPPET_MARKER}`
  ].join('\n');
}

/**
 * Python, as one expression for an execute request's `user_expressions`
 * (its code left empty): ipykernel evaluates it with `eval` after the empty
 * cell, so there is no cell for IPython to transform, hash, compile or keep,
 * no `linecache` entry, no history, and nothing on iopub; its value (always
 * `None`) or its error comes back in the reply only. It names nothing but
 * `__import__`; comprehension variables stay in their own scope.
 */
function pythonExpression(
  names: readonly string[],
  hex: string | null
): string {
  const tuple = `(${names.map(name => `'${name}'`).join(', ')},)`;
  const change =
    hex === null
      ? `[__import__('os').environ.pop(n, None) for n in ${tuple}]`
      : `__import__('os').environ.update({n: v for v in (__import__('binascii').unhexlify('${hex}').decode('ascii'),) for n in ${tuple}})`;
  // The pair's second item is the value: None, whatever the change returns
  // (a removal returns the values it removed).
  return `(${change}, None)[1]`;
}

/**
 * R: `Sys.setenv` / `Sys.unsetenv` in a local scope, errors caught, the
 * result `invisible`.
 */
function r(names: readonly string[], hex: string | null): string {
  const vector = `c(${names.map(name => `"${name}"`).join(', ')})`;
  if (hex === null) {
    return `invisible(tryCatch(Sys.unsetenv(${vector}), error = function(e) NULL))`;
  }
  return [
    'invisible(tryCatch(local({',
    `  h <- "${hex}"`,
    '  at <- seq(1L, nchar(h), 2L)',
    '  v <- rawToChar(as.raw(strtoi(substring(h, at, at + 1L), 16L)))',
    `  for (n in ${vector}) {`,
    '    a <- list(v)',
    '    names(a) <- n',
    '    do.call(Sys.setenv, a)',
    '  }',
    '}), error = function(e) NULL))'
  ].join('\n');
}

/**
 * Julia: `ENV` in a `let` block that catches everything and yields `nothing`
 * (which is not displayed). String literals escape `\`, `"` and `$`.
 */
function julia(names: readonly string[], hex: string | null): string {
  const tuple = `(${names.map(name => juliaString(name)).join(', ')},)`;
  const body =
    hex === null
      ? [
          `        for n in ${tuple}`,
          '            delete!(ENV, n)',
          '        end'
        ]
      : [
          `        v = String(hex2bytes(${juliaString(hex)}))`,
          `        for n in ${tuple}`,
          '            ENV[n] = v',
          '        end'
        ];
  return [
    'let',
    '    try',
    ...body,
    '    catch',
    '    end',
    '    nothing',
    'end'
  ].join('\n');
}

function juliaString(text: string): string {
  return `"${text.replace(/[\\"$]/g, char => `\\${char}`)}"`;
}
