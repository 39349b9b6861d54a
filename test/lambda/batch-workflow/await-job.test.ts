/**
 * The wait for a Voice ID batch job, with the real DynamoDB adapter on dynalite and a recording stand-in for
 * Step Functions' SendTaskSuccess: the orderings a best-effort event bus and a polling fallback can produce.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbJobWaits } from '../../../lambda/batch-workflow/adapters/job-waits';
import { type AwaitJobDependencies, isTransient, type JobState, MAX_PREDICTED_WAIT_MS, onJobEvent, pollWaitingJobs, predictedRemainingMs, startWaiting } from '../../../lambda/batch-workflow/use-case/await-job';
import { BATCH_JOBS_TABLE } from '../../../lambda/shared/table-definitions';
import { type LocalTable, startLocalTable } from '../../support/local-table';

let local: LocalTable;
let documents: DynamoDBDocumentClient;
let table: string;
const JOB = 'abcdefghijklmnopqrstu1';

beforeAll(async () => {
  local = await startLocalTable(BATCH_JOBS_TABLE, 'wait-test-');
  ({ documents, table } = local);
});

afterAll(async () => {
  await local?.stop();
});

/** A job whose status the test sets, Step Functions tokens that record what completed them, and the real table. */
function world(jobId: string) {
  let status = 'IN_PROGRESS';
  let now = Date.now();
  const createdAtMs = now;
  const completed: Array<{ token: string; output: JobState }> = [];
  const stale = new Set<string>();
  let describes = 0;
  const deps: AwaitJobDependencies = {
    waits: new DynamoDbJobWaits(documents, table),
    jobs: {
      describe: async () => {
        describes++;
        // Steady progress: 1% per emulated minute since creation.
        const percentComplete = Math.min(99, Math.floor((now - createdAtMs) / 60_000));
        return { jobId, jobStatus: status, outputS3Uri: 's3://out/jobs', ...(status === 'IN_PROGRESS' && { createdAtMs, percentComplete }) };
      },
    },
    tokens: {
      succeed: async (token, output) => {
        if (stale.has(token)) return false;
        completed.push({ token, output: output as JobState });
        return true;
      },
    },
    now: () => now,
  };
  return { deps, completed, stale, end: (s: string) => (status = s), describes: () => describes, advance: (ms: number) => (now += ms) };
}

