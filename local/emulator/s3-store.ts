import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** A batch job or session could not read or write an S3 object; the message is what the job reports. */
export class S3AccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3AccessError';
  }
}

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new S3AccessError(`Not an S3 URI: ${uri}`);
  return { bucket: m[1], key: m[2] };
}

/** Voice ID rejects audio files over 20 MB; checking the size first avoids downloading them. */
export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;

/**
 * The emulator's way to S3: the real S3 API against a local endpoint (s3rver in tests), path-style and with
 * checksums only when required because s3rver corrupts streamed uploads otherwise. Without an endpoint it
 * refuses to touch S3, so the emulator can never reach real AWS.
 */
export class S3Store {
  private readonly client?: S3Client;

  constructor(endpoint: string | undefined, region: string) {
    if (endpoint) {
      this.client = new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        // s3rver does not verify signatures; real credentials must never leave for a local server.
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
    }
  }

  private s3(): S3Client {
    if (!this.client) throw new S3AccessError('No S3 endpoint is configured (option s3Endpoint or AWS_ENDPOINT_URL_S3)');
    return this.client;
  }

  async get(uri: string, maxBytes?: number): Promise<Buffer> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      if (maxBytes !== undefined) {
        const head = await this.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        if ((head.ContentLength ?? 0) > maxBytes) throw new S3AccessError(`Object ${uri} is larger than ${maxBytes} bytes`);
      }
      const res = await this.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!res.Body) throw new S3AccessError(`Object ${uri} has no body`);
      return Buffer.from(await res.Body.transformToByteArray());
    } catch (e: unknown) {
      if (e instanceof S3AccessError) throw e;
      throw new S3AccessError(`Unable to read ${uri}: ${e instanceof Error ? e.name : String(e)}`);
    }
  }

  async put(uri: string, body: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      await this.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    } catch (e: unknown) {
      if (e instanceof S3AccessError) throw e;
      throw new S3AccessError(`Unable to write ${uri}: ${e instanceof Error ? e.name : String(e)}`);
    }
  }

  destroy(): void {
    this.client?.destroy();
  }
}
