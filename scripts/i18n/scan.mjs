#!/usr/bin/env node
/*
 * Reads the TypeScript sources with the TypeScript parser and prints, as JSON:
 *
 * - `messages`: every msgid of trans.__ / trans._n / trans._p / trans._np
 *   (also gettext / ngettext / pgettext / npgettext) with its context, plural,
 *   files, and the translator comments ("// TRANSLATORS: ...") above it;
 * - `problems`: calls whose msgid is not a plain string literal (template
 *   literals are refused), placeholders without an argument, and user-visible
 *   strings that bypass the translation functions: JSX text, textContent and
 *   similar DOM properties, title / aria-label / placeholder attributes,
 *   label / caption / title / body options, and Notification messages.
 *
 *   node scripts/i18n/scan.mjs [DIR...]   (default: src)
 *
 * A line that really must keep a literal says why in a comment containing
 * `i18n-ignore` on that line or on a comment line just above it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..'
);

/** Translation methods and the literal arguments each takes. */
const METHODS = {
  __: ['msgid'],
  gettext: ['msgid'],
  _n: ['msgid', 'msgid_plural'],
  ngettext: ['msgid', 'msgid_plural'],
  _p: ['msgctxt', 'msgid'],
  pgettext: ['msgctxt', 'msgid'],
  _np: ['msgctxt', 'msgid', 'msgid_plural'],
  npgettext: ['msgctxt', 'msgid', 'msgid_plural']
};

/** The receiver of a translation call: `trans`, `_trans`, `this._trans`, `options.trans`. */
const BUNDLE = /(^|\.)_?trans$/;

/** Attributes and properties whose value people read. */
const VISIBLE_NAMES = new Set(
  [
    'alt',
    'aria-description',
    'aria-label',
    'aria-placeholder',
    'aria-roledescription',
    'aria-valuetext',
    'body',
    'cancelLabel',
    'caption',
    'innerText',
    'label',
    'okLabel',
    'placeholder',
    'textContent',
    'title',
    'tooltip',
    'usage'
  ].map(normalizeName)
);

/** Notification methods whose first argument is the message. */
const NOTIFICATION_METHODS = new Set([
  'emit',
  'error',
  'info',
  'promise',
  'success',
  'warning'
]);

function normalizeName(name) {
  return name.replace(/-/g, '').toLowerCase();
}

function hasLetters(text) {
  return /\p{L}/u.test(text);
}

function listSources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...listSources(full));
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out.sort();
}

function unwrap(node) {
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  return node;
}

/**
 * The raw (untranslated) strings with letters an expression can evaluate to.
 */
function rawStrings(node) {
  node = unwrap(node);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return hasLetters(node.text) ? [node.text] : [];
  }
  if (ts.isTemplateExpression(node)) {
    const text = [
      node.head.text,
      ...node.templateSpans.map(s => s.literal.text)
    ].join('…');
    return hasLetters(text) ? [text] : [];
  }
  if (ts.isConditionalExpression(node)) {
    return [...rawStrings(node.whenTrue), ...rawStrings(node.whenFalse)];
  }
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (
      op === ts.SyntaxKind.PlusToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken
    ) {
      return [...rawStrings(node.left), ...rawStrings(node.right)];
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
      return rawStrings(node.right);
    }
  }
  if (ts.isJsxExpression(node) && node.expression) {
    return rawStrings(node.expression);
  }
  return [];
}

/**
 * The text of a literal argument, or an error: string literals and their
 * concatenation with `+` only.
 */
function literalText(node) {
  node = unwrap(node);
  if (ts.isStringLiteral(node)) {
    return { text: node.text };
  }
  if (
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node)
  ) {
    return {
      error:
        'a template literal is not extracted; use a string literal with %1 placeholders'
    };
  }
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.PlusToken
  ) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    if (left.error || right.error) {
      return { error: left.error ?? right.error };
    }
    return { text: left.text + right.text };
  }
  return {
    error: 'the text is not a string literal, so it cannot be extracted'
  };
}

function placeholders(text) {
  return [...text.matchAll(/%(\d+)/g)].map(m => Number(m[1]));
}

function propertyName(name) {
  if (!name) {
    return null;
  }
  if (
    ts.isIdentifier(name) ||
    ts.isStringLiteral(name) ||
    ts.isPrivateIdentifier(name)
  ) {
    return name.text;
  }
  return null;
}

export function scan(dirs = ['src']) {
  const messages = new Map();
  const problems = [];
  for (const dir of dirs) {
    for (const file of listSources(path.resolve(ROOT, dir))) {
      scanFile(file, messages, problems);
    }
  }
  return {
    messages: [...messages.values()].map(m => ({
      ...m,
      files: [...m.files].sort()
    })),
    problems
  };
}

