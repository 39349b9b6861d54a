/**
 * The batch workflow's costs, on the local stack with the synthesized definition and bundled step functions:
 * - state transitions and Voice ID calls per job for simulated 1-hour and 8-hour jobs, with Voice ID's events
 *   delivered (the event path) and with every event lost (the poll schedule's fallback);
 * - validating a 10,000-line CSV whose audio all exists, next to the bare S3 I/O that validation cannot avoid
 *   (listing the audio and reading each header), measured in the same run;
 * - state transitions for a 10,000-speaker enrollment.
 * Runnable alone (`npx tsx bench/workflow.ts`) or as part of `npm run bench`. Results: bench/results/batch-workflow.*.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetObjectCommand, ListObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { encodeWav } from '../local/audio';
import { uploadObject, uploadVoice } from '../local/scenario/batch-uploads';
import { type BatchWorkflowStack, startBatchWorkflowStack } from '../local/workflow/batch-workflow-stack';
import { percentile, round } from './stats';

const ROOT = path.join(__dirname, '..');
/** One emulated hour per real second: the 5-minute poll schedule fires every 83 ms, an 8-hour job takes 8 s. */
const TIME_SCALE = 3600;
const SPEAKERS = 10_000;
const INSPECTION_CONCURRENCY = 32;
const TARGETS = { validationOverFloor: 1.5, describesPerMinute: 1 };

export interface JobCost {
  readonly jobHours: number;
  readonly path: 'events' | 'poll';
  readonly transitions: number;
  readonly voiceIdCalls: number;
  readonly describes: number;
  readonly describesPerMinute: number;
  readonly status: string;
}

export interface WorkflowBenchResults {
  readonly jobCosts: JobCost[];
  readonly validation: { readonly lines: number; readonly runs: number; readonly prepareMedianMs: number; readonly floorMedianMs: number; readonly ratio: number };
  readonly tenThousand: { readonly transitions: number; readonly jobs: number; readonly status: string; readonly seconds: number };
  readonly targets: Record<string, boolean>;
}

export async function workflowBench(): Promise<WorkflowBenchResults> {
  const world = await startBatchWorkflowStack(path.join(ROOT, 'cdk.out'), { timeScale: TIME_SCALE });
  try {
    const bucket = world.stack.buckets.batchInput;
    await uploadVoice(world.s3, bucket, 'bench/voice.wav', 'voice-ana');

    const jobCosts: JobCost[] = [];
    for (const jobHours of [1, 8]) {
      for (const via of ['events', 'poll'] as const) {
        await world.stack.control.setJobDuration(jobHours * 3600);
        await world.stack.control.dropEvents(via === 'poll');
        const before = await world.stack.control.requestCounts();
        const done = await runUpload(world, `enrollment/bench-${jobHours}h-${via}.csv`, `B${jobHours}${via === 'poll' ? 1 : 2},bench/voice.wav\n`);
        const after = await world.stack.control.requestCounts();
        const delta = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
        const describes = delta('DescribeSpeakerEnrollmentJob');
        const cost = { jobHours, path: via, transitions: done.statesEntered.length, voiceIdCalls: delta('StartSpeakerEnrollmentJob') + describes, describes, describesPerMinute: round(describes / (jobHours * 60), 3), status: done.status };
        jobCosts.push(cost);
        console.log(`job ${jobHours} h, ${via}: ${cost.transitions} state transitions, ${cost.voiceIdCalls} Voice ID calls (${describes} describes, ${cost.describesPerMinute}/min), ${cost.status}`);
      }
    }
    await world.stack.control.dropEvents(false);
    await world.stack.control.setJobDuration(null);

    const validation = await validationVersusFloor(world);
    console.log(`validation of ${validation.lines} lines: median ${validation.prepareMedianMs} ms vs S3 I/O floor ${validation.floorMedianMs} ms (${validation.ratio}x)`);

    // A whole 10,000-speaker enrollment through the workflow (every request fails for too little speech: the cost
    // in transitions does not depend on the outcome).
    await world.stack.control.setJobDuration(3600);
    const t0 = performance.now();
    const big = await runUpload(world, 'enrollment/bench-10000.csv', await text(world.s3, bucket, 'bench/speakers-10000.csv'));
    const tenThousand = { transitions: big.statesEntered.length, jobs: ((big.output as { jobs?: unknown[] } | undefined)?.jobs ?? []).length, status: big.status, seconds: round((performance.now() - t0) / 1000, 1) };
    console.log(`10,000 speakers: ${tenThousand.transitions} state transitions, ${tenThousand.jobs} job(s), ${tenThousand.status} in ${tenThousand.seconds} s`);

    const byKey = (h: number, p: string) => jobCosts.find((c) => c.jobHours === h && c.path === p)!;
    return {
      jobCosts,
      validation,
      tenThousand,
      targets: {
        eventPathNoGrowthWithDuration: byKey(8, 'events').transitions <= byKey(1, 'events').transitions && byKey(8, 'events').voiceIdCalls <= byKey(1, 'events').voiceIdCalls,
        fallbackAtMostOneDescribePerMinute: jobCosts.filter((c) => c.path === 'poll').every((c) => c.describesPerMinute <= TARGETS.describesPerMinute),
        everyJobSucceeded: jobCosts.every((c) => c.status === 'SUCCEEDED'),
        validationWithin1_5xOfS3Floor: validation.ratio <= TARGETS.validationOverFloor,
      },
    };
  } finally {
    await world.stop();
  }
}

