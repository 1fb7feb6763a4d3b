/**
 * Command line: `npx tsx emulator/src/main.ts --port 8765 --data FILE --seed-admin [--control]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { type IEmulatorOptions, startEmulator } from './server';
import { type ICertificatePair, makeTestCertificates } from './tls';

const USAGE = `Usage: npx tsx emulator/src/main.ts [options]

Emulates the VK Cloud ML Platform tokens API (api/openapi.yaml) at the server root.

Options:
  --port N         port to listen on (default 8765; 0 picks a free port)
  --host HOST      interface to listen on (default 127.0.0.1)
  --data FILE      keep the state in FILE (created 0600, reloaded on start);
                   without it the state lives in memory only
  --seed-admin     mint a new ADMIN access token named admin-<6 hex> and print
                   MLPLATFORM_ADMIN_TOKEN=<value> (values are stored only as hashes,
                   so every start mints a fresh one; earlier ones keep working)
  --control        serve the control API under /_emulator/ (clock, faults, reset)
  --bearer-ttl S   lifetime of bearers in seconds (default 300)
  --verbose        log one line per request (method, path, status)
  --tls-ca FILE    serve HTTPS with a certificate made at start for --host,
                   localhost, 127.0.0.1 and ::1, signed by a CA made for this
                   run, whose certificate is written to FILE (PEM) for clients
                   to trust
  --tls-cert FILE  serve HTTPS with this certificate (PEM; with --tls-key)
  --tls-key FILE   the private key of --tls-cert (PEM)
  -h, --help       show this help
`;

class UsageError extends Error {}

function integer(
  text: string | undefined,
  option: string,
  min: number,
  max: number
): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(
      `${option} must be an integer from ${min} to ${max}, got '${text}'`
    );
  }
  return value;
}

/** How to serve HTTPS: a certificate made at start (its CA written to `caFile`), or given files. */
type TlsChoice = { caFile: string } | { certFile: string; keyFile: string };

function tlsChoice(
  caFile: string | undefined,
  certFile: string | undefined,
  keyFile: string | undefined
): TlsChoice | undefined {
  for (const [option, value] of [
    ['--tls-ca', caFile],
    ['--tls-cert', certFile],
    ['--tls-key', keyFile]
  ]) {
    if (value !== undefined && value.length === 0) {
      throw new UsageError(`${option} must name a file`);
    }
  }
  if (caFile !== undefined) {
    if (certFile !== undefined || keyFile !== undefined) {
      throw new UsageError(
        '--tls-ca makes its own certificate: leave out --tls-cert and --tls-key'
      );
    }
    return { caFile };
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  return certFile !== undefined && keyFile !== undefined
    ? { certFile, keyFile }
    : undefined;
}

/** The certificate to serve; a made one has its CA written out first. */
function certificateFor(choice: TlsChoice, host: string): ICertificatePair {
  if ('caFile' in choice) {
    const made = makeTestCertificates([host]);
    writeFileSync(choice.caFile, made.ca, { mode: 0o644 });
    return made.server;
  }
  return {
    cert: readFileSync(choice.certFile, 'utf8'),
    key: readFileSync(choice.keyFile, 'utf8')
  };
}

/** Turn the command line into emulator options; throws UsageError on bad input. */
function parseCommandLine(argv: string[]): {
  help: boolean;
  seedAdmin: boolean;
  tls: TlsChoice | undefined;
  options: IEmulatorOptions;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'seed-admin': { type: 'boolean' },
        control: { type: 'boolean' },
        'bearer-ttl': { type: 'string' },
        verbose: { type: 'boolean' },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message : String(error)
    );
  }
  const values = parsed.values;
  if (values.host !== undefined && values.host.length === 0) {
    throw new UsageError('--host must not be empty');
  }
  if (values.data !== undefined && values.data.length === 0) {
    throw new UsageError('--data must name a file');
  }
  const host = values.host ?? '127.0.0.1';
  return {
    help: values.help ?? false,
    seedAdmin: values['seed-admin'] ?? false,
    tls: tlsChoice(values['tls-ca'], values['tls-cert'], values['tls-key']),
    options: {
      port: integer(values.port, '--port', 0, 65535) ?? 8765,
      host,
      dataFile: values.data,
      control: values.control ?? false,
      bearerTtlSeconds: integer(values['bearer-ttl'], '--bearer-ttl', 1, 86400),
      log: values.verbose
        ? (line: string) => process.stdout.write(`${line}\n`)
        : undefined
    }
  };
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `ML Platform emulator: ${error.message}\n\n${USAGE}`
      );
      return 2;
    }
    throw error;
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const tls = command.tls
    ? certificateFor(command.tls, command.options.host ?? '127.0.0.1')
    : undefined;
  const emulator = await startEmulator({ ...command.options, tls });
  process.stdout.write(`ML Platform emulator listening on ${emulator.url}\n`);
  if (command.seedAdmin) {
    process.stdout.write(
      `MLPLATFORM_ADMIN_TOKEN=${await emulator.seedAdmin()}\n`
    );
  }
  await new Promise<void>(resolve => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emulator.close();
  return 0;
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(
      `ML Platform emulator: ${error instanceof Error ? error.message : String(error)}\n`
    );
    process.exitCode = 1;
  }
);
