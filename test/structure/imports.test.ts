/**
 * The shape of `src/`: every package it imports is declared, no module
 * imports itself back through others, and `tokens.ts` is a leaf.
 */

import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** Every module of `src/`, as paths relative to it. */
function modules(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return modules(full);
    }
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path.relative(SRC, full)]
      : [];
  });
}

/** What a module imports or re-exports, type-only imports included. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf-8');
  const found: string[] = [];
  const pattern =
    /(?:^|[\s;}])(?:import|export)\s(?:[^'"`;]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    found.push(match[1] ?? match[2]);
  }
  return found;
}

/** The module a relative specifier names, or null when none. */
function resolve(from: string, specifier: string): string | null {
  const base = path.join(path.dirname(from), specifier);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts')
  ]) {
    if (/\.tsx?$/.test(candidate) && fs.existsSync(path.join(SRC, candidate))) {
      return path.normalize(candidate);
    }
  }
  return null;
}

/** The npm package a bare specifier names (`@scope/name` or `name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const isRelative = (specifier: string) => specifier.startsWith('.');

/** Module → the modules of ours it imports. */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of modules()) {
    edges.set(
      file,
      specifiers(file)
        // Assets (icons, styles) are no modules of ours.
        .filter(
          specifier => isRelative(specifier) && !/\.(svg|css)$/.test(specifier)
        )
        .map(specifier => {
          const target = resolve(file, specifier);
          if (!target) {
            throw new Error(`${file}: cannot resolve ${specifier}`);
          }
          return target;
        })
    );
  }
  return edges;
}

/** Every import circle, each as the path that closes it. */
function circles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string) => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      found.push([...stack.slice(at), node]);
      return;
    }
    if (done.has(node)) {
      return;
    }
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      visit(next);
    }
    stack.pop();
    done.add(node);
  };
  for (const node of edges.keys()) {
    visit(node);
  }
  return found;
}

describe('the modules of src/', () => {
  it('import only packages declared as dependencies', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')
    );
    const declared = new Set(Object.keys(manifest.dependencies ?? {}));
    const undeclared = modules().flatMap(file =>
      specifiers(file)
        .filter(specifier => !isRelative(specifier))
        .map(packageOf)
        .filter(name => !declared.has(name))
        .map(name => `${file}: ${name}`)
    );
    expect(undeclared).toEqual([]);
  });

  it('declare no dependency they do not import', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')
    );
    const imported = new Set(
      modules().flatMap(file =>
        specifiers(file)
          .filter(specifier => !isRelative(specifier))
          .map(packageOf)
      )
    );
    expect(
      Object.keys(manifest.dependencies ?? {}).filter(
        name => !imported.has(name)
      )
    ).toEqual([]);
  });

  it('form no import circle', () => {
    expect(circles(graph()).map(circle => circle.join(' → '))).toEqual([]);
  });

  it('keep tokens.ts a leaf that imports only packages', () => {
    expect(specifiers('tokens.ts').filter(isRelative)).toEqual([]);
  });

  it('find the imports the checks rely on', () => {
    // The checks above would pass on a parser that sees nothing.
    expect(graph().get('index.ts')).toContain(path.normalize('commands.ts'));
    expect(specifiers('index.ts')).toContain('@jupyterlab/application');
  });
});
