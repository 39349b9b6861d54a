/**
 * A validated manifest as Voice ID jobs: split into chunks Voice ID takes in one job, each with the manifest
 * Voice ID reads and a ClientToken that makes starting it idempotent.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process (hashing comes in as a function).
 */
import { type BatchRequest, type JobType, MAX_REQUESTS_PER_JOB } from './manifest';

/** The uploaded object a batch comes from: its identity, not the execution's, names its jobs. */
export interface InputObject {
  readonly bucket: string;
  readonly key: string;
  /** The object's version (the input bucket is versioned); '' for an unversioned object. */
  readonly versionId: string;
  /**
   * What else identifies the content read: the ETag when there is no version. A direct start names no version, so
   * without it a changed file at the same key would get the old file's tokens and Voice ID would answer with the old job.
   */
  readonly contentTag?: string;
}

export interface JobChunk {
  /** 0-based position of the chunk in the manifest. */
  readonly index: number;
  /** Voice ID's ClientToken: the same object and chunk always give the same token, so a re-delivered upload event starts no second job. */
  readonly clientToken: string;
  /** Voice ID's own manifest for the chunk. */
  readonly manifest: VoiceIdManifest;
  readonly requests: number;
}

export type VoiceIdManifest =
  | { readonly Version: '1.0'; readonly SpeakerEnrollmentRequests: ReadonlyArray<{ RequestId: string; SpeakerId: string; AudioSpecifications: Array<{ S3Uri: string; ChannelId: number }> }> }
  | { readonly Version: '1.0'; readonly FraudsterRegistrationRequests: ReadonlyArray<{ RequestId: string; AudioSpecifications: Array<{ S3Uri: string; ChannelId: number }> }> };

/**
 * Splits requests into the chunks Voice ID takes per job, in manifest order. `options` (the job's configuration) is
 * part of each token: the same file started again with other options is another job, not the old one.
 */
export function toJobChunks(requests: readonly BatchRequest[], jobType: JobType, input: InputObject, sha256Hex: (text: string) => string, options = ''): JobChunk[] {
  const size = MAX_REQUESTS_PER_JOB[jobType];
  const chunks: JobChunk[] = [];
  for (let index = 0; index * size < requests.length; index++) {
    const slice = requests.slice(index * size, (index + 1) * size);
    const audio = (r: BatchRequest) => r.audio.map((a) => ({ S3Uri: `s3://${input.bucket}/${a.key}`, ChannelId: a.channelId }));
    const manifest: VoiceIdManifest =
      jobType === 'SPEAKER_ENROLLMENT'
        ? { Version: '1.0', SpeakerEnrollmentRequests: slice.map((r) => ({ RequestId: r.requestId, SpeakerId: r.speakerId ?? '', AudioSpecifications: audio(r) })) }
        : { Version: '1.0', FraudsterRegistrationRequests: slice.map((r) => ({ RequestId: r.requestId, AudioSpecifications: audio(r) })) };
    chunks.push({ index, clientToken: clientTokenOf(input, jobType, index, sha256Hex, options), manifest, requests: slice.length });
  }
  return chunks;
}

/** `<type>-<sha256 of bucket, key, version (or content tag), options and chunk>`: 64 characters of `[a-zA-Z0-9-_]`, as ClientToken allows. */
export function clientTokenOf(input: InputObject, jobType: JobType, index: number, sha256Hex: (text: string) => string, options = ''): string {
  const prefix = jobType === 'SPEAKER_ENROLLMENT' ? 'enr' : 'frd';
  return `${prefix}-${sha256Hex(JSON.stringify([input.bucket, input.key, input.versionId, input.contentTag ?? '', options, jobType, index])).slice(0, 60)}`;
}
