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
 * Text that marks our code, so the Python snippet can purge it from
 * `linecache` (a user cell containing it would be purged too).
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
 * Python: a function that sets or pops each name in `os.environ`, purges the
 * `linecache` entries holding this code, swallows every exception, and is
 * deleted after its one call. The last statement is not an expression, so
 * nothing is displayed.
 */
function python(names: readonly string[], hex: string | null): string {
  const tuple = `(${names.map(name => `'${name}'`).join(', ')},)`;
  const change =
    hex === null
      ? `            _os.environ.pop(_name, None)`
      : `            _os.environ[_name] = _value`;
  return [
    `def ${SNIPPET_MARKER}():`,
    '    try:',
    '        import os as _os',
    hex === null
      ? '        _value = None'
      : `        _value = bytes.fromhex('${hex}').decode('ascii')`,
    `        for _name in ${tuple}:`,
    change,
    '    except BaseException:',
    '        pass',
    '    try:',
    '        import linecache as _lc',
    '        for _key, _entry in list(_lc.cache.items()):',
    '            try:',
    `                if '${SNIPPET_MARKER}' in ''.join(_entry[2]):`,
    '                    _lc.cache.pop(_key, None)',
    '            except BaseException:',
    '                pass',
    '    except BaseException:',
    '        pass',
    'try:',
    `    ${SNIPPET_MARKER}()`,
    'except BaseException:',
    '    pass',
    'finally:',
    `    del ${SNIPPET_MARKER}`
  ].join('\n');
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
