/**
 * The workflow's first step: read an uploaded manifest, check everything Voice ID would otherwise reject after a
 * job started (the manifest's rules, and every audio object: present, WAV, 8 kHz, PCM-16, at most 2 channels,
 * at most 20 MB, the channel named), and either write Voice ID's manifests for the jobs to start or a
 * validation report next to the input. The input object is only read, never moved or changed.
 */
import { type InputObject, type JobChunk, toJobChunks } from '../domain/jobs';
import { type JobConfig, jobConfigOf } from '../domain/job-options';
import { type JobType, type ManifestProblem, parseManifest } from '../domain/manifest';
import { audioProblems } from '../domain/wav-header';

/** The batch input bucket, as far as preparing a batch needs it. */
export interface BatchObjects {
  /** The object's text, its user metadata (names lower-cased, without `x-amz-meta-`), and the version and ETag read. */
  readManifest(key: string, versionId?: string): Promise<{ readonly text: string; readonly metadata: Readonly<Record<string, string>>; readonly versionId?: string; readonly etag?: string }>;
  /** Size and first bytes of an audio object, or undefined when there is none. */
  inspectAudio(key: string): Promise<{ readonly sizeBytes: number; readonly head: Uint8Array } | undefined>;
  putText(key: string, body: string, contentType: string): Promise<void>;
}

export interface PrepareBatchDependencies {
  readonly objects: BatchObjects;
  readonly sha256Hex: (text: string) => string;
  /** Audio objects inspected at once. */
  readonly concurrency: number;
}

/** Where the workflow writes what it derives from an input: never under the prefixes uploads start it from. */
export const JOBS_PREFIX = 'voice-id-jobs/';
/** Suffix of the validation report written next to an input that is refused. */
export const VALIDATION_REPORT_SUFFIX = '.validation-report.txt';

export interface PreparedJob {
  readonly index: number;
  readonly clientToken: string;
  /** Key of Voice ID's manifest for this job, in the input bucket. */
  readonly manifestKey: string;
  readonly requests: number;
}

export type PrepareBatchResult =
  | { readonly valid: true; readonly jobType: JobType; readonly requests: number; readonly config: JobConfig; readonly jobs: readonly PreparedJob[] }
  | { readonly valid: false; readonly jobType: JobType; readonly problems: number; readonly reportKey: string };

/** `options` are a direct start's job options; they win over the object's metadata. */
export async function prepareBatch(input: InputObject, jobType: JobType, deps: PrepareBatchDependencies, options: Readonly<Record<string, string>> = {}): Promise<PrepareBatchResult> {
  const read = await deps.objects.readManifest(input.key, input.versionId || undefined);
  const { text, metadata } = read;
  // The jobs are named by what was actually read: the version S3 served (a direct start may name none) and its ETag.
  // The ETag always counts too: S3 reports the version "null" for objects written while versioning was off.
  const identity: InputObject = { bucket: input.bucket, key: input.key, versionId: read.versionId ?? input.versionId, ...(read.etag && { contentTag: read.etag }) };
  const { config, problems: optionProblems } = jobConfigOf(jobType, metadata, options);
  const parsed = parseManifest(text, jobType, input.bucket);
  const problems: ManifestProblem[] = [...optionProblems, ...(parsed.ok ? await audioProblemsOf(parsed.requests, deps) : parsed.problems)];
  if (problems.length > 0 || config === undefined) {
    const reportKey = `${input.key}${VALIDATION_REPORT_SUFFIX}`;
    await deps.objects.putText(reportKey, validationReport(input, jobType, problems), 'text/plain; charset=utf-8');
    return { valid: false, jobType, problems: problems.length, reportKey };
  }
  const requests = parsed.ok ? parsed.requests : [];
  const chunks = toJobChunks(requests, jobType, identity, deps.sha256Hex, JSON.stringify(config));
  const jobs: PreparedJob[] = [];
  for (const chunk of chunks) {
    // Named by the chunk's ClientToken: a re-delivered upload writes the same manifest again, no second one.
    const manifestKey = `${JOBS_PREFIX}${chunk.clientToken}.json`;
    await deps.objects.putText(manifestKey, JSON.stringify(chunk.manifest), 'application/json');
    jobs.push(describeJob(chunk, manifestKey));
  }
  return { valid: true, jobType, requests: requests.length, config, jobs };
}

function describeJob(chunk: JobChunk, manifestKey: string): PreparedJob {
  return { index: chunk.index, clientToken: chunk.clientToken, manifestKey, requests: chunk.requests };
}

/** Inspects each distinct audio object once, `concurrency` at a time, and lists what breaks Voice ID's rules. */
async function audioProblemsOf(requests: ReadonlyArray<{ readonly audio: ReadonlyArray<{ key: string; channelId: number; at: string }> }>, deps: PrepareBatchDependencies): Promise<ManifestProblem[]> {
  const uses = requests.flatMap((r) => r.audio);
  const keys = [...new Set(uses.map((a) => a.key))];
  const inspected = new Map<string, Awaited<ReturnType<BatchObjects['inspectAudio']>>>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(deps.concurrency, keys.length) }, async () => {
      while (next < keys.length) {
        const key = keys[next++];
        inspected.set(key, await deps.objects.inspectAudio(key));
      }
    }),
  );
  const problems: ManifestProblem[] = [];
  for (const use of uses) {
    const object = inspected.get(use.key);
    if (!object) {
      problems.push({ at: use.at, message: `audio ${use.key} does not exist in the batch input bucket; upload it or fix the key` });
      continue;
    }
    for (const problem of audioProblems(object.sizeBytes, object.head, use.channelId)) problems.push({ at: use.at, message: `audio ${use.key}: ${problem.message}` });
  }
  return problems;
}

/** The report a user reads next to a refused input: one line per problem, where, what and how to fix it. */
export function validationReport(input: InputObject, jobType: JobType, problems: readonly ManifestProblem[]): string {
  return [
    `Validation report for s3://${input.bucket}/${input.key}${input.versionId ? ` (version ${input.versionId})` : ''}`,
    `Job type: ${jobType}. No job was started; the input was left as it is. Fix the problems below and upload the file again.`,
    `${problems.length} problem(s):`,
    ...problems.map((p) => `- ${p.at}: ${p.message}`),
    '',
  ].join('\n');
}
