/**
 * The workflow's Finish step (a `lambda:invoke` Task): every job of an input ended (or the workflow stopped),
 * so write the summary next to the input and return the batch's status and counts for the completion event.
 * Thin adapter around {@link summarizeBatch}.
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
import { type BatchSummary, summarizeBatch } from './use-case/summarize-batch';
import { CaughtError, fieldsToFix } from './step-input';

const logger = new Logger({ serviceName: 'voice-id-batch-workflow' });
const env = new Environment(process.env);
const inputObjects = new S3BatchObjects(new S3Client({}), env.requiredString(BATCH_ENV.inputBucket));
const records = new DynamoDbJobRecords(DynamoDBDocumentClient.from(new DynamoDBClient({})), env.requiredString(BATCH_ENV.batchJobsTableName), 1);

const FinishEvent = z.object({
  inputKey: z.string().check(z.minLength(1)),
  jobType: z.enum(JOB_TYPES),
  jobs: z.array(
    z.union([
      z.object({ jobId: z.string(), jobStatus: z.string() }),
      z.object({ jobStatus: z.literal('WORKFLOW_ERROR'), chunk: z.number(), error: z.optional(CaughtError) }),
    ]),
  ),
  error: z.optional(CaughtError),
});

export async function handler(event: unknown): Promise<BatchSummary> {
  const parsed = FinishEvent.safeParse(event);
  if (!parsed.success) throw new Error(`The Finish step's input must be { inputKey, jobType, jobs: [{ jobId, jobStatus }], error? }; fix: ${fieldsToFix(parsed.error.issues)}`);
  const summary = await summarizeBatch(parsed.data, {
    outcomes: (jobId) => records.outcomes(jobId),
    putText: (key, body) => inputObjects.putText(key, body, 'text/plain; charset=utf-8'),
  });
  logger.info('Batch finished', { jobType: parsed.data.jobType, status: summary.status, jobs: summary.jobs, counts: summary.counts });
  return summary;
}
