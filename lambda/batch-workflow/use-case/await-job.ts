/**
 * Ties a Voice ID batch job's end to the execution waiting for it, without paying for the job's duration.
 *
 * The workflow waits in a `.waitForTaskToken` Task that calls {@link startWaiting}: the token is stored under the
 * job id, then the job is described once, and a job that already ended completes the task at once (so an event
 * that arrived before the token was stored loses nothing). Voice ID's batch events only say that something
 * happened to a job ({@link onJobEvent}): the job is described and, if it ended, the stored token completes.
 * Events are best effort, so a schedule calls {@link pollWaitingJobs} every poll interval. Voice ID sends an event when
 * a job is submitted: a job whose events arrive is left to them (the event path makes no periodic call, however long
 * the job runs); a job none of whose events arrived within a poll interval of the wait's start is described once per
 * interval (the fallback). Neither path costs the execution anything while the job runs (no state transitions). A
 * job whose submitted event arrived but whose end event is lost is caught by the wait Task's own timeout (hours):
 * the workflow then waits again with a new token, which describes the job once more.
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
  forgetDelivery(sourceId: string): Promise<void>;
}

export interface AwaitJobDependencies {
  readonly waits: JobWaits;
  readonly jobs: { describe(jobType: JobType, jobId: string): Promise<JobState> };
  readonly tokens: { succeed(taskToken: string, output: unknown): Promise<boolean> };
  readonly now: () => number;
}

export type WaitOutcome = 'COMPLETED_TASK' | 'STILL_RUNNING' | 'TOKEN_STALE';

export function isTerminal(jobStatus: string): boolean {
  return (TERMINAL_JOB_STATUSES as readonly string[]).includes(jobStatus);
}

/** The waiting Task's entry: store the token first, then look, so no ending can fall between the two. */
export async function startWaiting(wait: Wait, deps: AwaitJobDependencies): Promise<WaitOutcome> {
  await deps.waits.register(wait, deps.now());
  return completeIfEnded(wait, deps);
}

export type EventOutcome = 'COMPLETED_TASKS' | 'STILL_RUNNING' | 'TOKENS_STALE' | 'DUPLICATE' | 'NOBODY_WAITING';

/** A Voice ID batch event about `jobId` (`sourceId` de-duplicates deliveries). */
export async function onJobEvent(event: { readonly jobId: string; readonly sourceId: string }, deps: AwaitJobDependencies): Promise<EventOutcome> {
  if (!(await deps.waits.firstDelivery(event.sourceId, deps.now()))) return 'DUPLICATE';
  try {
    // Even when nobody waits yet (the submitted event usually beats the wait): the poller then leaves the job to its events.
    await deps.waits.recordJobEvent(event.jobId, deps.now());
    // No waiting token yet (the event beat the Task) or any more: the Task's own describe finishes it.
    const waits = await deps.waits.find(event.jobId);
    if (waits.length === 0) return 'NOBODY_WAITING';
    return await completeAllIfEnded(event.jobId, waits, deps);
  } catch (error: unknown) {
    // Let EventBridge's retry of this delivery be handled rather than dropped as a duplicate.
    await deps.waits.forgetDelivery(event.sourceId).catch(() => undefined);
    throw error;
  }
}

export interface PollResult {
  /** Jobs some execution waits for. */
  readonly jobs: number;
  /** Of those, the ones left to their events (an event about them arrived) or too recent to judge. */
  readonly leftToEvents: number;
  readonly describes: number;
  readonly completedJobs: number;
}

/**
 * The polling fallback, on a schedule: every job some execution has waited for longer than `graceMs` without any of
 * its events arriving is described once (they are few: one active job per type and domain), and the waits of those
 * that ended are completed. Describes run one after the other: the domain's batch APIs share 2 TPS.
 */
export async function pollWaitingJobs(deps: AwaitJobDependencies, graceMs: number): Promise<PollResult> {
  const byJob = new Map<string, Wait[]>();
  for (const wait of await deps.waits.all()) byJob.set(wait.jobId, [...(byJob.get(wait.jobId) ?? []), wait]);
  let completedJobs = 0;
  let describes = 0;
  const now = deps.now();
  for (const [jobId, waits] of byJob) {
    const oldest = Math.min(...waits.map((w) => w.registeredAtMs ?? 0));
    if (now - oldest < graceMs || (await deps.waits.jobEventSeen(jobId))) continue;
    describes++;
    if ((await completeAllIfEnded(jobId, waits, deps)) === 'COMPLETED_TASKS') completedJobs++;
  }
  return { jobs: byJob.size, leftToEvents: byJob.size - describes, describes, completedJobs };
}

/** One describe for all the waits of a job: the 2 TPS are shared with every other batch call of the domain. */
async function completeAllIfEnded(jobId: string, waits: readonly Wait[], deps: AwaitJobDependencies): Promise<'COMPLETED_TASKS' | 'STILL_RUNNING' | 'TOKENS_STALE'> {
  const state = await deps.jobs.describe(waits[0].jobType, jobId);
  if (!isTerminal(state.jobStatus)) return 'STILL_RUNNING';
  const delivered = await Promise.all(waits.map((wait) => deliver(wait, state, deps)));
  return delivered.some(Boolean) ? 'COMPLETED_TASKS' : 'TOKENS_STALE';
}

async function completeIfEnded(wait: Wait, deps: AwaitJobDependencies): Promise<WaitOutcome> {
  const state = await deps.jobs.describe(wait.jobType, wait.jobId);
  if (!isTerminal(state.jobStatus)) return 'STILL_RUNNING';
  return (await deliver(wait, state, deps)) ? 'COMPLETED_TASK' : 'TOKEN_STALE';
}

/** Completes one waiting task with the job's final state and forgets its token; false when the token no longer waited. */
async function deliver(wait: Wait, state: JobState, deps: AwaitJobDependencies): Promise<boolean> {
  const delivered = await deps.tokens.succeed(wait.taskToken, state);
  await deps.waits.clear(wait.jobId, wait.taskToken);
  return delivered;
}
