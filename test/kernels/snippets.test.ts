/** @jest-environment node */
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';

import { isTokenValue } from '../../src/api/validate';
import {
  buildExpression,
  buildSnippet,
  encodeValue,
  isEnvName,
  SNIPPET_MARKER,
  type SnippetLanguage,
  snippetLanguage
} from '../../src/kernels/snippets';

const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');
const VALUE = 'mlp.Tok-en_9~!#%&*+/=?^`{|}';

/** The SHA-256 of `text`, as Python computes it. */
function sha256(text: string): string {
  return execFileSync(PYTHON, [
    '-c',
    'import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest(), end="")',
    text
  ]).toString();
}

/**
 * Values the vault refuses (400): the builders refuse them too.
 */
const HOSTILE: readonly string[] = [
  '$(touch /tmp/pwned)',
  'abc def',
  'abc\ndef',
  'abc\u2028def',
  'токен',
  'caf\u00e9',
  'a'.repeat(10 * 1024),
  '',
  'tab\there'
];

/**
 * Printable ASCII values the vault accepts although they hold quotes,
 * backslashes or shell syntax: they must arrive unchanged, running nothing.
 */
const TRICKY: readonly string[] = [
  "a'b",
  'a"b',
  'a\\b\\',
  "');__import__('os').system('touch${IFS}/tmp/pwned')#",
  '$(id)`id`${HOME}',
  '"""\'\'\'\\x00'
];

/**
 * Builtins a notebook may well have rebound (`list = [...]`): the generated
 * code must not depend on them.
 */
const SHADOWED: readonly string[] = [
  'list',
  'dict',
  'bytes',
  'str',
  'getattr',
  'len',
  'print',
  'BaseException',
  'Exception'
];

const LANGUAGES: readonly SnippetLanguage[] = ['python', 'r', 'julia'];

/**
 * Whether an interpreter is on PATH.
 */
function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

describe('token values and names', () => {
  it('accepts printable ASCII without spaces up to 4096 characters', () => {
    expect(isTokenValue(VALUE)).toBe(true);
    expect(isTokenValue('x'.repeat(4096))).toBe(true);
    expect(isTokenValue('x'.repeat(4097))).toBe(false);
  });

  it.each(HOSTILE)('refuses the hostile value %#', value => {
    expect(isTokenValue(value)).toBe(false);
    expect(() => encodeValue(value)).toThrow();
  });

  it('checks environment variable names', () => {
    expect(isEnvName('MLP_REFRESH_TOKEN')).toBe(true);
    expect(isEnvName('_x1')).toBe(true);
    for (const bad of ['', '1A', 'A-B', 'A B', "A'", 'A$', 'Ä']) {
      expect(isEnvName(bad)).toBe(false);
    }
  });

  it('detects the languages it can update', () => {
    expect(snippetLanguage('python')).toBe('python');
    expect(snippetLanguage('R')).toBe('r');
    expect(snippetLanguage('julia')).toBe('julia');
    expect(snippetLanguage('scala')).toBeNull();
    expect(snippetLanguage(undefined)).toBeNull();
  });
});

describe.each(LANGUAGES)('the %s snippet', language => {
  it.each(HOSTILE)('is never built from hostile value %#', value => {
    expect(() => buildSnippet(language, ['MLP_REFRESH_TOKEN'], value)).toThrow(
      'not printable ASCII'
    );
  });

  it('is never built with a bad variable name', () => {
    for (const name of ['A B', "A'", 'A"', 'A$B', 'A\nB', '']) {
      expect(() => buildSnippet(language, [name], VALUE)).toThrow();
    }
    expect(() => buildSnippet(language, [], VALUE)).toThrow();
  });

  it('holds the value only hex-encoded', () => {
    const code = buildSnippet(language, ['MLP_REFRESH_TOKEN', 'OTHER'], VALUE);
    expect(code).not.toContain(VALUE);
    expect(code).toContain(encodeValue(VALUE));
    expect(code).toContain('MLP_REFRESH_TOKEN');
    expect(code).toContain('OTHER');
  });

  it('removes the variables without any value', () => {
    const code = buildSnippet(language, ['MLP_REFRESH_TOKEN'], null);
    expect(code).toContain('MLP_REFRESH_TOKEN');
    expect(code).not.toMatch(/[0-9a-f]{16}/);
  });
});