function scanFile(file, messages, problems) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  );
  const lineOf = node =>
    source.getLineAndCharacterOfPosition(node.getStart(source)).line;
  // `i18n-ignore` in a comment on the line itself, or on a comment line
  // just above it.
  const ignored = node => {
    const line = lineOf(node);
    const above = lines[line - 1] ?? '';
    return (
      /i18n-ignore/.test(lines[line] ?? '') ||
      (/^\s*(\/\/|\/\*|\*)/.test(above) && /i18n-ignore/.test(above))
    );
  };

  const report = (node, kind, detail) => {
    if (!ignored(node)) {
      problems.push({ file: rel, line: lineOf(node) + 1, kind, detail });
    }
  };
  // "TRANSLATORS:" comments before the call, or before the statement,
  // property or declaration that starts on the call's line.
  const translatorComments = node => {
    const line = lineOf(node);
    const texts = [];
    for (let at = node; at && !ts.isSourceFile(at); at = at.parent) {
      if (at !== node && lineOf(at) !== line) {
        break;
      }
      const ranges = [
        // `? // comment` before the call on the previous line
        ...(at === node
          ? (ts.getTrailingCommentRanges(text, at.getFullStart()) ?? [])
          : []),
        ...(ts.getLeadingCommentRanges(text, at.getFullStart()) ?? [])
      ];
      for (const range of ranges) {
        const comment = text.slice(range.pos, range.end);
        const body =
          range.kind === ts.SyntaxKind.SingleLineCommentTrivia
            ? comment.replace(/^\/\/\s?/, '')
            : comment.replace(/^\/\*+|\*+\/$/g, '').replace(/^\s*\*\s?/gm, '');
        texts.push(body.trim());
      }
    }
    const joined = [...new Set(texts)].join('\n');
    const start = joined.indexOf('TRANSLATORS:');
    if (start === -1) {
      return [];
    }
    return [
      joined
        .slice(start + 'TRANSLATORS:'.length)
        .split('\n')
        .map(part => part.trim())
        .join(' ')
        .trim()
    ];
  };
  const reportRaw = (node, kind, name) => {
    for (const raw of rawStrings(node)) {
      report(node, kind, `${name ? name + ': ' : ''}${JSON.stringify(raw)}`);
    }
  };

  const visit = node => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression)
    ) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression.getText(source);
      if (Object.hasOwn(METHODS, method) && BUNDLE.test(receiver)) {
        extractCall(node, method);
      } else if (
        receiver === 'Notification' &&
        NOTIFICATION_METHODS.has(method)
      ) {
        if (node.arguments.length > 0) {
          reportRaw(
            node.arguments[0],
            'notification',
            `Notification.${method}`
          );
        }
      } else if (
        method === 'setAttribute' &&
        node.arguments.length === 2 &&
        ts.isStringLiteral(node.arguments[0]) &&
        VISIBLE_NAMES.has(normalizeName(node.arguments[0].text))
      ) {
        reportRaw(node.arguments[1], 'attribute', node.arguments[0].text);
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'showErrorMessage' &&
      node.arguments.length > 0
    ) {
      reportRaw(node.arguments[0], 'dialog', 'showErrorMessage');
    } else if (ts.isJsxText(node)) {
      if (hasLetters(node.text)) {
        report(node, 'jsx-text', JSON.stringify(node.text.trim()));
      }
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(source);
      if (VISIBLE_NAMES.has(normalizeName(name)) && node.initializer) {
        reportRaw(node.initializer, 'attribute', name);
      }
    } else if (
      ts.isJsxExpression(node) &&
      node.expression &&
      ts.isJsxElement(node.parent)
    ) {
      // {'text'} or {cond ? 'a' : 'b'} between tags.
      reportRaw(node.expression, 'jsx-text');
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      VISIBLE_NAMES.has(normalizeName(node.left.name.text))
    ) {
      reportRaw(node.right, 'property', node.left.name.text);
    } else if (ts.isPropertyAssignment(node)) {
      const name = propertyName(node.name);
      if (name && VISIBLE_NAMES.has(normalizeName(name))) {
        reportRaw(node.initializer, 'property', name);
      }
    }
    ts.forEachChild(node, visit);
  };

  const extractCall = (node, method) => {
    const roles = METHODS[method];
    const parts = {};
    for (let i = 0; i < roles.length; i++) {
      const arg = node.arguments[i];
      if (!arg) {
        report(node, 'call', `${method}() lacks its ${roles[i]}`);
        return;
      }
      const literal = literalText(arg);
      if (literal.error) {
        report(arg, 'call', `${roles[i]} of ${method}(): ${literal.error}`);
        return;
      }
      parts[roles[i]] = literal.text;
    }
    // Arguments that fill %1, %2...: after the literals, and for plurals
    // the count is %1.
    const plural = 'msgid_plural' in parts;
    const available = node.arguments.length - roles.length;
    const used = [
      ...placeholders(parts.msgid),
      ...(plural ? placeholders(parts.msgid_plural) : [])
    ];
    const highest = Math.max(0, ...used);
    if (highest > available) {
      report(
        node,
        'placeholder',
        `${JSON.stringify(parts.msgid)} uses %${highest} but gets ${plural ? available - 1 + ' argument(s) after the count' : available + ' argument(s)'}`
      );
    } else if (available > highest) {
      report(
        node,
        'placeholder',
        `${JSON.stringify(parts.msgid)} gets ${available} value(s) but uses ${highest ? '%1 to %' + highest : 'no placeholder'}`
      );
    }
    const key = `${parts.msgctxt ?? ''}\u0004${parts.msgid}`;
    const known = messages.get(key);
    if (known) {
      if ((known.msgid_plural ?? null) !== (parts.msgid_plural ?? null)) {
        report(
          node,
          'call',
          `${JSON.stringify(parts.msgid)} is used both with and without a plural, or with two plurals`
        );
      }
      known.files.add(rel);
      for (const comment of translatorComments(node)) {
        if (!known.comments.includes(comment)) {
          known.comments.push(comment);
        }
      }
      return;
    }
    messages.set(key, {
      msgctxt: parts.msgctxt ?? null,
      msgid: parts.msgid,
      msgid_plural: parts.msgid_plural ?? null,
      files: new Set([rel]),
      comments: translatorComments(node)
    });
  };

  visit(source);
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const dirs = process.argv.slice(2);
  process.stdout.write(
    JSON.stringify(scan(dirs.length ? dirs : ['src']), null, 1) + '\n'
  );
}
