import { parseArgs } from 'node:util';
import { startEmulator } from './index';

const USAGE = `Usage: tsx local/emulator/cli.ts [options]

Runs the local Amazon Connect Voice ID emulator.

  --port <n>              Port to listen on; 0 picks a free port (default 0)
  --host <addr>           Interface to bind (default 127.0.0.1)
  --allow-non-loopback    Allow --host to be a non-loopback address (the emulator has no authentication)
  --state-file <path>     Load the world from this JSON file and save it there
  --clock-speed <x>       Emulated seconds per real second, 0 freezes time (default 1)
  --s3-endpoint <url>     S3 endpoint for batch jobs (default $AWS_ENDPOINT_URL_S3)
  --region <name>         Region in ARNs (default us-east-1)
  --account-id <12 digits> Account in ARNs (default 123456789012)
  --max-domains <n>       Domains per account (default 3)
  --help                  Show this help
`;

class UsageError extends Error {}

function number(name: string, raw: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got '${raw}'`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-non-loopback': { type: 'boolean' },
        'state-file': { type: 'string' },
        'clock-speed': { type: 'string' },
        's3-endpoint': { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        'max-domains': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e: unknown) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = number('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'an integer from 0 to 65535');
  const clockSpeed = number('clock-speed', values['clock-speed'], (n) => n >= 0, 'a number >= 0');
  const maxDomains = number('max-domains', values['max-domains'], (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
  if (values['account-id'] !== undefined && !/^[0-9]{12}$/.test(values['account-id'])) throw new UsageError(`--account-id must be 12 digits`);
  if (values['s3-endpoint'] !== undefined && !/^https?:\/\/.+/.test(values['s3-endpoint'])) throw new UsageError('--s3-endpoint must be an http(s) URL');

  let emulator;
  try {
    emulator = await startEmulator({
      host: values.host,
      port,
      allowNonLoopback: values['allow-non-loopback'],
      statePath: values['state-file'],
      clockSpeed,
      s3Endpoint: values['s3-endpoint'],
      region: values.region,
      accountId: values['account-id'],
      maxDomains,
      log: (line) => process.stderr.write(`[voice-id-emulator] ${line}\n`),
    });
  } catch (e: unknown) {
    if (e instanceof Error && e.message.startsWith('Refusing to bind')) throw new UsageError(e.message);
    throw e;
  }
  process.stdout.write(`Voice ID emulator listening on ${emulator.url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[voice-id-emulator] ${signal}: stopping\n`);
    void emulator.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
