/**
 * The workflow's wait for a Voice ID batch job, from all three ends: the Step Functions `.waitForTaskToken` Task
 * (`{ taskToken, jobId, jobType }`), the EventBridge rule on Voice ID's batch job events (`source: aws.voiceid`),
 * and the polling schedule (`source: aws.events`, a Scheduled Event). Thin adapter around {@link startWaiting},
 * {@link onJobEvent} and {@link pollWaitingJobs}.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { VoiceIDClient } from '@aws-sdk/client-voice-id';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { Environment } from '../shared/env';
import { DynamoDbJobWaits } from './adapters/job-waits';
import { StepFunctionsTaskTokens } from './adapters/task-tokens';
import { VoiceIdJobs } from './adapters/voice-id-jobs';
import { BATCH_ENV, BATCH_EVENT_ACTIONS } from './config';
import { JOB_TYPES, type JobType } from './domain/manifest';
import { type AwaitJobDependencies, type EventOutcome, onJobEvent, type PollResult, pollWaitingJobs, startWaiting, type WaitOutcome } from './use-case/await-job';
import { fieldsToFix } from './step-input';

const logger = new Logger({ serviceName: 'voice-id-batch-workflow' });
const env = new Environment(process.env);
const deps: AwaitJobDependencies = {
  waits: new DynamoDbJobWaits(DynamoDBDocumentClient.from(new DynamoDBClient({})), env.requiredString(BATCH_ENV.batchJobsTableName)),
  jobs: new VoiceIdJobs(new VoiceIDClient({}), env.requiredString(BATCH_ENV.voiceIdDomainId)),
  tokens: new StepFunctionsTaskTokens(new SFNClient({})),
  now: () => Date.now(),
};

// A job none of whose events arrived within one poll interval of the wait's start is polled from then on.
const pollGraceMs = env.requiredInteger(BATCH_ENV.pollIntervalSeconds, { min: 60, max: 3600 }) * 1000;

const JOB_ID = z.string().check(z.regex(/^[a-zA-Z0-9]{22}$/));
const WaitTask = z.object({ taskToken: z.string().check(z.minLength(1), z.maxLength(1024)), jobId: JOB_ID, jobType: z.enum(JOB_TYPES) });
const VoiceIdBatchEvent = z.object({
  source: z.literal('aws.voiceid'),
  detail: z.object({ action: z.enum([BATCH_EVENT_ACTIONS.SPEAKER_ENROLLMENT, BATCH_EVENT_ACTIONS.FRAUDSTER_REGISTRATION]), sourceId: z.string().check(z.minLength(1)), batchJobId: JOB_ID }),
});

const ScheduledEvent = z.object({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') });

export class InvalidWaitInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWaitInput';
  }
}

export async function handler(event: unknown): Promise<{ outcome: WaitOutcome | EventOutcome } | PollResult> {
  const task = WaitTask.safeParse(event);
  if (task.success) {
    const outcome = await startWaiting(task.data, deps);
    if (outcome === 'CHECK_FAILED') logger.warn('Waiting for a batch job; it could not be described now (its events or the poll end the wait)', { jobId: task.data.jobId, jobType: task.data.jobType });
    else logger.info('Waiting for a batch job', { jobId: task.data.jobId, jobType: task.data.jobType, outcome });
    return { outcome };
  }
  const voiceIdEvent = VoiceIdBatchEvent.safeParse(event);
  if (voiceIdEvent.success) {
    const { batchJobId, sourceId, action } = voiceIdEvent.data.detail;
    const outcome = await onJobEvent({ jobId: batchJobId, sourceId }, deps, pollGraceMs);
    logger.info('Voice ID batch job event', { jobId: batchJobId, jobType: jobTypeOf(action), outcome });
    return { outcome };
  }
  if (ScheduledEvent.safeParse(event).success) {
    const polled = await pollWaitingJobs(deps, pollGraceMs);
    if (polled.failedDescribes > 0) logger.error('Some batch jobs could not be described by the poll', { ...polled });
    else if (polled.jobs > 0) logger.info('Polled the batch jobs executions wait for', { ...polled });
    return polled;
  }
  // Field names only: the event itself is not logged.
  throw new InvalidWaitInput(
    `Expected a wait task { taskToken, jobId, jobType }, a Voice ID batch event or a scheduled poll; fix: ${fieldsToFix([...task.error.issues, ...voiceIdEvent.error.issues])}`,
  );
}

function jobTypeOf(action: string): JobType {
  return action === BATCH_EVENT_ACTIONS.SPEAKER_ENROLLMENT ? 'SPEAKER_ENROLLMENT' : 'FRAUDSTER_REGISTRATION';
}
