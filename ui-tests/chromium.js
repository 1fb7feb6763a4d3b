/**
 * How Debian's Chromium is launched, by the UI tests and the benchmarks:
 * MLP_CHROMIUM or /usr/bin/chromium, with the flags it needs here.
 */
module.exports = {
  executablePath: process.env.MLP_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic'
  ]
};
