/**
 * The batch workflow's Validate step (a Step Functions `lambda:invoke` Task): the uploaded manifest in, either
 * the jobs to start or a validation report out. Thin adapter around {@link prepareBatch}.
 *
 * Throws `InvalidBatchInput` for an event it cannot act on (the state machine fails the execution with it);
 * a manifest that breaks Voice ID's rules is not an error but `valid: false`, with the report's key.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { Environment } from '../shared/env';
import { S3BatchObjects } from './adapters/s3-batch-objects';
import { BATCH_ENV } from './config';
import { JOB_TYPES } from './domain/manifest';
import { type PrepareBatchResult, prepareBatch } from './use-case/prepare-batch';
import { fieldsToFix } from './step-input';

const logger = new Logger({ serviceName: 'voice-id-batch-workflow' });
const env = new Environment(process.env);
const inputBucket = env.requiredString(BATCH_ENV.inputBucket);
const concurrency = env.integerOrDefault(BATCH_ENV.audioInspectionConcurrency, 32, { min: 1, max: 256 });
const objects = new S3BatchObjects(new S3Client({}), inputBucket);

/** The input of an execution: what an upload event's transformer or a direct start gives. */
const PrepareEvent = z.object({
  bucket: z.string(),
  key: z.string().check(z.minLength(1), z.maxLength(1024)),
  // An upload event's transformer gives null for an object without a version.
  versionId: z.optional(z.nullable(z.string())),
  jobType: z.enum(JOB_TYPES),
  /** A direct start's job options (see domain/job-options.ts); they win over the object's metadata. */
  options: z.optional(z.record(z.string(), z.string())),
});

/** An execution input this step cannot act on. */
export class InvalidBatchInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBatchInput';
  }
}

export async function handler(event: unknown): Promise<PrepareBatchResult> {
  const parsed = PrepareEvent.safeParse(event);
  if (!parsed.success) {
    const fields = fieldsToFix(parsed.error.issues);
    throw new InvalidBatchInput(`The execution input must be { bucket, key, versionId?, jobType: ${JOB_TYPES.join(' | ')}, options? }; fix: ${fields}`);
  }
  const { bucket, key, versionId, jobType, options } = parsed.data;
  if (bucket !== inputBucket) throw new InvalidBatchInput(`bucket must be the batch input bucket ${inputBucket}: Voice ID's data-access role reads no other`);
  const result = await prepareBatch({ bucket, key, versionId: versionId ?? '' }, jobType, { objects, sha256Hex: (text) => createHash('sha256').update(text).digest('hex'), concurrency }, options);
  // Counts only: keys and ids may name customers.
  if (result.valid) logger.info('Batch validated', { jobType, requests: result.requests, jobs: result.jobs.length });
  else logger.warn('Batch refused; validation report written', { jobType, problems: result.problems });
  return result;
}
