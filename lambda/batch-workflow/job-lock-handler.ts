/**
 * The workflow's lock steps (`lambda:invoke` Tasks) and the release of locks an execution left behind: one active
 * Voice ID job of each type per domain, across every execution. Thin adapter around {@link DynamoDbJobLock}.
 *
 * - `{ action: 'acquire', jobType, owner, executionArn }` -> `{ lock: ACQUIRED | HELD, retryAfterSeconds }`
 * - `{ action: 'release', jobType, owner }` and `{ action: 'releaseAll', jobType, owners }` (a Map that failed)
 * - a Step Functions "Execution Status Change" event (ABORTED, TIMED_OUT, FAILED) releases what that execution held.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { Environment } from '../shared/env';
import { DynamoDbJobLock, LOCK_LEASE_SECONDS, type LockResult } from './adapters/job-lock';
import { BATCH_ENV } from './config';
import { JOB_TYPES } from './domain/manifest';
import { fieldsToFix } from './step-input';

const logger = new Logger({ serviceName: 'voice-id-batch-workflow' });
const env = new Environment(process.env);
const lock = new DynamoDbJobLock(
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  env.requiredString(BATCH_ENV.batchJobsTableName),
  env.requiredString(BATCH_ENV.voiceIdDomainId),
  env.integerOrDefault(BATCH_ENV.lockLeaseSeconds, LOCK_LEASE_SECONDS, { min: 3600, max: 366 * 24 * 3600 }),
);

const sfn = new SFNClient({});
/** A holder older than this is checked: if its execution no longer runs, the lock is taken over. */
const CHECK_HOLDER_AFTER_SECONDS = 300;

const OWNER = z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/));
const LockEvent = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acquire'), jobType: z.enum(JOB_TYPES), owner: OWNER, executionArn: z.optional(z.string()) }),
  z.object({ action: z.literal('release'), jobType: z.enum(JOB_TYPES), owner: OWNER }),
  z.object({ action: z.literal('releaseAll'), jobType: z.enum(JOB_TYPES), owners: z.array(OWNER) }),
]);
const ExecutionEnded = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({ executionArn: z.string(), status: z.enum(['ABORTED', 'TIMED_OUT', 'FAILED']) }),
});

/** How long to wait before asking again: a quarter of the time the holder has had it, between 1 and 15 minutes. */
function retryAfter(heldSeconds: number): number {
  return Math.round(Math.min(900, Math.max(60, heldSeconds / 4)));
}

export async function handler(event: unknown): Promise<{ lock: LockResult | 'RELEASED'; retryAfterSeconds?: number } | { released: number }> {
  const ended = ExecutionEnded.safeParse(event);
  if (ended.success) {
    const released = await lock.releaseFor(ended.data.detail.executionArn);
    if (released > 0) logger.warn('Released the job lock of an execution that ended without releasing it', { status: ended.data.detail.status, released });
    return { released };
  }
  const parsed = LockEvent.safeParse(event);
  if (!parsed.success) throw new Error(`The lock step's input must be { action: acquire | release | releaseAll, jobType, owner(s) }; fix: ${fieldsToFix(parsed.error.issues)}`);
  const input = parsed.data;
  if (input.action === 'release') {
    await lock.release(input.jobType, input.owner);
    return { lock: 'RELEASED' };
  }
  if (input.action === 'releaseAll') {
    for (const owner of input.owners) await lock.release(input.jobType, owner);
    return { lock: 'RELEASED' };
  }
  const now = Date.now();
  let result = await lock.acquire(input.jobType, input.owner, now, input.executionArn);
  if (result === 'ACQUIRED') return { lock: result, retryAfterSeconds: 60 };
  const holder = await lock.holder(input.jobType, now);
  // The rule that releases an ended execution's lock is one best-effort delivery: if it was lost, the queue does not
  // wait for the lease. A holder whose execution no longer runs loses the lock (released only if still its own).
  // The same execution holding it for another chunk: that chunk's release failed, and its chunks run one at a time, so
  // the lock is this chunk's now (else the execution would wait for itself until it times out).
  const ownEarlierChunk = holder !== undefined && input.executionArn !== undefined && input.executionArn !== '' && holder.executionArn === input.executionArn;
  if (holder && holder.executionArn !== '' && (ownEarlierChunk || (holder.heldForSeconds > CHECK_HOLDER_AFTER_SECONDS && (await executionEnded(holder.executionArn))))) {
    if ((await lock.releaseFor(holder.executionArn)) > 0) {
      logger.warn('Took over the job lock of an execution that ended without releasing it', { jobType: input.jobType });
      result = await lock.acquire(input.jobType, input.owner, now, input.executionArn);
      if (result === 'ACQUIRED') return { lock: result, retryAfterSeconds: 60 };
    }
  }
  return { lock: result, retryAfterSeconds: retryAfter(holder?.heldForSeconds ?? 0) };
}

async function executionEnded(executionArn: string): Promise<boolean> {
  try {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    // Only the statuses known to be final: a status added later must not let a running holder be taken over.
    return status !== undefined && ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].includes(status);
  } catch (error: unknown) {
    // An execution that no longer exists (history expired) holds nothing; any other failure decides nothing.
    return (error as { name?: string }).name === 'ExecutionDoesNotExist';
  }
}
