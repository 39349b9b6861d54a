/**
 * The batch workflow end to end on the local stack: the synthesized state machine (cdk.out, tokens resolved) run by
 * aws-local-stepfunctions, its bundled step functions, the Voice ID emulator through the real SDK, its batch job
 * events matched against the synthesized rules, dynalite and the local S3.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeSpeakerEnrollmentJobCommand, ListFraudsterRegistrationJobsCommand, ListSpeakerEnrollmentJobsCommand, VoiceIDClient } from '@aws-sdk/client-voice-id';
import { objectCreatedEvent, uploadObject, uploadVoice } from '../../../local/scenario/batch-uploads';
import { type BatchWorkflowStack, startBatchWorkflowStack } from '../../../local/workflow/batch-workflow-stack';
import type { ExecutionRecord } from '../../../local/workflow/local-workflow';

const ASSEMBLY = path.join(__dirname, '..', '..', '..', 'cdk.out');
/** Emulated seconds per real second: the 5-minute poll schedule fires every 0.5 s, a minute's wait for the lock is 100 ms. */
const TIME_SCALE = 600;
let world: BatchWorkflowStack;
let voiceId: VoiceIDClient;
let documents: DynamoDBDocumentClient;
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-id-workflow-'));

beforeAll(async () => {
  world = await startBatchWorkflowStack(ASSEMBLY, { timeScale: TIME_SCALE, statePath: path.join(stateDir, 'emulator.json') });
  voiceId = new VoiceIDClient({});
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const bucket = world.stack.buckets.batchInput;
  await Promise.all([
    uploadVoice(world.s3, bucket, 'audio/ana.wav', 'voice-ana'),
    uploadVoice(world.s3, bucket, 'audio/ben.wav', 'voice-ben'),
    uploadVoice(world.s3, bucket, 'audio/cleo.wav', 'voice-cleo'),
    uploadVoice(world.s3, bucket, 'audio/dan.wav', 'voice-dan'),
    uploadVoice(world.s3, bucket, 'audio/fraudster.wav', 'voice-mallory'),
    // Valid audio with too little speech for Voice ID: only the job can tell.
    uploadVoice(world.s3, bucket, 'audio/short.wav', 'voice-eve', 8),
  ]);
}, 120_000);

afterAll(async () => {
  voiceId?.destroy();
  documents?.destroy();
  await world?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await world.stack.control.clearFaults();
  await world.stack.control.dropEvents(false);
  await world.stack.control.setClockSpeed(TIME_SCALE);
  await world.stack.control.setJobDuration(null);
  world.workflow.setSchedulesEnabled(true);
});

const inputBucket = () => world.stack.buckets.batchInput;
const text = async (key: string) => (await world.s3.send(new GetObjectCommand({ Bucket: inputBucket(), Key: key }))).Body!.transformToString();
const exists = (key: string) => world.s3.send(new HeadObjectCommand({ Bucket: inputBucket(), Key: key })).then(() => true, () => false);

/** Uploads a manifest and delivers S3's event to the local default bus: the upload path of the deployed app. */
async function upload(key: string, body: string, metadata?: Record<string, string>): Promise<ExecutionRecord> {
  const event = await uploadObject(world.s3, inputBucket(), key, body, metadata);
  const before = world.workflow.executions.length;
  const delivered = await world.workflow.putEvents([event]);
  expect(delivered.map((d) => d.target)).toEqual(['STATE_MACHINE']);
  return world.workflow.executions[before];
}

