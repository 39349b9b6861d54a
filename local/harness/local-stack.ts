import { CreateDomainCommand, VoiceIDClient } from '@aws-sdk/client-voice-id';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BATCH_JOBS_TABLE, DECISIONS_TABLE, TABLE_DEFINITIONS } from '../../lambda/shared/table-definitions';
import { startEmulator } from '../emulator';
import type { EmulatorOptions } from '../emulator';
import { EmulatorControl } from '../emulator/control-client';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-constants';
import { createTables, startLocalDynamoDb } from './local-dynamodb';
import { startLocalS3 } from './local-s3';


export interface LocalStackOptions {
  /** Options passed to the Voice ID emulator (state file, clock speed, ...). */
  readonly emulator?: Omit<EmulatorOptions, 'host' | 'port' | 's3Endpoint' | 'region' | 'accountId'>;
  /** Name of the Voice ID domain created in the emulator. @default 'voice-id-connect' */
  readonly domainName?: string;
}

/** What a test or script needs to reach the local stack with unmodified AWS SDK clients. */
export interface LocalStack {
  /**
   * The SDK's standard settings: endpoints (`AWS_ENDPOINT_URL_<SERVICE>`), region and dummy credentials.
   * Apply them to `process.env` (or a child's environment) before creating clients.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly domainId: string;
  readonly tables: { readonly decisions: string; readonly batchJobs: string };
  readonly buckets: { readonly batchInput: string; readonly batchOutput: string };
  /** The emulator's control API: sessions (Amazon Connect's part), faults, quotas, time. */
  readonly control: EmulatorControl;
  /**
   * The local world's time (epoch ms): the emulator's clock, which tests move. In AWS, Voice ID's and
   * Lambda's clocks agree; locally, functions follow this one (see `LocalFunctionOptions.clock`).
   */
  now(): number;
  /**
   * Stops the emulator and starts it again on the same port from its state file (`emulator.statePath`), as a
   * process restart would: what was in flight (batch jobs) resumes from what was saved.
   */
  restartEmulator(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the emulator, dynalite and s3rver on ephemeral loopback ports, creates the tables from the
 * same definitions the CDK stack deploys, the buckets, and a Voice ID domain: the local twin of the
 * stateful stack.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const buckets = { batchInput: 'voice-id-connect-batch-input', batchOutput: 'voice-id-connect-batch-output' };
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
  try {
    const s3 = await startLocalS3(Object.values(buckets));
    stoppers.push(s3.stop);
    const dynamodb = await startLocalDynamoDb();
    stoppers.push(dynamodb.stop);
    const emulatorOptions = { ...options.emulator, s3Endpoint: s3.endpoint, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
    let emulator = await startEmulator({ ...emulatorOptions, port: 0 });
    stoppers.push(() => emulator.stop());

    // s3rver accepts only its own key pair; dynalite and the emulator accept any. Never real credentials.
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const ddb = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: LOCAL_REGION, credentials });
    const names = await createTables(ddb, TABLE_DEFINITIONS, 'local');
    ddb.destroy();

    const voiceId = new VoiceIDClient({ endpoint: emulator.url, region: LOCAL_REGION, credentials });
    const domain = await voiceId.send(
      new CreateDomainCommand({
        Name: options.domainName ?? 'voice-id-connect',
        ServerSideEncryptionConfiguration: { KmsKeyId: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/00000000-0000-0000-0000-000000000000` },
      }),
    );
    voiceId.destroy();

    return {
      env: {
        AWS_ENDPOINT_URL_VOICE_ID: emulator.url,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        // The development machines run Node 20; Lambda runs Node 22, which the SDK's notice is about.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      domainId: domain.Domain!.DomainId!,
      tables: { decisions: names[DECISIONS_TABLE.id], batchJobs: names[BATCH_JOBS_TABLE.id] },
      buckets,
      control: new EmulatorControl(emulator.url),
      now: () => emulator.now(),
      restartEmulator: async () => {
        if (!emulatorOptions.statePath) throw new Error('restartEmulator needs emulator.statePath: without a state file a restart loses the world');
        await emulator.stop();
        emulator = await startEmulator({ ...emulatorOptions, port: emulator.port });
      },
      stop: stopAll,
    };
  } catch (e: unknown) {
    await stopAll();
    throw e;
  }
}
