import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { synthesizeVoice } from '../local/audio';
import { contactFlowEvent } from '../local/harness/connect-event';
import type { LocalFunction } from '../local/harness/local-function';
import type { LocalStack } from '../local/harness/local-stack';
import type { BatchContext } from '../local/scenario/batch-jobs';
import { SCENARIO_CALLS, ScenarioCall } from '../local/scenario/scenario-data';
import { percentile, round } from './stats';

/** One call's audio, uploaded once to the local S3 and replayed by every call of its kind. */
export interface CallKind {
  readonly call: ScenarioCall;
  readonly s3Uri: string;
}

export async function uploadCallAudio(ctx: BatchContext): Promise<CallKind[]> {
  const kinds: CallKind[] = [];
  for (const [i, call] of SCENARIO_CALLS.entries()) {
    const key = `bench/call-${i}.wav`;
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.inputBucket, Key: key, Body: synthesizeVoice({ voice: call.voice, seconds: call.seconds, spoofed: call.spoofed, utterance: `bench-${i}` }) }));
    kinds.push({ call, s3Uri: `s3://${ctx.inputBucket}/${key}` });
  }
  return kinds;
}

export interface CallOutcome {
  readonly decision: string;
  readonly errorCode: string;
  readonly voiceIdCalls: number;
  /** From the flow invoking the Lambda to its answer, as Connect sees it. */
  readonly latencyMs: number;
}

let contactSeq = 0;

/**
 * One call as the flow intends it: the caller's audio streams (at 100x, so its speech is there within
 * a fraction of a second of real time), the flow invokes the Lambda once enough speech has streamed,
 * then the call ends.
 */
export async function runCall(stack: LocalStack, fns: readonly LocalFunction[], kind: CallKind): Promise<CallOutcome> {
  const seq = ++contactSeq;
  const contactId = `bbbbbbbb-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  const speechRate = 100;
  await stack.control.startSession({ domainId: stack.domainId, sessionName: contactId, customerSpeakerId: kind.call.claimedCustomerId, audio: { s3Uri: kind.s3Uri }, speechRate });
  await new Promise((r) => setTimeout(r, ((kind.call.seconds + 1) / speechRate) * 1000));
  if (kind.call.endsEarly) await stack.control.endSession(contactId, stack.domainId);
  const fn = fns[seq % fns.length];
  const started = performance.now();
  const invocation = await fn.invoke(contactFlowEvent({ contactId, customerId: kind.call.claimedCustomerId }));
  const latencyMs = performance.now() - started;
  if (!kind.call.endsEarly) await stack.control.endSession(contactId, stack.domainId);
  const response = (invocation.result ?? {}) as Record<string, string>;
  return { decision: response.decision ?? `LAMBDA_${invocation.error?.name ?? 'NO_RESULT'}`, errorCode: response.errorCode ?? '', voiceIdCalls: Number(response.voiceIdCalls ?? 0), latencyMs };
}

export interface LatencySummary {
  readonly concurrency: number;
  readonly calls: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly voiceIdCallsPerDecision: number;
  readonly decisions: Record<string, number>;
}

export function summarize(concurrency: number, outcomes: readonly CallOutcome[]): LatencySummary {
  const decisions: Record<string, number> = {};
  for (const o of outcomes) decisions[o.decision] = (decisions[o.decision] ?? 0) + 1;
  const final = outcomes.filter((o) => o.decision !== 'RETRY');
  return {
    concurrency,
    calls: outcomes.length,
    p50Ms: round(percentile(outcomes.map((o) => o.latencyMs), 50)),
    p99Ms: round(percentile(outcomes.map((o) => o.latencyMs), 99)),
    voiceIdCallsPerDecision: round(outcomes.reduce((n, o) => n + o.voiceIdCalls, 0) / Math.max(1, final.length), 2),
    decisions,
  };
}

/** Keeps `concurrency` calls in flight until `total` have completed, cycling through the call kinds. */
export async function closedLoop(stack: LocalStack, fns: readonly LocalFunction[], kinds: readonly CallKind[], concurrency: number, total: number): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      const kind = kinds[issued++ % kinds.length];
      outcomes.push(await runCall(stack, fns, kind));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

export interface QuotaStep {
  readonly callsPerSecond: number;
  readonly seconds: number;
  readonly calls: number;
  /** Decisions per second actually delivered: calls over the time from the first arrival to the last answer. */
  readonly achievedPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly voiceIdCallsPerDecision: number;
  readonly throttledErrors: number;
  readonly otherErrors: number;
  readonly retries: number;
}

/** New calls arrive at a fixed rate (an open loop, like callers), whatever the answers' latency. */
export async function openLoop(stack: LocalStack, fns: readonly LocalFunction[], kinds: readonly CallKind[], callsPerSecond: number, seconds: number): Promise<QuotaStep> {
  const pending: Array<Promise<CallOutcome>> = [];
  const started = performance.now();
  const total = Math.round(callsPerSecond * seconds);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / callsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(runCall(stack, fns, kinds[i % kinds.length]));
  }
  const outcomes = await Promise.all(pending);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const s = summarize(0, outcomes);
  return {
    callsPerSecond,
    seconds,
    calls: outcomes.length,
    achievedPerSecond: round(outcomes.length / elapsedSeconds),
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    voiceIdCallsPerDecision: s.voiceIdCallsPerDecision,
    throttledErrors: outcomes.filter((o) => o.decision === 'ERROR' && o.errorCode === 'VOICE_ID_THROTTLED').length,
    otherErrors: outcomes.filter((o) => o.decision.startsWith('LAMBDA_') || (o.decision === 'ERROR' && o.errorCode !== 'VOICE_ID_THROTTLED')).length,
    retries: outcomes.filter((o) => o.decision === 'RETRY').length,
  };
}