async function outcomesOf(jobId: string): Promise<Array<Record<string, unknown>>> {
  const { Items } = await documents.send(new QueryCommand({ TableName: world.stack.tables.batchJobs, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :req)', ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':req': 'REQ#' } }));
  return Items ?? [];
}

/** Waits (real time) until `condition` holds; the emulated clock is usually frozen meanwhile, so no job can end early. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

/**
 * Uploads with the emulated clock stopped until the execution has begun waiting (and its first describe answered),
 * so that its job cannot end before the wait: the wait must then be ended by an event or by the poll.
 */
async function uploadWithJobHeldUntilWaited(key: string, body: string): Promise<ExecutionRecord> {
  await world.stack.control.setClockSpeed(0);
  const execution = await upload(key, body);
  await until(() => execution.tasksRun.includes('WaitForJob'), 'the wait began');
  await new Promise((r) => setTimeout(r, 200));
  await world.stack.control.setClockSpeed(TIME_SCALE);
  return execution;
}

const jobIdsOf = (execution: ExecutionRecord) => ((execution.output as { jobs?: Array<{ jobId: string }> } | undefined)?.jobs ?? []).map((j) => j.jobId);
const count = (list: readonly string[], name: string) => list.filter((n) => n === name).length;

describe('the batch workflow (synthesized definition, bundled functions, emulator)', () => {
  test('every Task state of the synthesized definition has a route, and nothing uses what the local runner cannot run', () => {
    expect(Object.keys(world.workflow.routes).sort()).toEqual([
      'FinishAfterError', 'FinishBatch', 'Prepare', 'PublishCompletion', 'PublishRefusal', 'RecordJob', 'ReleaseAllLocks', 'ReleaseLock', 'ReleaseLockAfterError',
      'StartFraudsterRegistrationJob', 'StartSpeakerEnrollmentJob', 'TakeLock', 'WaitForJob',
    ]);
    // aws-local-stepfunctions silently ignores JSONata, Arguments/Output/Assign, distributed maps and ItemReader.
    const definition = JSON.stringify(world.workflow.definition);
    for (const unsupported of ['"QueryLanguage":"JSONata"', '"Arguments"', '"Output"', '"Assign"', '"ItemReader"', '"DISTRIBUTED"']) expect(definition).not.toContain(unsupported);
  });

  test('a clean upload: validated, one job started and waited for through its event, every speaker recorded, a summary and a completion event', async () => {
    // The job cannot end before the wait has begun (the clock stands still until then), and no poll: its end event must finish the wait.
    world.workflow.setSchedulesEnabled(false);
    const done = await (await uploadWithJobHeldUntilWaited('enrollment/clean.csv', 'speakerId,audio key\nC1001,audio/ana.wav\nC1002,audio/ben.wav\n')).done;
    expect(done.status).toBe('SUCCEEDED');
    expect(done.tasksRun).toEqual(['Prepare', 'TakeLock', 'StartSpeakerEnrollmentJob', 'WaitForJob', 'RecordJob', 'ReleaseLock', 'FinishBatch', 'PublishCompletion']);
    // The execution's own event log agrees: each routed Task was entered.
    for (const task of done.tasksRun) expect(done.statesEntered).toContain(task);
    expect(world.workflow.deliveries.filter((d) => d.target === 'LAMBDA').map((d) => d.outcome)).toContainEqual({ outcome: 'COMPLETED_TASKS' });

    const [jobId] = jobIdsOf(done);
    expect((await outcomesOf(jobId)).map((o) => [o.requestId, o.outcome])).toEqual([['line-2', 'ENROLLED'], ['line-3', 'ENROLLED']]);
    // "What happened to speaker C1002" is one query.
    const { Items } = await documents.send(new QueryCommand({ TableName: world.stack.tables.batchJobs, IndexName: 'bySpeaker', KeyConditionExpression: 'customerSpeakerId = :s', ExpressionAttributeValues: { ':s': 'C1002' } }));
    expect(Items?.map((i) => [i.jobId, i.outcome, typeof i.generatedId])).toEqual([[jobId, 'ENROLLED', 'string']]);
    expect(await text('enrollment/clean.csv.summary.txt')).toMatch(/2 request\(s\) in 1 job\(s\)[\s\S]*Outcomes: ENROLLED 2\.[\s\S]*Batch status: COMPLETED/);
    expect(world.workflow.published.at(-1)).toEqual({
      source: 'voice-id-connect.batch',
      'detail-type': 'Voice ID Batch Workflow Completed',
      detail: { status: 'COMPLETED', bucket: inputBucket(), key: 'enrollment/clean.csv', jobType: 'SPEAKER_ENROLLMENT', summaryKey: 'enrollment/clean.csv.summary.txt', jobs: 1, counts: { ENROLLED: 2 } },
    });
  });

  test('some bad audio: the job completes with errors, each failed speaker recorded with Voice ID\'s code and message', async () => {
    const done = await (await upload('enrollment/partly-bad.csv', 'C2001,audio/cleo.wav\nC2002,audio/short.wav\n')).done;
    expect(done.status).toBe('SUCCEEDED');
    const outcomes = await outcomesOf(jobIdsOf(done)[0]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['ENROLLED', 'FAILED']);
    expect(outcomes[1]).toMatchObject({ errorCode: 400, errorMessage: expect.stringMatching(/Not enough speech/), customerSpeakerId: 'C2002' });
    expect(world.workflow.published.at(-1)?.detail).toMatchObject({ status: 'COMPLETED_WITH_ERRORS', counts: { ENROLLED: 1, FAILED: 1 } });
    expect(await text('enrollment/partly-bad.csv.summary.txt')).toMatch(/- line-2: error 400: Not enough speech/);
  });

  test('a job Voice ID fails: the execution fails after recording every request as failed, writing the summary and releasing the lock', async () => {
    await world.stack.control.injectFault({ operation: 'StartFraudsterRegistrationJob', type: 'JOB_FAILURE', count: 1 });
    const done = await (await upload('fraudsters/fails.csv', 'audio/fraudster.wav\n')).done;
    expect(done).toMatchObject({ status: 'FAILED', error: 'BatchJobFailed' });
    expect(done.tasksRun).toContain('ReleaseLock');
    expect(await outcomesOf(await lastJobId('FRAUDSTER_REGISTRATION'))).toEqual([expect.objectContaining({ outcome: 'FAILED', errorMessage: expect.stringMatching(/the job failed: .*JOB_FAILURE/) })]);
    expect(await text('fraudsters/fails.csv.summary.txt')).toMatch(/Batch status: FAILED/);
    expect(world.workflow.published.at(-1)?.detail).toMatchObject({ status: 'FAILED' });
    // The lock is free again: the next registration runs.
    const next = await (await upload('fraudsters/after-failure.csv', 'audio/fraudster.wav\n')).done;
    expect(next.status).toBe('SUCCEEDED');
  });

  test('an invalid manifest: no job, a report next to the input naming each line and the fix, the input untouched, a refusal event', async () => {
    const counts = await world.stack.control.requestCounts();
    const csv = 'C3001,audio/missing.wav\nC3002,audio/short.wav,1\n';
    const done = await (await upload('enrollment/invalid.csv', csv)).done;
    expect(done).toMatchObject({ status: 'FAILED', error: 'BatchManifestInvalid' });
    expect(done.tasksRun).toEqual(['Prepare', 'PublishRefusal']);
    expect((await world.stack.control.requestCounts()).StartSpeakerEnrollmentJob ?? 0).toBe(counts.StartSpeakerEnrollmentJob ?? 0);
    const report = await text('enrollment/invalid.csv.validation-report.txt');
    expect(report).toMatch(/line 1: audio audio\/missing.wav does not exist/);
    expect(report).toMatch(/line 2: audio audio\/short.wav: channel 1 was requested but the file has 1 channel/);
    expect(await text('enrollment/invalid.csv')).toBe(csv);
    expect(world.workflow.published.at(-1)?.detail).toMatchObject({ status: 'INVALID', reportKey: 'enrollment/invalid.csv.validation-report.txt', problems: 2 });
  });

  test('a manifest larger than a job: 501 fraudsters become two registration jobs, run one after the other', async () => {
    const lines = Array.from({ length: 501 }, () => 'audio/fraudster.wav').join('\n');
    const done = await (await upload('fraudsters/large.csv', lines, { 'duplicate-registration-action': 'REGISTER_AS_NEW' })).done;
    expect(done.status).toBe('SUCCEEDED');
    const jobIds = jobIdsOf(done);
    expect(jobIds).toHaveLength(2);
    expect(count(done.tasksRun, 'StartFraudsterRegistrationJob')).toBe(2);
    expect((await outcomesOf(jobIds[0])).length + (await outcomesOf(jobIds[1])).length).toBe(501);
  });

  test('two uploads at once: their jobs run one after the other (the second waits for the lock), both succeed', async () => {
    // The first job cannot end before the second execution has found the lock held.
    await world.stack.control.setClockSpeed(0);
    const [a, b] = await Promise.all([upload('enrollment/together-a.csv', 'C4001,audio/dan.wav\n'), upload('enrollment/together-b.csv', 'C4002,audio/ana.wav\n')]);
    await until(() => [a, b].some((e) => e.statesEntered.includes('WaitForLock')), 'one execution waits for the lock');
    await world.stack.control.setClockSpeed(TIME_SCALE);
    const [doneA, doneB] = await Promise.all([a.done, b.done]);
    expect([doneA.status, doneB.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(count(doneA.statesEntered, 'WaitForLock') + count(doneB.statesEntered, 'WaitForLock')).toBeGreaterThan(0);
    const jobs = await Promise.all([jobIdsOf(doneA)[0], jobIdsOf(doneB)[0]].map(async (JobId) => (await voiceId.send(new DescribeSpeakerEnrollmentJobCommand({ DomainId: world.stack.domainId, JobId }))).Job!));
    const [first, second] = jobs.sort((x, y) => x.CreatedAt!.getTime() - y.CreatedAt!.getTime());
    expect(second.CreatedAt!.getTime()).toBeGreaterThanOrEqual(first.EndedAt!.getTime());
  });

  test('the same upload event delivered twice: two executions, one job', async () => {
    const jobsBefore = await enrollmentJobCount();
    const event = await uploadObject(world.s3, inputBucket(), 'enrollment/twice.csv', 'C5001,audio/cleo.wav\n');
    const before = world.workflow.executions.length;
    await world.workflow.putEvents([event]);
    await world.workflow.putEvents([event]);
    const [first, second] = await Promise.all(world.workflow.executions.slice(before).map((e) => e.done));
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(jobIdsOf(first)).toEqual(jobIdsOf(second));
    expect(await enrollmentJobCount()).toBe(jobsBefore + 1);
  });

  test('throttling while starting is retried by the state machine; a wait whose describe stays throttled still ends (its events do it)', async () => {
    await world.stack.control.injectFault({ operation: 'StartSpeakerEnrollmentJob', type: 'THROTTLING', count: 2 });
    // More than the wait function's SDK retries (3 attempts): its first describe fails for good.
    await world.stack.control.injectFault({ operation: 'DescribeSpeakerEnrollmentJob', type: 'THROTTLING', count: 3 });
    const before = (await world.stack.control.requestCounts()).DescribeSpeakerEnrollmentJob ?? 0;
    const done = await (await upload('enrollment/throttled.csv', 'C6001,audio/dan.wav\n')).done;
    expect(done.status).toBe('SUCCEEDED');
    expect(count(done.tasksRun, 'StartSpeakerEnrollmentJob')).toBe(3);
    expect(count(done.tasksRun, 'WaitForJob')).toBe(1);
    expect(((await world.stack.control.requestCounts()).DescribeSpeakerEnrollmentJob ?? 0) - before).toBeGreaterThanOrEqual(4);
  });

  test('job events that never arrive: the poll schedule describes the job and ends the wait, the execution pays nothing extra', async () => {
    // A job of 10 emulated minutes, longer than the poll's grace, which cannot end before the wait has begun.
    await world.stack.control.setJobDuration(600);
    const { dropped } = await world.stack.control.dropEvents(true);
    const polls = world.workflow.deliveries.length;
    const done = await (await uploadWithJobHeldUntilWaited('enrollment/no-events.csv', 'C7001,audio/ben.wav\n')).done;
    expect(done.status).toBe('SUCCEEDED');
    // One wait, completed from outside: no timeout, no second entry.
    expect(count(done.tasksRun, 'WaitForJob')).toBe(1);
    const pollDeliveries = world.workflow.deliveries.slice(polls).filter((d) => d.rule.startsWith('BatchWorkflowPollWaitingJobs'));
    expect(pollDeliveries.map((d) => d.outcome)).toContainEqual({ jobs: 1, leftToEvents: 0, describes: 1, completedJobs: 1, failedDescribes: 0 });
    // No describe before the grace (one poll interval) was over, then at most one per interval.
    const describes = pollDeliveries.map((d) => (d.outcome as { describes: number }).describes);
    expect(describes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    // Both of the job's events (submitted, ended) were lost.
    expect((await world.stack.control.dropEvents(true)).dropped).toBe(dropped + 2);
  });

  test('the emulator restarted mid-job from its state file: the job resumes and the workflow finishes it', async () => {
    await world.stack.control.setClockSpeed(0);
    const execution = await upload('enrollment/restart.csv', 'C8001,audio/ana.wav\n');
    await until(() => execution.tasksRun.includes('WaitForJob'), 'the wait began');
    await world.stack.restartEmulator();
    const done = await execution.done;
    expect(done.status).toBe('SUCCEEDED');
    expect((await outcomesOf(jobIdsOf(done)[0])).map((o) => o.outcome)).toEqual(['ENROLLED']);
  });

  test('a lock left by an execution that ended (its release event lost) is taken over by the next execution that finds it held', async () => {
    const ended = world.workflow.executions.find((e) => e.status === 'SUCCEEDED')!;
    const now = world.stack.now();
    await documents.send(
      new PutCommand({
        TableName: world.stack.tables.batchJobs,
        Item: { pk: `LOCK#${world.stack.domainId}#SPEAKER_ENROLLMENT`, sk: 'LOCK', owner: 'enr-left-behind', executionArn: ended.executionArn, acquiredAt: new Date(now - 3600_000).toISOString(), expiresAt: Math.floor(now / 1000) + 86_400 },
      }),
    );
    const done = await (await upload('enrollment/after-stale-lock.csv', 'C9001,audio/cleo.wav\n')).done;
    expect(done.status).toBe('SUCCEEDED');
    expect(count(done.statesEntered, 'WaitForLock')).toBe(0);
  });

  test('nothing the workflow wrote lands under an upload prefix with a suffix that starts it again', async () => {
    const { Contents } = await world.s3.send(new ListObjectsV2Command({ Bucket: inputBucket() }));
    const written = (Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.summary.txt') || k.endsWith('.validation-report.txt') || k.startsWith('voice-id-jobs/'));
    expect(written.length).toBeGreaterThan(0);
    for (const key of written) expect(await world.workflow.putEvents([await objectEventFor(key)])).toEqual([]);
    expect(await exists('enrollment/clean.csv')).toBe(true);
  });
});

async function objectEventFor(key: string): Promise<Record<string, unknown>> {
  return objectCreatedEvent(inputBucket(), key, 1, undefined);
}

async function enrollmentJobCount(): Promise<number> {
  return (await voiceId.send(new ListSpeakerEnrollmentJobsCommand({ DomainId: world.stack.domainId, MaxResults: 100 }))).JobSummaries?.length ?? 0;
}

async function lastJobId(type: 'FRAUDSTER_REGISTRATION'): Promise<string> {
  const jobs = (await voiceId.send(new ListFraudsterRegistrationJobsCommand({ DomainId: world.stack.domainId, MaxResults: 100 }))).JobSummaries ?? [];
  return [...jobs].sort((a, b) => b.CreatedAt!.getTime() - a.CreatedAt!.getTime())[0]?.JobId ?? `no ${type} job`;
}
