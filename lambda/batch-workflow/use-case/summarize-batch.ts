/**
 * The end of a batch: the summary a person reads next to the input (counts, each job's status, every request that
 * did not go through and why), and the batch's status and counts for the completion event.
 */
import { SUMMARY_SUFFIX } from '../config';
import { jobSummary, type RequestOutcome } from '../domain/job-results';
import type { JobType } from '../domain/manifest';

export type BatchStatus = 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';

/** A chunk whose steps failed after their retries: no outcome of it was recorded. */
export interface FailedChunk {
  readonly jobStatus: 'WORKFLOW_ERROR';
  readonly chunk: number;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface SummarizeInput {
  readonly inputKey: string;
  readonly jobType: JobType;
  readonly jobs: ReadonlyArray<{ readonly jobId: string; readonly jobStatus: string } | FailedChunk>;
  /** The workflow's own error, when it stopped before every job ended (`Error`/`Cause` as Step Functions catches them). */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface SummarizeDependencies {
  readonly outcomes: (jobId: string) => Promise<RequestOutcome[]>;
  readonly putText: (key: string, body: string) => Promise<void>;
}

export interface BatchSummary {
  readonly status: BatchStatus;
  readonly summaryKey: string;
  readonly jobs: number;
  readonly counts: Readonly<Record<string, number>>;
}

export async function summarizeBatch(input: SummarizeInput, deps: SummarizeDependencies): Promise<BatchSummary> {
  const jobs = [];
  const failedChunks: FailedChunk[] = [];
  for (const job of input.jobs) {
    if ('jobId' in job) jobs.push({ jobId: job.jobId, status: job.jobStatus, outcomes: await deps.outcomes(job.jobId) });
    else failedChunks.push(job);
  }
  const counts: Record<string, number> = {};
  for (const o of jobs.flatMap((j) => j.outcomes)) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  const failedRequests = (counts.FAILED ?? 0) + (counts.MISSING ?? 0);
  const status: BatchStatus =
    input.error !== undefined || failedChunks.length > 0 || jobs.some((j) => j.status === 'FAILED') ? 'FAILED' : failedRequests > 0 || jobs.some((j) => j.status !== 'COMPLETED') ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED';
  const lines = [jobSummary({ key: input.inputKey, jobType: input.jobType }, jobs)];
  for (const failed of failedChunks) {
    lines.push(`Chunk ${failed.chunk + 1} of the file failed in the workflow (${failed.error?.Error ?? 'error'}: ${firstLine(failed.error?.Cause)}); none of its requests were recorded. Once the cause is fixed, start the workflow again for this same version ({ bucket, key, versionId, jobType }): chunks already done are answered with their jobs, not run again. Uploading the file again makes a new version, whose every chunk runs again.\n`);
  }
  if (input.error !== undefined) {
    lines.push(`The workflow stopped early: ${input.error.Error ?? 'error'}: ${firstLine(input.error.Cause)}. Requests of jobs not listed above were not recorded; once the cause is fixed, start the workflow again for this same version ({ bucket, key, versionId, jobType }).\n`);
  }
  lines.push(`Batch status: ${status}.\n`);
  const summaryKey = `${input.inputKey}${SUMMARY_SUFFIX}`;
  await deps.putText(summaryKey, lines.join(''));
  return { status, summaryKey, jobs: jobs.length, counts };
}

/** The cause can be long (a stack); its first line is what a person acts on, and the execution history has the rest. */
function firstLine(cause: string | undefined): string {
  return (cause ?? '').split('\n')[0].slice(0, 300) || 'no cause given';
}
