import type { AddressInfo } from 'node:net';
import { createEmulatorServer } from './server';
import { QUOTAS } from './quotas';
import type { VoiceIdEvent } from './events';
import { VoiceIdService } from './service';

export interface EmulatorOptions {
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Allow binding a non-loopback interface (the emulator has no authentication). @default false */
  allowNonLoopback?: boolean;
  /** S3 endpoint for batch jobs and S3 session audio. @default process.env.AWS_ENDPOINT_URL_S3 */
  s3Endpoint?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '123456789012' */
  accountId?: string;
  /** JSON file the world is loaded from on start and saved to on change and on stop. @default none (memory only) */
  statePath?: string;
  /** Emulated seconds per real second; 0 freezes the clock. @default 1 */
  clockSpeed?: number;
  /** Domains per account (deleted domains do not count). @default 3 */
  maxDomains?: number;
  /** Concurrent active sessions per domain (a quota accounts can raise). @default 50 */
  maxActiveSessionsPerDomain?: number;
  /** Receives one line per notable event. @default no logging */
  log?: (line: string) => void;
  /** Receives Voice ID's EventBridge events (batch jobs submitted and ended), as the default bus would. @default none delivered */
  onEvent?: (event: VoiceIdEvent) => void;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: the endpoint for VoiceIDClient and for EmulatorControl. */
  url: string;
  port: number;
  /** The emulated time (epoch ms): the local world's clock. */
  now(): number;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Starts the Voice ID emulator. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !host.startsWith('127.') && !options.allowNonLoopback) {
    throw new Error(`Refusing to bind ${host}: the emulator has no authentication; set allowNonLoopback (CLI: --allow-non-loopback) to bind a non-loopback interface`);
  }
  const service = new VoiceIdService({
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    maxDomains: options.maxDomains ?? 3,
    maxActiveSessionsPerDomain: options.maxActiveSessionsPerDomain ?? QUOTAS.activeSessionsPerDomain,
    s3Endpoint: options.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3,
    statePath: options.statePath,
    clockSpeed: options.clockSpeed ?? 1,
    log: options.log ?? (() => undefined),
    onEvent: options.onEvent,
  });
  const server = createEmulatorServer(service);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (e: unknown) {
    service.stop();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    now: () => service.clock.now(),
    stop: async () => {
      service.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { EmulatorControl } from './control-client';
export type { StartSessionRequest, FaultRequest, ClockState, SessionInfo } from './control-client';
