/**
 * The scripted scenario's batches, through the deployed batch workflow: recordings and a CSV uploaded to the
 * batch input bucket, S3's event on the local default bus, the execution it starts, and what it recorded.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { BatchWorkflowStack } from '../workflow/batch-workflow-stack';
import type { ExecutionRecord } from '../workflow/local-workflow';
import { uploadObject, uploadVoice } from './batch-uploads';
import type { EnrolledSpeaker } from './scenario-data';

export interface WorkflowBatch {
  readonly key: string;
  readonly execution: ExecutionRecord;
  /** What happened, stage by stage, in words. */
  readonly stages: string[];
  readonly summary: string;
}

/** Enrolls speakers through the workflow: two 20-second recordings each (30 s of net speech is the minimum). */
export async function enrollThroughWorkflow(world: BatchWorkflowStack, speakers: readonly EnrolledSpeaker[], key = 'enrollment/scenario-speakers.csv'): Promise<WorkflowBatch> {
  const lines = ['speakerId,audio key'];
  for (const speaker of speakers) {
    for (const part of [1, 2]) {
      const audioKey = `audio/${speaker.voice}-${part}.wav`;
      await uploadVoice(world.s3, world.stack.buckets.batchInput, audioKey, speaker.voice, 20);
      lines.push(`${speaker.customerId},${audioKey}`);
    }
  }
  return runUpload(world, key, `${lines.join('\n')}\n`);
}

/** Registers fraudsters through the workflow: one 40-second recording each, one request per line. */
export async function registerThroughWorkflow(world: BatchWorkflowStack, voices: readonly string[], key = 'fraudsters/scenario-fraudsters.csv'): Promise<WorkflowBatch> {
  const lines: string[] = [];
  for (const voice of voices) {
    const audioKey = `audio/${voice}-fraud.wav`;
    await uploadVoice(world.s3, world.stack.buckets.batchInput, audioKey, voice, 40);
    lines.push(audioKey);
  }
  return runUpload(world, key, `${lines.join('\n')}\n`);
}

async function runUpload(world: BatchWorkflowStack, key: string, body: string): Promise<WorkflowBatch> {
  const { workflow } = world;
  const event = await uploadObject(world.s3, world.stack.buckets.batchInput, key, body);
  const before = { executions: workflow.executions.length, deliveries: workflow.deliveries.length, published: workflow.published.length };
  const delivered = await workflow.putEvents([event]);
  const execution = workflow.executions[before.executions];
  if (!execution) throw new Error(`the upload of ${key} matched no rule (${JSON.stringify(delivered)})`);
  const done = await execution.done;
  const output = (done.output ?? {}) as { prepared?: { requests?: number; jobs?: unknown[] }; jobs?: Array<{ jobId: string; jobStatus: string; counts: Record<string, number> }> };
  const jobEvents = workflow.deliveries.slice(before.deliveries).filter((d) => d.target === 'LAMBDA');
  const completion = workflow.published.slice(before.published).at(-1) as { detail?: { status?: string } } | undefined;
  const stages = [
    `upload s3://${world.stack.buckets.batchInput}/${key} -> S3 event matched ${delivered.map((d) => d.rule.replace(/[0-9A-F]{8}$/, '')).join(', ')} -> execution ${done.executionArn.split(':').pop()}`,
    `Prepare: ${output.prepared?.requests ?? '?'} request(s) valid, ${output.prepared?.jobs?.length ?? '?'} job(s); tasks ${compactTasks(done.tasksRun)}`,
    ...(output.jobs ?? []).map((j) => `job ${j.jobId}: ${j.jobStatus} (${Object.entries(j.counts).map(([k, v]) => `${k} ${v}`).join(', ')})`),
    `Voice ID batch events delivered to the wait function: ${jobEvents.length} (${jobEvents.map((d) => (d.outcome as { outcome?: string }).outcome).join(', ')})`,
    `execution ${done.status}; completion event ${completion?.detail?.status ?? 'none'}; summary ${key}.summary.txt`,
  ];
  const summary = await (await world.s3.send(new GetObjectCommand({ Bucket: world.stack.buckets.batchInput, Key: `${key}.summary.txt` }))).Body!.transformToString();
  return { key, execution: done, stages, summary };
}

function compactTasks(tasks: readonly string[]): string {
  const out: string[] = [];
  for (const t of tasks) {
    const last = out.at(-1);
    if (last?.split(' x')[0] === t) out[out.length - 1] = `${t} x${Number(last.split(' x')[1] ?? 1) + 1}`;
    else out.push(t);
  }
  return out.join(' > ');
}
