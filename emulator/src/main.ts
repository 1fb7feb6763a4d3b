/**
 * Command line: `npx tsx emulator/src/main.ts --port 8765 --data FILE --seed-admin [--control]`.
 */
import { parseArgs } from 'node:util';

import { type IEmulatorOptions, startEmulator } from './server';

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

/** Turn the command line into emulator options; throws UsageError on bad input. */
function parseCommandLine(argv: string[]): {
  help: boolean;
  seedAdmin: boolean;
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
  return {
    help: values.help ?? false,
    seedAdmin: values['seed-admin'] ?? false,
    options: {
      port: integer(values.port, '--port', 0, 65535) ?? 8765,
      host: values.host ?? '127.0.0.1',
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

  const emulator = await startEmulator(command.options);
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
