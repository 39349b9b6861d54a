/**
 * The workflow's Record step (a `lambda:invoke` Task): a job that ended in, its per-request outcomes in the
 * batch-jobs table, counts out. Thin adapter around {@link recordJobResults}.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { Environment } from '../shared/env';
import { DynamoDbJobRecords } from './adapters/job-records';
import { S3BatchObjects } from './adapters/s3-batch-objects';
import { BATCH_ENV } from './config';
import { JOB_TYPES } from './domain/manifest';
import { type RecordedJob, recordJobResults } from './use-case/record-job-results';
import { fieldsToFix } from './step-input';

const logger = new Logger({ serviceName: 'voice-id-batch-workflow' });
const env = new Environment(process.env);
const inputBucket = env.requiredString(BATCH_ENV.inputBucket);
const outputBucket = env.requiredString(BATCH_ENV.outputBucket);
const s3 = new S3Client({});
const inputObjects = new S3BatchObjects(s3, inputBucket);
const outputObjects = new S3BatchObjects(s3, outputBucket);
const records = new DynamoDbJobRecords(
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  env.requiredString(BATCH_ENV.batchJobsTableName),
  env.requiredInteger(BATCH_ENV.recordRetentionDays, { min: 1, max: 3650 }),
);

const RecordEvent = z.object({
  jobType: z.enum(JOB_TYPES),
  inputKey: z.string(),
  manifestKey: z.string().check(z.minLength(1)),
  job: z.object({
    jobId: z.string().check(z.regex(/^[a-zA-Z0-9]{22}$/)),
    jobStatus: z.string(),
    outputS3Uri: z.string(),
    failure: z.optional(z.object({ statusCode: z.number(), message: z.string() })),
  }),
});

export async function handler(event: unknown): Promise<RecordedJob> {
  const parsed = RecordEvent.safeParse(event);
  if (!parsed.success) throw new Error(`The Record step's input must be { jobType, inputKey, manifestKey, job: { jobId, jobStatus, outputS3Uri } }; fix: ${fieldsToFix(parsed.error.issues)}`);
  const recorded = await recordJobResults(parsed.data, {
    readInput: async (key) => {
      const text = await inputObjects.readTextIfExists(key);
      if (text === undefined) throw new Error(`The job's manifest ${key} is gone from the batch input bucket`);
      return text;
    },
    readOutput: async (uri) => {
      const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
      // Only the job output bucket: this function may read no other, and a job pointed elsewhere is not ours.
      if (!match || match[1] !== outputBucket) throw new Error(`The job's output ${uri.slice(0, 80)} is not in the job output bucket ${outputBucket}`);
      return outputObjects.readTextIfExists(match[2]);
    },
    records,
    now: () => Date.now(),
  });
  logger.info('Batch job recorded', { jobId: recorded.jobId, jobStatus: recorded.jobStatus, counts: recorded.counts });
  return recorded;
}
