/**
 * A finished job's `.out` file, read into one outcome per request and a summary a person can read.
 *
 * Voice ID writes `<output prefix>/<JobId>/<input file name>.out` with `SuccessfulEnrollments` (or
 * `SuccessfulRegistrations`) and `Errors`; a request it lists nowhere did not happen either, and says so.
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */
import type { JobType } from './manifest';

export type RequestOutcome =
  | { readonly requestId: string; readonly outcome: 'ENROLLED' | 'OVERWRITTEN' | 'DUPLICATE_SKIPPED' | 'REGISTERED'; readonly generatedId: string; readonly similarityScore?: number }
  | { readonly requestId: string; readonly outcome: 'FAILED'; readonly errorCode: number; readonly errorMessage: string }
  | { readonly requestId: string; readonly outcome: 'MISSING' };

const ENROLLMENT_STATUS: Record<string, 'ENROLLED' | 'OVERWRITTEN' | 'DUPLICATE_SKIPPED'> = {
  NEW_ENROLLMENT: 'ENROLLED',
  ENROLLMENT_OVERWRITE: 'OVERWRITTEN',
  DUPLICATE_SKIPPED: 'DUPLICATE_SKIPPED',
};
// The documents spell a new registration both NEW_REGISTRATION (schema) and NEW_FRAUDSTER (prose).
const REGISTRATION_STATUS: Record<string, 'REGISTERED' | 'DUPLICATE_SKIPPED'> = {
  NEW_REGISTRATION: 'REGISTERED',
  NEW_FRAUDSTER: 'REGISTERED',
  DUPLICATE_SKIPPED: 'DUPLICATE_SKIPPED',
};

/** The `.out` file of a job whose manifest listed `requestIds`: one outcome per request, in manifest order. */
export function readJobOutput(text: string, jobType: JobType, requestIds: readonly string[]): RequestOutcome[] {
  const out = parseJsonQuietly(text, "Voice ID's output file is not JSON") as Record<string, unknown>;
  const byId = new Map<string, RequestOutcome>();
  const successes = (jobType === 'SPEAKER_ENROLLMENT' ? out.SuccessfulEnrollments : out.SuccessfulRegistrations) ?? [];
  if (!Array.isArray(successes)) throw new Error('the output file lists its successes in something other than a list');
  for (const entry of successes as Array<Record<string, unknown>>) {
    const requestId = String(entry.RequestId ?? '');
    if (jobType === 'SPEAKER_ENROLLMENT') {
      const outcome = ENROLLMENT_STATUS[String(entry.EnrollmentStatus)];
      byId.set(requestId, outcome ? { requestId, outcome, generatedId: String(entry.GeneratedSpeakerId ?? '') } : unknownStatus(requestId, entry.EnrollmentStatus));
    } else {
      const outcome = REGISTRATION_STATUS[String(entry.RegistrationStatus)];
      const similarity = typeof entry.FraudsterSimilarityScore === 'number' ? { similarityScore: entry.FraudsterSimilarityScore } : {};
      byId.set(requestId, outcome ? { requestId, outcome, generatedId: String(entry.GeneratedFraudsterId ?? ''), ...similarity } : unknownStatus(requestId, entry.RegistrationStatus));
    }
  }
  for (const entry of (Array.isArray(out.Errors) ? out.Errors : []) as Array<Record<string, unknown>>) {
    const requestId = String(entry.RequestId ?? '');
    byId.set(requestId, { requestId, outcome: 'FAILED', errorCode: Number(entry.ErrorCode ?? 0), errorMessage: String(entry.ErrorMessage ?? '') });
  }
  return requestIds.map((requestId) => byId.get(requestId) ?? { requestId, outcome: 'MISSING' });
}

function unknownStatus(requestId: string, status: unknown): RequestOutcome {
  return { requestId, outcome: 'FAILED', errorCode: 0, errorMessage: `Voice ID reported a status this workflow does not know (${String(status).slice(0, 40)}); check the request in the Voice ID console` };
}

/** What a person reads next to the input: counts, then each request that did not go through and why. */
export function jobSummary(input: { readonly key: string; readonly jobType: JobType }, jobs: ReadonlyArray<{ readonly jobId: string; readonly status: string; readonly outcomes: readonly RequestOutcome[] }>): string {
  const all = jobs.flatMap((j) => j.outcomes);
  const count = (o: RequestOutcome['outcome']) => all.filter((r) => r.outcome === o).length;
  const counts = (['ENROLLED', 'OVERWRITTEN', 'REGISTERED', 'DUPLICATE_SKIPPED', 'FAILED', 'MISSING'] as const).filter((o) => count(o) > 0).map((o) => `${o} ${count(o)}`);
  const failed = all.filter((r): r is Extract<RequestOutcome, { outcome: 'FAILED' | 'MISSING' }> => r.outcome === 'FAILED' || r.outcome === 'MISSING');
  return [
    `Summary of ${input.key} (${input.jobType}): ${all.length} request(s) in ${jobs.length} job(s).`,
    ...jobs.map((j) => `Job ${j.jobId}: ${j.status}`),
    `Outcomes: ${counts.join(', ') || 'none'}.`,
    ...(failed.length > 0 ? ['Requests that did not go through:'] : []),
    ...failed.map((r) => (r.outcome === 'MISSING' ? `- ${r.requestId}: not in Voice ID's output (the job did not process it); upload it again` : `- ${r.requestId}: error ${r.errorCode}: ${r.errorMessage}`)),
    '',
  ].join('\n');
}

/** JSON.parse, but its own message (which quotes the text around the error: speaker ids) replaced by `message`. */
export function parseJsonQuietly(text: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(message);
  }
}
