/**
 * Ties a Voice ID batch job's end to the execution waiting for it, without paying for the job's duration.
 *
 * The workflow waits in a `.waitForTaskToken` Task that calls {@link startWaiting}: the token is stored under the
 * job id, then the job is described once, and a job that already ended completes the task at once (so an event
 * that arrived before the token was stored loses nothing). Voice ID's batch events only say that something
 * happened to a job ({@link onJobEvent}): the job is described and, if it ended, the stored token completes.
 * Events are best effort, so a schedule calls {@link pollWaitingJobs} every poll interval. Voice ID sends an event when
 * a job is submitted. A job none of whose events arrived within a poll interval of the wait's start is described once
 * per interval (the fallback for a bus that delivers nothing). A job whose events arrive is described only at the
 * end its progress predicts (`PercentComplete` over the time it has run), in case its end event is the one lost: the
 * number of such checks does not grow with the job's duration. Neither path costs the execution anything while the
 * job runs (no state transitions); the wait Task's own timeout (hours) only catches a token lost for good.
 * Either way the final status comes from Describe*Job, never from an event.
 */
import { TERMINAL_JOB_STATUSES } from '../config';
import type { JobType } from '../domain/manifest';

export interface Wait {
  readonly jobId: string;
  readonly jobType: JobType;
  readonly taskToken: string;
  /** When the wait started (epoch ms); set by the store. */
  readonly registeredAtMs?: number;
}

/** A job as the workflow reads it; what the waiting Task's output is. */
export interface JobState {
  readonly jobId: string;
  readonly jobStatus: string;
  /** Where the job writes `<JobId>/<manifest>.out`. */
  readonly outputS3Uri: string;
  readonly failure?: { readonly statusCode: number; readonly message: string };
  /** When the job was created (epoch ms) and how far it got: what predicts its end. */
  readonly createdAtMs?: number;
  readonly percentComplete?: number;
}

export interface JobWaits {
  register(wait: Wait, nowMs: number): Promise<void>;
  /** Every execution waiting for the job (a re-delivered upload starts a second one for the same job). */
  find(jobId: string): Promise<Wait[]>;
  /** Every wait of every job. */
  all(): Promise<Wait[]>;
  clear(jobId: string, taskToken: string): Promise<void>;
  /** True the first time an event id is seen. */
  firstDelivery(sourceId: string, nowMs: number): Promise<boolean>;
  /** Remembers that an event about the job arrived (its events reach this account's bus). */
  recordJobEvent(jobId: string, nowMs: number): Promise<void>;
  jobEventSeen(jobId: string): Promise<boolean>;
  /** When the poll should look at the job next (epoch ms; 0 when never set). */
  nextCheckAt(jobId: string): Promise<number>;
  setNextCheckAt(jobId: string, atMs: number): Promise<void>;
  forgetDelivery(sourceId: string): Promise<void>;
}

export interface AwaitJobDependencies {
  readonly waits: JobWaits;
  readonly jobs: { describe(jobType: JobType, jobId: string): Promise<JobState> };
  readonly tokens: { succeed(taskToken: string, output: unknown): Promise<boolean> };
  readonly now: () => number;
}

/** `CHECK_FAILED`: the token is stored but the job could not be described now; the event or the poll finishes the wait. */
export type WaitOutcome = 'COMPLETED_TASK' | 'STILL_RUNNING' | 'TOKEN_STALE' | 'CHECK_FAILED';

export function isTerminal(jobStatus: string): boolean {
  return (TERMINAL_JOB_STATUSES as readonly string[]).includes(jobStatus);
}

/** The waiting Task's entry: store the token first, then look, so no ending can fall between the two. */
export async function startWaiting(wait: Wait, deps: AwaitJobDependencies): Promise<WaitOutcome> {
  await deps.waits.register(wait, deps.now());
  // Once the token is stored, a failing describe (throttled past the SDK's retries: 2 TPS are shared) must not fail
  // the wait and abandon a running job: the events and the poll still end it.
  try {
    const { outcome } = await completeAllIfEnded(wait.jobId, [wait], deps);
    return outcome === 'COMPLETED_TASKS' ? 'COMPLETED_TASK' : outcome === 'TOKENS_STALE' ? 'TOKEN_STALE' : 'STILL_RUNNING';
  } catch (error: unknown) {
    if (isTransient(error)) return 'CHECK_FAILED';
    throw error;
  }
}

/** Throttling, a service-side error or a network failure: worth waiting out. AccessDenied or a missing job is not. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  return /Throttl|TooManyRequests|InternalServer|ServiceUnavailable|Timeout|NetworkingError|ECONNRESET|ECONNREFUSED/.test(e.name ?? '') || (status !== undefined && status >= 500) || e.$retryable !== undefined;
}

export type EventOutcome = 'COMPLETED_TASKS' | 'STILL_RUNNING' | 'TOKENS_STALE' | 'DUPLICATE' | 'NOBODY_WAITING';

/**
 * A Voice ID batch event about `jobId` (`sourceId` de-duplicates deliveries). When the job still runs, the poll's next
 * look at it is brought forward to `graceMs` from now: an end event whose describe still says IN_PROGRESS must not
 * leave the wait to a check hours away.
 */
