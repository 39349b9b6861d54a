/**
 * The workflow's TakeLock and ReleaseLock steps (`lambda:invoke` Tasks): one active Voice ID job of each type per
 * domain, across every execution. Thin adapter around {@link DynamoDbJobLock}.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { Environment } from '../shared/env';
import { DynamoDbJobLock, type LockResult } from './adapters/job-lock';
import { BATCH_ENV } from './config';
import { JOB_TYPES } from './domain/manifest';

const env = new Environment(process.env);
const lock = new DynamoDbJobLock(DynamoDBDocumentClient.from(new DynamoDBClient({})), env.requiredString(BATCH_ENV.batchJobsTableName), env.requiredString(BATCH_ENV.voiceIdDomainId));

const LockEvent = z.object({
  action: z.enum(['acquire', 'release']),
  jobType: z.enum(JOB_TYPES),
  /** The job's ClientToken: the same chunk of the same upload always owns the same lock. */
  owner: z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/)),
});

export async function handler(event: unknown): Promise<{ lock: LockResult | 'RELEASED' }> {
  const parsed = LockEvent.safeParse(event);
  if (!parsed.success) throw new Error(`The lock step's input must be { action: acquire | release, jobType, owner }; fix: ${parsed.error.issues.map((i) => i.path.join('.') || '(input)').join(', ')}`);
  const { action, jobType, owner } = parsed.data;
  if (action === 'release') {
    await lock.release(jobType, owner);
    return { lock: 'RELEASED' };
  }
  return { lock: await lock.acquire(jobType, owner, Date.now()) };
}
