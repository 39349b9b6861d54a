/**
 * A Voice ID batch job that ended, recorded: its `.out` file read into one outcome per request of the manifest
 * the workflow wrote (a request the file leaves out is MISSING, a FAILED job fails every request with the job's
 * reason), each outcome and the job written to the batch-jobs table. Returns the counts, never the outcomes:
 * a 10,000-speaker job would not fit a Step Functions state.
 */
import type { VoiceIdManifest } from '../domain/jobs';
import { parseJsonQuietly, type RequestOutcome, readJobOutput } from '../domain/job-results';
import type { JobType } from '../domain/manifest';
import type { JobRecord, RecordedOutcome } from '../adapters/job-records';
import type { JobState } from './await-job';

export interface RecordJobInput {
  readonly jobType: JobType;
  readonly inputKey: string;
  /** Key of the manifest the job ran, in the batch input bucket. */
  readonly manifestKey: string;
  readonly job: JobState;
}

export interface RecordJobDependencies {
  readonly readInput: (key: string) => Promise<string>;
  /** The `.out` file, or undefined when the job wrote none. */
  readonly readOutput: (s3Uri: string) => Promise<string | undefined>;
  readonly records: { write(job: JobRecord, outcomes: readonly RecordedOutcome[], nowMs: number): Promise<void> };
  readonly now: () => number;
}

export interface RecordedJob {
  readonly jobId: string;
  readonly jobStatus: string;
  readonly counts: Readonly<Record<string, number>>;
}

export async function recordJobResults(input: RecordJobInput, deps: RecordJobDependencies): Promise<RecordedJob> {
  const manifest = parseJsonQuietly(await deps.readInput(input.manifestKey), `the job's manifest ${input.manifestKey} is not JSON`) as VoiceIdManifest;
  const requests = 'SpeakerEnrollmentRequests' in manifest ? manifest.SpeakerEnrollmentRequests : manifest.FraudsterRegistrationRequests;
  const requestIds = requests.map((r) => r.RequestId);
  const speakerOf = new Map<string, string | undefined>(requests.map((r) => [r.RequestId, 'SpeakerId' in r ? String(r.SpeakerId) : undefined]));
  const { job } = input;
  const outputUri = `${job.outputS3Uri.replace(/\/+$/, '')}/${job.jobId}/${input.manifestKey.split('/').pop()}.out`;
  const text = job.jobStatus === 'FAILED' ? undefined : await deps.readOutput(outputUri);
  const outcomes: RequestOutcome[] =
    text !== undefined
      ? readJobOutput(text, input.jobType, requestIds)
      : requestIds.map((requestId) => ({
          requestId,
          outcome: 'FAILED' as const,
          errorCode: job.failure?.statusCode ?? 0,
          errorMessage: job.failure ? `the job failed: ${job.failure.message}` : `the job ended ${job.jobStatus} without an output file`,
        }));
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  await deps.records.write(
    { jobId: job.jobId, jobType: input.jobType, jobStatus: job.jobStatus, inputKey: input.inputKey, manifestKey: input.manifestKey, counts, ...(job.failure && { failure: job.failure }) },
    outcomes.map((outcome) => ({ outcome, customerSpeakerId: speakerOf.get(outcome.requestId) })),
    deps.now(),
  );
  return { jobId: job.jobId, jobStatus: job.jobStatus, counts };
}