export async function onJobEvent(event: { readonly jobId: string; readonly sourceId: string }, deps: AwaitJobDependencies, graceMs = 5 * 60_000): Promise<EventOutcome> {
  if (!(await deps.waits.firstDelivery(event.sourceId, deps.now()))) return 'DUPLICATE';
  try {
    // Even when nobody waits yet (the submitted event usually beats the wait): the poller then leaves the job to its events.
    await deps.waits.recordJobEvent(event.jobId, deps.now());
    // No waiting token yet (the event beat the Task) or any more: the Task's own describe finishes it.
    const waits = await deps.waits.find(event.jobId);
    if (waits.length === 0) return 'NOBODY_WAITING';
    const { outcome } = await completeAllIfEnded(event.jobId, waits, deps);
    if (outcome === 'STILL_RUNNING') await deps.waits.setNextCheckAt(event.jobId, deps.now() + graceMs);
    return outcome;
  } catch (error: unknown) {
    // Let EventBridge's retry of this delivery be handled rather than dropped as a duplicate.
    await deps.waits.forgetDelivery(event.sourceId).catch(() => undefined);
    throw error;
  }
}

export interface PollResult {
  /** Jobs some execution waits for. */
  readonly jobs: number;
  /** Of those, the ones not described this time (too recent, or not due: left to their events until their predicted end). */
  readonly leftToEvents: number;
  readonly describes: number;
  readonly completedJobs: number;
  /** Describes that failed (throttled past the SDK's retries, access denied): the job is looked at again next time. */
  readonly failedDescribes: number;
}

/**
 * The polling fallback, on a schedule: each job some execution has waited for longer than `graceMs` is described when
 * it is due (they are few: one active job per type and domain), and the waits of those that ended are completed.
 * Describes run one after the other: the domain's batch APIs share 2 TPS.
 */
export async function pollWaitingJobs(deps: AwaitJobDependencies, graceMs: number): Promise<PollResult> {
  const byJob = new Map<string, Wait[]>();
  for (const wait of await deps.waits.all()) byJob.set(wait.jobId, [...(byJob.get(wait.jobId) ?? []), wait]);
  let completedJobs = 0;
  let describes = 0;
  const failures: unknown[] = [];
  const now = deps.now();
  for (const [jobId, waits] of byJob) {
    const oldest = Math.min(...waits.map((w) => w.registeredAtMs ?? 0));
    if (now - oldest < graceMs || now < (await deps.waits.nextCheckAt(jobId))) continue;
    describes++;
    // One job's failure (throttled past the SDK's retries) must not keep the poll from the others.
    try {
      const { state, outcome } = await completeAllIfEnded(jobId, waits, deps);
      if (outcome === 'COMPLETED_TASKS') completedJobs++;
      if (outcome !== 'STILL_RUNNING') continue;
      // Events arrive for this job: look again only when it should have ended. Otherwise: every interval.
      const next = (await deps.waits.jobEventSeen(jobId)) ? now + Math.max(graceMs, predictedRemainingMs(state, now) * 1.1) : now + graceMs;
      await deps.waits.setNextCheckAt(jobId, next);
    } catch (error: unknown) {
      failures.push(error);
    }
  }
  if (failures.length > 0 && failures.length === describes) throw failures[0];
  return { jobs: byJob.size, leftToEvents: byJob.size - describes, describes, completedJobs, failedDescribes: failures.length };
}

/** Longest the poll trusts a prediction: progress reports far off and a lost end event wait at most this long. */
export const MAX_PREDICTED_WAIT_MS = 24 * 3600_000;
/** Longest between checks of a job that reports no progress (or no creation time) to predict from. */
const MAX_UNPREDICTABLE_WAIT_MS = 3600_000;

/**
 * The time a running job still needs, from how far it got in the time it has run. A job reporting 0 % (or no creation
 * time) is looked at again after as long as it has run, at most an hour; one at 100 % but not ended (writing its
 * output) at once, that is after the grace.
 */
export function predictedRemainingMs(state: JobState, nowMs: number): number {
  const percent = state.percentComplete ?? 0;
  if (state.createdAtMs === undefined || percent <= 0) return Math.min(Math.max(0, nowMs - (state.createdAtMs ?? nowMs)), MAX_UNPREDICTABLE_WAIT_MS);
  if (percent >= 100) return 0;
  const elapsed = Math.max(0, nowMs - state.createdAtMs);
  return Math.min((elapsed * (100 - percent)) / percent, MAX_PREDICTED_WAIT_MS);
}

/** One describe for all the waits of a job (the 2 TPS are shared with every other batch call of the domain); the waits complete if it ended. */
async function completeAllIfEnded(jobId: string, waits: readonly Wait[], deps: AwaitJobDependencies): Promise<{ state: JobState; outcome: 'COMPLETED_TASKS' | 'STILL_RUNNING' | 'TOKENS_STALE' }> {
  const state = await deps.jobs.describe(waits[0].jobType, jobId);
  if (!isTerminal(state.jobStatus)) return { state, outcome: 'STILL_RUNNING' };
  const delivered = await Promise.all(waits.map((wait) => deliver(wait, state, deps)));
  return { state, outcome: delivered.some(Boolean) ? 'COMPLETED_TASKS' : 'TOKENS_STALE' };
}

/** Completes one waiting task with the job's final state and forgets its token; false when the token no longer waited. */
async function deliver(wait: Wait, state: JobState, deps: AwaitJobDependencies): Promise<boolean> {
  const delivered = await deps.tokens.succeed(wait.taskToken, state);
  await deps.waits.clear(wait.jobId, wait.taskToken);
  return delivered;
}