async function runUpload(world: BatchWorkflowStack, key: string, body: string) {
  const event = await uploadObject(world.s3, world.stack.buckets.batchInput, key, body);
  const before = world.workflow.executions.length;
  await world.workflow.putEvents([event]);
  return world.workflow.executions[before].done;
}

async function text(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}

/** Uploads 10,000 small WAVs and the CSV naming them, then times the bundled Prepare function against the floor. */
async function validationVersusFloor(world: BatchWorkflowStack): Promise<WorkflowBenchResults['validation']> {
  const bucket = world.stack.buckets.batchInput;
  const wav = encodeWav([new Float32Array(4000)], 8000);
  // One at a time: s3rver writes each object to disk and answers InternalError under parallel writes.
  for (let i = 0; i < SPEAKERS; i++) await world.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `bench/audio/${i}.wav`, Body: wav }));
  const csv = `${Array.from({ length: SPEAKERS }, (_, i) => `S${i},bench/audio/${i}.wav`).join('\n')}\n`;
  await world.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bench/speakers-10000.csv', Body: csv }));

  const prepare = world.workflow.functionNamed('BatchWorkflowPrepareFunction');
  const runs = 3;
  const prepareMs: number[] = [];
  const floorMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const result = await prepare.invoke({ bucket, key: 'bench/speakers-10000.csv', jobType: 'SPEAKER_ENROLLMENT' });
    prepareMs.push(performance.now() - t0);
    if (!(result.result as { valid?: boolean } | undefined)?.valid) throw new Error(`the 10,000-line CSV did not validate: ${JSON.stringify(result).slice(0, 300)}`);
    floorMs.push(await s3Floor(world.s3, bucket));
  }
  const prepareMedianMs = round(percentile(prepareMs, 50), 0);
  const floorMedianMs = round(percentile(floorMs, 50), 0);
  return { lines: SPEAKERS, runs, prepareMedianMs, floorMedianMs, ratio: round(prepareMedianMs / floorMedianMs, 2) };
}

/** The I/O validation cannot avoid: list the audio, and read each file's first 4 KB, as many at once as validation does. */
async function s3Floor(s3: S3Client, bucket: string): Promise<number> {
  const t0 = performance.now();
  const keys: string[] = [];
  let marker: string | undefined;
  // ListObjects (v1): s3rver answers InternalError to a continued ListObjectsV2 over many keys.
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'bench/audio/', Marker: marker }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    marker = page.IsTruncated ? page.Contents?.at(-1)?.Key : undefined;
  } while (marker);
  let next = 0;
  await Promise.all(
    Array.from({ length: INSPECTION_CONCURRENCY }, async () => {
      for (let i = next++; i < keys.length; i = next++) await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys[i], Range: 'bytes=0-4095' }))).Body!.transformToByteArray();
    }),
  );
  return performance.now() - t0;
}

export function workflowMarkdown(r: WorkflowBenchResults, date: string): string {
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  return [
    `# Batch workflow benchmark (${date.slice(0, 10)})`,
    '',
    'Per job, on the local stack (synthesized definition, bundled step functions, emulator); transitions are the states entered, Map iterations included.',
    '',
    '| job | path | state transitions | Voice ID calls | describes | describes/min | execution |',
    '|---|---|---|---|---|---|---|',
    ...r.jobCosts.map((c) => `| ${c.jobHours} h | ${c.path === 'events' ? 'events delivered' : 'every event lost (poll schedule)'} | ${c.transitions} | ${c.voiceIdCalls} | ${c.describes} | ${c.describesPerMinute} | ${c.status} |`),
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| event path: transitions and calls, 1 h vs 8 h job | ${r.jobCosts.filter((c) => c.path === 'events').map((c) => `${c.transitions}/${c.voiceIdCalls}`).join(' vs ')} | no growth: ${ok(r.targets.eventPathNoGrowthWithDuration)} |`,
    `| fallback path: describes per minute of job | ${r.jobCosts.filter((c) => c.path === 'poll').map((c) => c.describesPerMinute).join(', ')} | <= 1: ${ok(r.targets.fallbackAtMostOneDescribePerMinute)} |`,
    `| validating a ${r.validation.lines}-line CSV (median of ${r.validation.runs}) | ${r.validation.prepareMedianMs} ms vs S3 floor ${r.validation.floorMedianMs} ms = ${r.validation.ratio}x | <= 1.5x: ${ok(r.targets.validationWithin1_5xOfS3Floor)} |`,
    `| state transitions for 10,000 speakers | ${r.tenThousand.transitions} (${r.tenThousand.jobs} job, ${r.tenThousand.status}, ${r.tenThousand.seconds} s) | |`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const results = await workflowBench();
  writeWorkflowResults(results);
}

export function writeWorkflowResults(results: WorkflowBenchResults): void {
  const date = new Date().toISOString();
  const outDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'batch-workflow.json'), `${JSON.stringify({ date, node: process.version, ...results }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'batch-workflow.md'), workflowMarkdown(results, date));
  console.log(`\n${workflowMarkdown(results, date)}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  });
}
