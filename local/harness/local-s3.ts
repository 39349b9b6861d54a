import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';
import { S3Client } from '@aws-sdk/client-s3';

export interface LocalS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts s3rver on an ephemeral loopback port, storing objects in a temporary directory removed on stop. */
export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'voice-id-connect-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * An S3 client for s3rver. Path-style addressing, because s3rver has no virtual-host DNS; checksums only
 * when required, because s3rver stores streamed uploads from SDK v3 corrupted when it sends them by default.
 */
export function localS3Client(endpoint?: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
