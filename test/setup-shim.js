// Load JupyterLab's jsdom shims only in tests that run with a DOM.
if (typeof window !== 'undefined') {
  require('@jupyterlab/testing/lib/jest-shim');
}