describe('waiting for a batch job', () => {
  test('the usual order: the task waits, the job ends, its event completes the task with the described status', async () => {
    const w = world(JOB);
    expect(await startWaiting({ jobId: JOB, jobType: 'SPEAKER_ENROLLMENT', taskToken: 't1' }, w.deps)).toBe('STILL_RUNNING');
    // The "submitted" event: the job has not ended, nothing happens.
    expect(await onJobEvent({ jobId: JOB, sourceId: 's-submitted' }, w.deps)).toBe('STILL_RUNNING');
    w.end('COMPLETED_WITH_ERRORS');
    expect(await onJobEvent({ jobId: JOB, sourceId: 's-ended' }, w.deps)).toBe('COMPLETED_TASKS');
    expect(w.completed).toEqual([{ token: 't1', output: { jobId: JOB, jobStatus: 'COMPLETED_WITH_ERRORS', outputS3Uri: 's3://out/jobs' } }]);
    // The token is forgotten: a late duplicate finds nobody waiting.
    expect(await onJobEvent({ jobId: JOB, sourceId: 's-late' }, w.deps)).toBe('NOBODY_WAITING');
  });

  test('the event arrives before the task stored its token: nothing is lost, the task\'s own describe finishes it', async () => {
    const w = world('abcdefghijklmnopqrstu2');
    w.end('COMPLETED');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu2', sourceId: 'early' }, w.deps)).toBe('NOBODY_WAITING');
    expect(await startWaiting({ jobId: 'abcdefghijklmnopqrstu2', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't2' }, w.deps)).toBe('COMPLETED_TASK');
    expect(w.completed.map((c) => c.output.jobStatus)).toEqual(['COMPLETED']);
  });

  test('a re-delivered event is handled once (one describe, one completion)', async () => {
    const w = world('abcdefghijklmnopqrstu3');
    await startWaiting({ jobId: 'abcdefghijklmnopqrstu3', jobType: 'FRAUDSTER_REGISTRATION', taskToken: 't3' }, w.deps);
    w.end('FAILED');
    const before = w.describes();
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu3', sourceId: 'same' }, w.deps)).toBe('COMPLETED_TASKS');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu3', sourceId: 'same' }, w.deps)).toBe('DUPLICATE');
    expect(w.describes() - before).toBe(1);
    expect(w.completed).toHaveLength(1);
  });

  test('two executions wait for the same job (a re-delivered upload): one event completes both', async () => {
    const w = world('abcdefghijklmnopqrstu4');
    await startWaiting({ jobId: 'abcdefghijklmnopqrstu4', jobType: 'SPEAKER_ENROLLMENT', taskToken: 'first' }, w.deps);
    await startWaiting({ jobId: 'abcdefghijklmnopqrstu4', jobType: 'SPEAKER_ENROLLMENT', taskToken: 'second' }, w.deps);
    w.end('COMPLETED');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu4', sourceId: 'e4' }, w.deps)).toBe('COMPLETED_TASKS');
    expect(w.completed.map((c) => c.token).sort()).toEqual(['first', 'second']);
  });

  test('no event ever comes: once the wait is older than the grace, the poll describes the job once per run and completes its waits when it ended', async () => {
    const w = world('abcdefghijklmnopqrstu5');
    expect(await startWaiting({ jobId: 'abcdefghijklmnopqrstu5', jobType: 'SPEAKER_ENROLLMENT', taskToken: 'p1' }, w.deps)).toBe('STILL_RUNNING');
    expect(await startWaiting({ jobId: 'abcdefghijklmnopqrstu5', jobType: 'SPEAKER_ENROLLMENT', taskToken: 'p2' }, w.deps)).toBe('STILL_RUNNING');
    // Within the grace: the submitted event may still come.
    expect(await pollWaitingJobs(w.deps, 60_000)).toEqual({ jobs: 1, leftToEvents: 1, describes: 0, completedJobs: 0, failedDescribes: 0 });
    expect(await pollWaitingJobs(w.deps, 0)).toEqual({ jobs: 1, leftToEvents: 0, describes: 1, completedJobs: 0, failedDescribes: 0 });
    w.end('COMPLETED');
    expect(await pollWaitingJobs(w.deps, 0)).toEqual({ jobs: 1, leftToEvents: 0, describes: 1, completedJobs: 1, failedDescribes: 0 });
    expect(w.completed.map((c) => c.token).sort()).toEqual(['p1', 'p2']);
    expect(await pollWaitingJobs(w.deps, 0)).toEqual({ jobs: 0, leftToEvents: 0, describes: 0, completedJobs: 0, failedDescribes: 0 });
  });

  test('a job whose events arrive is described only when its progress says it should have ended, however long it runs', async () => {
    const w = world('abcdefghijklmnopqrstu8');
    // The submitted event usually comes before the wait.
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu8', sourceId: 'submitted-8' }, w.deps)).toBe('NOBODY_WAITING');
    await startWaiting({ jobId: 'abcdefghijklmnopqrstu8', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't8' }, w.deps);
    const start = w.describes();
    w.advance(10 * 60_000); // 10 minutes in: 10% done, so about 90 more minutes
    expect(await pollWaitingJobs(w.deps, 5 * 60_000)).toEqual({ jobs: 1, leftToEvents: 0, describes: 1, completedJobs: 0, failedDescribes: 0 });
    for (let minute = 0; minute < 90; minute += 5) {
      w.advance(5 * 60_000);
      expect(await pollWaitingJobs(w.deps, 5 * 60_000)).toMatchObject({ describes: 0 });
    }
    expect(w.describes() - start).toBe(1);
    // Its end event was the one lost: the check at the predicted end finds it ended.
    w.end('COMPLETED');
    for (let minute = 0; minute < 30 && w.completed.length === 0; minute += 5) {
      w.advance(5 * 60_000);
      await pollWaitingJobs(w.deps, 5 * 60_000);
    }
    expect(w.completed.map((c) => c.token)).toEqual(['t8']);
    expect(w.describes() - start).toBe(2);
  });

  test('a describe that fails once the token is stored does not fail the wait: the events or the poll end it', async () => {
    const w = world('abcdefghijklmnopqrstu9');
    const throttled = { ...w.deps, jobs: { describe: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })) } };
    expect(await startWaiting({ jobId: 'abcdefghijklmnopqrstu9', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't9' }, throttled)).toBe('CHECK_FAILED');
    w.end('COMPLETED');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu9', sourceId: 'e9' }, w.deps)).toBe('COMPLETED_TASKS');
  });

  test('a wait whose task timed out (a lost token) waits again with a new token: the stale one is forgotten', async () => {
    const w = world('abcdefghijklmnopqrstu7');
    await startWaiting({ jobId: 'abcdefghijklmnopqrstu7', jobType: 'SPEAKER_ENROLLMENT', taskToken: 'old' }, w.deps);
    w.stale.add('old');
    w.end('COMPLETED');
    expect(await startWaiting({ jobId: 'abcdefghijklmnopqrstu7', jobType: 'SPEAKER_ENROLLMENT', taskToken: 'new' }, w.deps)).toBe('COMPLETED_TASK');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu7', sourceId: 'e7' }, w.deps)).toBe('TOKENS_STALE');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu7', sourceId: 'e8' }, w.deps)).toBe('NOBODY_WAITING');
    expect(w.completed.map((c) => c.token)).toEqual(['new']);
  });

  test('a failure while handling an event lets EventBridge\'s retry of it through', async () => {
    const w = world('abcdefghijklmnopqrstu6');
    await startWaiting({ jobId: 'abcdefghijklmnopqrstu6', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't6' }, w.deps);
    w.end('COMPLETED');
    const failing = { ...w.deps, jobs: { describe: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })) } };
    await expect(onJobEvent({ jobId: 'abcdefghijklmnopqrstu6', sourceId: 'retry-me' }, failing)).rejects.toThrow('Rate exceeded');
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrstu6', sourceId: 'retry-me' }, w.deps)).toBe('COMPLETED_TASKS');
  });

  test('a prediction from progress reports that are far off is bounded: 100 % means look soon, 0 % means look after as long again (an hour at most), 1 % after an hour at most a day', () => {
    const state = (percentComplete: number | undefined, ranMinutes: number) => ({ jobId: 'j', jobStatus: 'IN_PROGRESS', outputS3Uri: '', createdAtMs: 0, percentComplete, ...(ranMinutes < 0 && { createdAtMs: undefined }) });
    const at = (minutes: number) => minutes * 60_000;
    expect(predictedRemainingMs(state(100, 480), at(480))).toBe(0);
    expect(predictedRemainingMs(state(0, 20), at(20))).toBe(at(20));
    expect(predictedRemainingMs(state(0, 360), at(360))).toBe(at(60));
    expect(predictedRemainingMs(state(1, 60), at(60))).toBe(MAX_PREDICTED_WAIT_MS);
    expect(predictedRemainingMs(state(50, 30), at(30))).toBe(at(30));
  });

  test('an event about a job that still runs brings the poll\'s next look forward to the grace', async () => {
    const w = world('abcdefghijklmnopqrst10');
    await startWaiting({ jobId: 'abcdefghijklmnopqrst10', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't10' }, w.deps);
    await w.deps.waits.setNextCheckAt('abcdefghijklmnopqrst10', w.deps.now() + 24 * 3600_000);
    expect(await onJobEvent({ jobId: 'abcdefghijklmnopqrst10', sourceId: 'e10' }, w.deps, 60_000)).toBe('STILL_RUNNING');
    expect(await w.deps.waits.nextCheckAt('abcdefghijklmnopqrst10')).toBe(w.deps.now() + 60_000);
  });

  test('only transient failures are waited out; a permanent one (access denied, no such job) fails the wait', async () => {
    expect(isTransient(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }))).toBe(false);
    const w = world('abcdefghijklmnopqrst11');
    const denied = { ...w.deps, jobs: { describe: async () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } })) } };
    await expect(startWaiting({ jobId: 'abcdefghijklmnopqrst11', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't11' }, denied)).rejects.toThrow('denied');
  });

  test('one job that cannot be described does not keep the poll from the others, and is counted', async () => {
    const ok = world('abcdefghijklmnopqrst12');
    await startWaiting({ jobId: 'abcdefghijklmnopqrst12', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't12' }, ok.deps);
    await startWaiting({ jobId: 'abcdefghijklmnopqrst13', jobType: 'SPEAKER_ENROLLMENT', taskToken: 't13' }, ok.deps);
    ok.end('COMPLETED');
    const mixed = {
      ...ok.deps,
      jobs: {
        describe: async (jobType: 'SPEAKER_ENROLLMENT' | 'FRAUDSTER_REGISTRATION', jobId: string) =>
          jobId === 'abcdefghijklmnopqrst13' ? Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })) : ok.deps.jobs.describe(jobType, jobId),
      },
    };
    // (Waits other tests left in the table are polled too: the assertions are about these two.)
    const polled = await pollWaitingJobs(mixed, 0);
    expect(polled.failedDescribes).toBe(1);
    expect(ok.completed.map((c) => c.token)).toContain('t12');
    expect(ok.completed.map((c) => c.token)).not.toContain('t13');
    await ok.deps.waits.clear('abcdefghijklmnopqrst13', 't13');
  });
});
