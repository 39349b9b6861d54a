import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { synthesizeVoice } from '../audio';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/local-constants';

/**
 * Uploads to the batch input bucket and the `Object Created` event S3 sends EventBridge for each (s3rver sends
 * none): the shape of S3's EventBridge notification, with the version id S3 gave the object.
 */
export async function uploadObject(s3: S3Client, bucket: string, key: string, body: string | Uint8Array, metadata?: Record<string, string>): Promise<Record<string, unknown>> {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }));
  return objectCreatedEvent(bucket, key, typeof body === 'string' ? Buffer.byteLength(body) : body.length, put.VersionId);
}

export function objectCreatedEvent(bucket: string, key: string, size: number, versionId: string | undefined): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size, ...(versionId && { 'version-id': versionId }), sequencer: Date.now().toString(16).toUpperCase() },
      'request-id': randomUUID(),
      requester: LOCAL_ACCOUNT,
      reason: 'PutObject',
    },
  };
}

/** Uploads `seconds` of a synthetic voice as one recording (enrollment needs 30 s of net speech per request). */
export async function uploadVoice(s3: S3Client, bucket: string, key: string, voice: string, seconds = 40): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: synthesizeVoice({ voice, seconds, utterance: key }), ContentType: 'audio/wav' }));
}
