import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';
import { PutObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { VoiceIDClient } from '@aws-sdk/client-voice-id';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../local/emulator';
import { EmulatorControl } from '../../../local/emulator/control-client';

export const BUCKET = 'voice-id-test';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/voice-id-data-access';

export interface LocalS3 {
  readonly endpoint: string;
  readonly client: S3Client;
  put(key: string, body: Buffer | string): Promise<string>;
  getText(key: string): Promise<string>;
  stop(): Promise<void>;
}

/** s3rver on an ephemeral loopback port with one bucket, in a temp dir removed on stop. */
export async function startS3(): Promise<LocalS3> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'voice-id-emulator-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    put: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      return `s3://${BUCKET}/${key}`;
    },
    getText: async (key) => {
      const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return res.Body!.transformToString();
    },
    stop: async () => {
      client.destroy();
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

export interface Harness {
  readonly emulator: RunningEmulator;
  readonly control: EmulatorControl;
  readonly voiceId: VoiceIDClient;
  client(maxAttempts: number): VoiceIDClient;
  stop(): Promise<void>;
}

/** The emulator with a frozen clock (tests move it explicitly) and the real Voice ID client pointed at it. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ maxDomains: 100, clockSpeed: 0, ...options });
  const clients: VoiceIDClient[] = [];
  const client = (maxAttempts: number): VoiceIDClient => {
    const c = new VoiceIDClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      // The SDK's own retry logic, with a tiny backoff so retried tests stay fast.
      retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 5),
    });
    clients.push(c);
    return c;
  };
  const voiceId = client(1);
  return {
    emulator,
    control: new EmulatorControl(emulator.url),
    voiceId,
    client,
    stop: async () => {
      clients.forEach((c) => c.destroy());
      await emulator.stop();
    },
  };
}

export function enrollmentManifest(requests: { id: string; speaker: string; audio: string[]; channel?: number }[]): string {
  return JSON.stringify({
    Version: '1.0',
    SpeakerEnrollmentRequests: requests.map((r) => ({
      RequestId: r.id,
      SpeakerId: r.speaker,
      AudioSpecifications: r.audio.map((S3Uri) => ({ S3Uri, ChannelId: r.channel ?? 0 })),
    })),
  });
}

export function registrationManifest(requests: { id: string; audio: string[] }[]): string {
  return JSON.stringify({
    Version: '1.0',
    FraudsterRegistrationRequests: requests.map((r) => ({ RequestId: r.id, AudioSpecifications: r.audio.map((S3Uri) => ({ S3Uri, ChannelId: 0 })) })),
  });
}
