/**
 * A batch bucket (the input bucket, or the job output bucket for reading `.out` files) on the real S3 client. Endpoints resolve the standard SDK way, so
 * `AWS_ENDPOINT_URL_S3` points it at a local S3.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BatchObjects } from '../use-case/prepare-batch';
import { WAV_HEADER_BYTES } from '../domain/wav-header';

export class S3BatchObjects implements BatchObjects {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async readManifest(key: string, versionId?: string): Promise<{ text: string; metadata: Record<string, string>; versionId?: string; etag?: string }> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
    return { text: (await object.Body?.transformToString('utf-8')) ?? '', metadata: object.Metadata ?? {}, versionId: object.VersionId, etag: object.ETag };
  }

  /** The object's text, or undefined when there is none (with s3:ListBucket, S3 says 404 rather than 403). */
  async readTextIfExists(key: string): Promise<string | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await object.Body?.transformToString('utf-8')) ?? '';
    } catch (error: unknown) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** One ranged GET per object: its first bytes, and its size from Content-Range. */
  async inspectAudio(key: string): Promise<{ sizeBytes: number; head: Uint8Array } | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${WAV_HEADER_BYTES - 1}` }));
      const head = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      const total = /\/(\d+)$/.exec(object.ContentRange ?? '')?.[1];
      return { sizeBytes: total !== undefined ? Number(total) : head.length, head };
    } catch (error: unknown) {
      if (isMissing(error)) return undefined;
      // An empty object has no byte 0 to range over.
      if ((error as { name?: string }).name === 'InvalidRange') {
        const { ContentLength } = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return { sizeBytes: ContentLength ?? 0, head: new Uint8Array() };
      }
      throw error;
    }
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    // No encryption header: the bucket's default SSE-KMS applies (its policy refuses any other).
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