describe('generated code shapes', () => {
  it('Python: a function that is deleted afterwards', () => {
    const code = buildSnippet('python', ['MLP_REFRESH_TOKEN'], VALUE);
    expect(code.startsWith(`def ${SNIPPET_MARKER}():`)).toBe(true);
    expect(code).toContain("binascii.unhexlify('");
    expect(code).toContain('os.environ[n] = v');
    expect(code).toContain('.__code__.co_filename');
    expect(code.endsWith(`del ${SNIPPET_MARKER}`)).toBe(true);
    expect(code).not.toMatch(/print\(/);
    const removal = buildSnippet('python', ['MLP_REFRESH_TOKEN'], null);
    expect(removal).toContain('os.environ.pop(n, None)');
  });

  it('Python expression: one expression yielding None, naming only __import__', () => {
    const expression = buildExpression('python', ['MLP_REFRESH_TOKEN'], VALUE)!;
    expect(expression).not.toContain('\n');
    expect(expression).not.toContain(VALUE);
    expect(expression).toContain(encodeValue(VALUE));
    expect(expression.endsWith(', None)[1]')).toBe(true);
    expect(buildExpression('python', ['MLP_REFRESH_TOKEN'], null)).not.toMatch(
      /[0-9a-f]{16}/
    );
    expect(buildExpression('r', ['MLP_REFRESH_TOKEN'], VALUE)).toBeNull();
    expect(buildExpression('julia', ['MLP_REFRESH_TOKEN'], VALUE)).toBeNull();
    expect(() => buildExpression('python', ['A B'], VALUE)).toThrow();
    expect(() => buildExpression('python', ['A'], 'a b')).toThrow();
  });

  it('R: Sys.setenv / Sys.unsetenv, invisible, decoded from hex', () => {
    const code = buildSnippet('r', ['MLP_REFRESH_TOKEN'], VALUE);
    expect(code.startsWith('invisible(tryCatch(')).toBe(true);
    expect(code).toContain('rawToChar(as.raw(strtoi(');
    expect(code).toContain('do.call(Sys.setenv, a)');
    expect(buildSnippet('r', ['MLP_REFRESH_TOKEN'], null)).toBe(
      'invisible(tryCatch(Sys.unsetenv(c("MLP_REFRESH_TOKEN")), error = function(e) NULL))'
    );
  });

  it('Julia: ENV in a let block yielding nothing, no interpolation', () => {
    const code = buildSnippet('julia', ['MLP_REFRESH_TOKEN'], VALUE);
    expect(code).toContain('String(hex2bytes("');
    expect(code).toContain('ENV[n] = v');
    expect(code).toMatch(/nothing\nend$/);
    expect(code).not.toContain('$');
    expect(buildSnippet('julia', ['MLP_REFRESH_TOKEN'], null)).toContain(
      'delete!(ENV, n)'
    );
  });
});

describe('running the Python snippet', () => {
  /**
   * Run the snippet the way IPython does: registered in linecache first,
   * then executed; report what is left behind.
   */
  function run(
    code: string,
    before: Record<string, string> = {},
    shadow = false
  ): {
    stdout: string;
    stderr: string;
  } {
    const probe = [
      'import linecache, os, subprocess, sys, hashlib',
      `SHADOWED = ${JSON.stringify(SHADOWED)}`,
      'code = sys.stdin.read()',
      "name = '<ipython-input-1-abc>'",
      'linecache.cache[name] = (len(code), None, code.splitlines(True), name)',
      "ns = {'__name__': '__main__'}",
      shadow ? 'ns.update(dict.fromkeys(SHADOWED))' : 'pass',
      "exec(compile(code, name, 'exec'), ns)",
      "v = os.environ.get('MLP_REFRESH_TOKEN')",
      "h = hashlib.sha256(v.encode()).hexdigest() if v is not None else 'none'",
      "left = [k for k, e in linecache.cache.items() if 'mlp' in ''.join(e[2])]",
      "names = sorted(k for k in ns if k not in ('__builtins__', '__name__') and k not in SHADOWED)",
      "rc = subprocess.run(['printenv', 'MLP_REFRESH_TOKEN'], capture_output=True).returncode",
      "sys.stdout.write('%s|%s|%s|%s' % (h, left, names, rc))"
    ].join('\n');
    const result = spawnSync(PYTHON, ['-c', probe], {
      input: code,
      env: { PATH: process.env.PATH ?? '', ...before },
      encoding: 'utf-8'
    });
    return { stdout: result.stdout, stderr: result.stderr };
  }

  it('sets the variable, prints nothing and leaves no trace', () => {
    const code = buildSnippet('python', ['MLP_REFRESH_TOKEN'], VALUE);
    const { stdout, stderr } = run(code);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${sha256(VALUE)}|[]|[]|0`);
  });

  it.each(TRICKY)('carries the tricky value %# unchanged', value => {
    const code = buildSnippet('python', ['MLP_REFRESH_TOKEN'], value);
    expect(code).not.toContain(value);
    const { stdout, stderr } = run(code);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${sha256(value)}|[]|[]|0`);
  });

  it('removes the variable for subprocesses too', () => {
    const code = buildSnippet('python', ['MLP_REFRESH_TOKEN'], null);
    const { stdout, stderr } = run(code, { MLP_REFRESH_TOKEN: 'old-value' });
    expect(stderr).toBe('');
    expect(stdout).toBe('none|[]|[]|1');
  });

  it('works the same when the user has bound names such as list or bytes', () => {
    const code = buildSnippet('python', ['MLP_REFRESH_TOKEN'], VALUE);
    const { stdout, stderr } = run(code, {}, true);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${sha256(VALUE)}|[]|[]|0`);
  });
});

describe('evaluating the Python expression', () => {
  /**
   * Evaluate it the way ipykernel evaluates user expressions (`eval` in
   * the user's namespace); report its value, what it left behind and what
   * a subprocess sees.
   */
  function evaluate(
    expression: string,
    before: Record<string, string> = {},
    shadow = false
  ): { stdout: string; stderr: string } {
    const probe = [
      'import linecache, os, subprocess, sys, hashlib',
      `SHADOWED = ${JSON.stringify(SHADOWED)}`,
      "ns = {'__name__': '__main__'}",
      shadow ? 'ns.update(dict.fromkeys(SHADOWED))' : 'pass',
      'lines = len(linecache.cache)',
      'result = eval(sys.stdin.read(), ns)',
      "v = os.environ.get('MLP_REFRESH_TOKEN')",
      "h = hashlib.sha256(v.encode()).hexdigest() if v is not None else 'none'",
      "names = sorted(k for k in ns if k not in ('__builtins__', '__name__') and k not in SHADOWED)",
      "rc = subprocess.run(['printenv', 'MLP_REFRESH_TOKEN'], capture_output=True).returncode",
      "sys.stdout.write('%s|%r|%s|%s|%s' % (h, result, names, len(linecache.cache) - lines, rc))"
    ].join('\n');
    const result = spawnSync(PYTHON, ['-c', probe], {
      input: expression,
      env: { PATH: process.env.PATH ?? '', ...before },
      encoding: 'utf-8'
    });
    return { stdout: result.stdout, stderr: result.stderr };
  }

  it.each(['plain', 'with names such as list or dict bound'])(
    'sets the variable, yields None and leaves nothing behind (%s)',
    mode => {
      const expression = buildExpression(
        'python',
        ['MLP_REFRESH_TOKEN', 'OTHER'],
        VALUE
      )!;
      const { stdout, stderr } = evaluate(expression, {}, mode !== 'plain');
      expect(stderr).toBe('');
      expect(stdout).toBe(`${sha256(VALUE)}|None|[]|0|0`);
    }
  );

  it.each(TRICKY)('carries the tricky value %# unchanged', value => {
    const expression = buildExpression('python', ['MLP_REFRESH_TOKEN'], value)!;
    const { stdout, stderr } = evaluate(expression);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${sha256(value)}|None|[]|0|0`);
  });

  it('removes the variable and yields None, not the value it removed', () => {
    const expression = buildExpression('python', ['MLP_REFRESH_TOKEN'], null)!;
    const { stdout, stderr } = evaluate(expression, {
      MLP_REFRESH_TOKEN: 'old-value'
    });
    expect(stderr).toBe('');
    expect(stdout).toBe('none|None|[]|0|1');
  });
});

const R_AVAILABLE = has('Rscript');
const JULIA_AVAILABLE = has('julia');

describe('running the R and Julia snippets', () => {
  it('runs them where the interpreters are installed', () => {
    if (!R_AVAILABLE) {
      process.stdout.write('R is not installed: the R snippet was not run.\n');
    } else {
      const code = buildSnippet('r', ['MLP_REFRESH_TOKEN'], VALUE);
      const out = execFileSync('Rscript', [
        '-e',
        `${code}\ncat(Sys.getenv("MLP_REFRESH_TOKEN") == "${VALUE.replace(/["\\]/g, '\\$&')}")`
      ]).toString();
      expect(out).toBe('TRUE');
    }
    if (!JULIA_AVAILABLE) {
      process.stdout.write(
        'Julia is not installed: the Julia snippet was not run.\n'
      );
    } else {
      const code = buildSnippet('julia', ['MLP_REFRESH_TOKEN'], 'abc$def');
      const out = execFileSync('julia', [
        '-e',
        `${code}\nprint(ENV["MLP_REFRESH_TOKEN"] == "abc\\$def")`
      ]).toString();
      expect(out).toBe('true');
    }
  });
});
