#!/usr/bin/env node
/*
 * Reads the TypeScript sources with the TypeScript parser and prints, as JSON:
 *
 * - `messages`: every msgid of trans.__ / trans._n / trans._p / trans._np
 *   (also gettext / ngettext / pgettext / npgettext) with its context, plural,
 *   files, and the translator comments ("// TRANSLATORS: ...") above it;
 * - `problems`: calls whose msgid is not a plain string literal (template
 *   literals are refused), placeholders without an argument, and user-visible
 *   strings that bypass the translation functions: JSX text (also `{'…'}` in
 *   a fragment), textContent / innerHTML and similar DOM properties,
 *   createTextNode, append / prepend and the like with a literal, title /
 *   aria-label / placeholder / value attributes, label / caption / title /
 *   body options (also as functions), the description of commands and
 *   dialogs, both texts of showErrorMessage, and Notification messages
 *   (Notification.*, Notification.manager.notify, update({message})); a
 *   string held in a constant of the file and shown later counts too.
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
    'innerHTML',
    'innerText',
    'label',
    'okLabel',
    'outerHTML',
    'placeholder',
    'textContent',
    'title',
    'tooltip',
    'usage'
  ].map(normalizeName)
);

/** Attributes of JSX elements (only) whose value people read. */
const VISIBLE_JSX_ATTRIBUTES = new Set(
  ['value', 'defaultValue'].map(normalizeName)
);

/** Notification methods whose first argument is the message. */
const NOTIFICATION_METHODS = new Set([
  'emit',
  'error',
  'info',
  'notify',
  'promise',
  'success',
  'warning'
]);

/** `Notification` or `Notification.manager`, the receivers of its methods. */
const NOTIFICATION_RECEIVER = /^Notification(\.manager)?$/;

/** DOM methods whose string arguments become text on the page. */
const DOM_TEXT_METHODS = new Set([
  'after',
  'append',
  'before',
  'prepend',
  'replaceChildren',
  'replaceWith'
]);

/** Calls whose options' `description` people read (commands, dialogs). */
const DESCRIBED_CALLS = /(^|\.)(addCommand|showDialog|showErrorMessage)$/;

/**
 * The string constants of the file being scanned (`const NAME = '…'`), so
 * that a text held in one and shown later is still seen.
 */
let fileConstants = new Map();

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
function rawStrings(node, seen = new Set()) {
  node = unwrap(node);
  if (ts.isIdentifier(node) && fileConstants.has(node.text)) {
    if (seen.has(node.text)) {
      return [];
    }
    return rawStrings(
      fileConstants.get(node.text),
      new Set([...seen, node.text])
    );
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    // `label: () => '…'` and `caption: args => (a ? '…' : '…')`.
    if (!ts.isBlock(node.body)) {
      return rawStrings(node.body, seen);
    }
    const found = [];
    const collect = child => {
      if (ts.isReturnStatement(child) && child.expression) {
        found.push(...rawStrings(child.expression, seen));
      } else if (!ts.isFunctionLike(child)) {
        ts.forEachChild(child, collect);
      }
    };
    ts.forEachChild(node.body, collect);
    return found;
  }
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
  fileConstants = new Map();
  const collectConstants = node => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const declaration of node.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer) {
          const value = unwrap(declaration.initializer);
          if (
            ts.isStringLiteral(value) ||
            ts.isNoSubstitutionTemplateLiteral(value) ||
            ts.isTemplateExpression(value) ||
            ts.isConditionalExpression(value) ||
            ts.isBinaryExpression(value)
          ) {
            fileConstants.set(declaration.name.text, value);
          }
        }
      }
    }
    ts.forEachChild(node, collectConstants);
  };
  collectConstants(source);
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
        NOTIFICATION_RECEIVER.test(receiver) &&
        NOTIFICATION_METHODS.has(method)
      ) {
        if (node.arguments.length > 0) {
          reportRaw(node.arguments[0], 'notification', `${receiver}.${method}`);
        }
      } else if (
        NOTIFICATION_RECEIVER.test(receiver) &&
        method === 'update' &&
        node.arguments.length > 0 &&
        ts.isObjectLiteralExpression(unwrap(node.arguments[0]))
      ) {
        for (const property of unwrap(node.arguments[0]).properties) {
          if (
            ts.isPropertyAssignment(property) &&
            propertyName(property.name) === 'message'
          ) {
            reportRaw(
              property.initializer,
              'notification',
              `${receiver}.update`
            );
          }
        }
      } else if (method === 'createTextNode' && node.arguments.length > 0) {
        reportRaw(node.arguments[0], 'dom-text', 'createTextNode');
      } else if (
        method === 'insertAdjacentText' ||
        method === 'insertAdjacentHTML'
      ) {
        if (node.arguments.length > 1) {
          reportRaw(node.arguments[1], 'dom-text', method);
        }
      } else if (
        DOM_TEXT_METHODS.has(method) &&
        // FormData, URLSearchParams and Headers append a name and a value.
        !(method === 'append' && node.arguments.length === 2)
      ) {
        for (const argument of node.arguments) {
          reportRaw(argument, 'dom-text', method);
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
      if (node.arguments.length > 1) {
        reportRaw(node.arguments[1], 'dialog', 'showErrorMessage');
      }
    } else if (ts.isJsxText(node)) {
      if (hasLetters(node.text)) {
        report(node, 'jsx-text', JSON.stringify(node.text.trim()));
      }
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(source);
      if (
        (VISIBLE_NAMES.has(normalizeName(name)) ||
          (VISIBLE_JSX_ATTRIBUTES.has(normalizeName(name)) &&
            shownValue(node))) &&
        node.initializer
      ) {
        reportRaw(node.initializer, 'attribute', name);
      }
    } else if (
      ts.isJsxExpression(node) &&
      node.expression &&
      (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))
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
      } else if (name === 'description' && inDescribedCall(node)) {
        reportRaw(node.initializer, 'property', name);
      }
    }
    ts.forEachChild(node, visit);
  };

  // Whether an element shows its `value`: not an <option> (its children are
  // shown) nor a radio button, checkbox or hidden input.
  const shownValue = attribute => {
    const element = attribute.parent.parent;
    const tag = element.tagName?.getText(source) ?? '';
    if (tag === 'option') {
      return false;
    }
    const type = element.attributes?.properties.find(
      other => ts.isJsxAttribute(other) && other.name.getText(source) === 'type'
    );
    const kind =
      type?.initializer && ts.isStringLiteral(type.initializer)
        ? type.initializer.text
        : '';
    return !['radio', 'checkbox', 'hidden'].includes(kind);
  };

  // Whether a property is in the options of a command or a dialog.
  const inDescribedCall = node => {
    for (let at = node.parent; at && !ts.isSourceFile(at); at = at.parent) {
      if (ts.isCallExpression(at) || ts.isNewExpression(at)) {
        const callee = at.expression.getText(source);
        if (DESCRIBED_CALLS.test(callee) || /(^|\.)Dialog$/.test(callee)) {
          return true;
        }
      }
    }
    return false;
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
