const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyterlab',
  '@lumino',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  // The JupyterLab shim touches `window`; node-environment tests (undici,
  // real sockets) load it only when a DOM exists.
  setupFiles: ['<rootDir>/test/setup-shim.js'],
  reporters: ['default'],
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/api/schema.ts'
  ],
  coverageReporters: ['text-summary'],
  testRegex: '/test/.*\\.test\\.tsx?$',
  testPathIgnorePatterns: ['/lib/', '/node_modules/', '/ui-tests/'],
  // Only our sources: keeps jest away from .venv and the built labextension.
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/emulator'],
  modulePathIgnorePatterns: [
    '<rootDir>/jupyterlab_mlplatform_tokens/labextension'
  ],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
