/**
 * The bypass scanner (scripts/i18n/scan.mjs) finds every form in which a
 * user-visible string can skip the translation functions.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCANNER = path.resolve(
  __dirname,
  '..',
  '..',
  'scripts',
  'i18n',
  'scan.mjs'
);

interface IProblem {
  file: string;
  line: number;
  kind: string;
  detail: string;
}

function scan(source: string, name = 'sample.tsx'): IProblem[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-scan-'));
  try {
    writeFileSync(path.join(dir, name), source);
    const out = execFileSync('node', [SCANNER, dir], { encoding: 'utf8' });
    return JSON.parse(out).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each form, as one line of a sample, with the text it shows. */
const FORMS: Array<[string, string]> = [
  [
    'Notification.manager.notify',
    "Notification.manager.notify('Manager notify text', 'info', {});"
  ],
  [
    'Notification.update',
    "Notification.update({ id, message: 'Updated notification text' });"
  ],
  [
    'Notification.manager.update',
    "Notification.manager.update({ id, message: 'Manager update text' });"
  ],
  ['innerHTML', "node.innerHTML = 'Inner HTML text';"],
  [
    'createTextNode',
    "node.appendChild(document.createTextNode('Text node text'));"
  ],
  ['append', "node.append('Appended text');"],
  ['prepend', "node.prepend('Prepended text');"],
  [
    'showErrorMessage body',
    "void showErrorMessage(trans.__('Title'), 'Error body text');"
  ],
  ['a const then shown', "const HELD = 'Held text'; Notification.info(HELD);"],
  ['a const then set', "const SHOWN = 'Shown text'; node.textContent = SHOWN;"],
  ['a fragment', "const f = <>{'Fragment text'}</>;"],
  ['value=', 'const i = <input value="Value text" />;'],
  [
    'description of a command',
    "app.commands.addCommand('x:y', { label: trans.__('L'), describedBy: { args: { type: 'object', properties: { name: { type: 'string', description: 'Argument description text' } } } }, execute: () => undefined });"
  ],
  [
    'label as a function',
    "app.commands.addCommand('x:z', { label: () => 'Function label text', execute: () => undefined });"
  ],
  [
    'caption as a function',
    "app.commands.addCommand('x:w', { caption: args => (args.a ? 'Caption one text' : 'Caption two text'), execute: () => undefined });"
  ],
  [
    'description of a dialog',
    "void showDialog({ title: trans.__('T'), body: trans.__('B'), buttons: [Dialog.okButton({ label: trans.__('OK'), caption: 'Button caption text' })] });"
  ],
  [
    'insertAdjacentText',
    "node.insertAdjacentText('beforeend', 'Adjacent text');"
  ]
];

describe('the bypass scanner', () => {
  const sample = FORMS.map(([, line]) => line).join('\n') + '\n';
  const problems = scan(sample);

  it.each(FORMS)('flags %s', (_, line) => {
    const index = FORMS.findIndex(([, l]) => l === line);
    const found = problems.filter(p => p.line === index + 1);
    expect(found.length).toBeGreaterThan(0);
    const text = /'([A-Z][^']* text)'|"([A-Z][^"]* text)"/.exec(line);
    expect(found.map(p => p.detail).join(' ')).toContain(
      text?.[1] ?? text?.[2]
    );
  });

  it('leaves translated strings, keys and FormData alone', () => {
    const clean = scan(
      [
        "Notification.manager.notify(trans.__('Fine'), 'info', {});",
        "Notification.update({ id, message: trans.__('Fine') });",
        "const form = new FormData(); form.append('name', 'value');",
        "params.append('key', 'some value');",
        "const KEY = 'storage-key'; localStorage.getItem(KEY);",
        'const i = <input value={value} />;',
        "node.innerHTML = '';",
        "node.classList.add('jp-mlpTokens-thing');",
        "export const plugin = { id: 'a:b', description: 'A plugin of ours', activate: () => undefined };"
      ].join('\n') + '\n'
    );
    expect(clean).toEqual([]);
  });
});
