/**
 * `npm run bench`: the decision Lambda's size, cold start, latency under concurrency, Voice ID calls per
 * decision, behaviour under the EvaluateSession quota, and the emulator's own throughput; then the batch workflow's
 * costs (bench/workflow.ts). Results: bench/results/decision-lambda.* and batch-workflow.*. Medians and
 * percentiles only: this machine is shared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EvaluateSessionCommand, VoiceIDClient } from '@aws-sdk/client-voice-id';
import { decisionFunctionEnvironment, startDecisionFunction } from '../local/harness/decision-function';
import type { LocalFunction } from '../local/harness/local-function';
import { startLocalStack } from '../local/harness/local-stack';
import { localS3Client } from '../local/harness/local-s3';
import { batchContextOf, enrollSpeakers, registerFraudsters } from '../local/scenario/batch-jobs';
import { ENROLLED_SPEAKERS, FRAUDSTER_VOICE } from '../local/scenario/scenario-data';
import { assetSize, coldInit, decisionFunctionAsset } from './asset';
import { type FlowRunSummary, flowScenario } from './flow';
import { workflowBench, writeWorkflowResults } from './workflow';
import { closedLoop, openLoop, QuotaStep, summarize, uploadCallAudio } from './load';
import { round } from './stats';

const ROOT = path.join(__dirname, '..');
const RUNTIME_PROCESSES = Number(process.env.BENCH_RUNTIME_PROCESSES ?? 8);
const TARGETS = { assetKb: 320, initRatio: 3, p99At64Ms: 1000, callsPerDecision: 1.5, sustainedCallsPerSecond: 50 };

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const bundled = decisionFunctionAsset(ROOT);
  const size = assetSize(bundled);
  const init = coldInit(bundled, decisionFunctionEnvironment(bundled, { env: { AWS_REGION: 'us-east-1' }, domainId: 'abcdefghijklmnopqrstuv', tables: { decisions: 'decisions', batchJobs: 'batch-jobs' } }));
  console.log(`asset ${(size.handlerBytes / 1024).toFixed(1)} KB; cold init median ${init.assetMedianMs} ms vs bare node ${init.bareNodeMedianMs} ms (${init.ratio}x)`);

  const stack = await startLocalStack({ emulator: { clockSpeed: 1, maxActiveSessionsPerDomain: 10_000 } });
  const fns: LocalFunction[] = [];
  try {
    Object.assign(process.env, stack.env);
    const voiceId = new VoiceIDClient({});
    const s3 = localS3Client();
    const ctx = batchContextOf(stack, voiceId, s3);
    await enrollSpeakers(ctx, ENROLLED_SPEAKERS);
    await registerFraudsters(ctx, [FRAUDSTER_VOICE]);
    const kinds = await uploadCallAudio(ctx);
    for (let i = 0; i < RUNTIME_PROCESSES; i++) fns.push(await startDecisionFunction(bundled, stack));

    await closedLoop(stack, fns, kinds, 8, 48); // warm-up: JIT, connections, caches
    const latency = [];
    for (const concurrency of [1, 16, 64]) {
      const summary = summarize(concurrency, await closedLoop(stack, fns, kinds, concurrency, Math.max(120, concurrency * 6)));
      latency.push(summary);
      console.log(`concurrency ${concurrency}: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, ${summary.voiceIdCallsPerDecision} Voice ID calls/decision, ${JSON.stringify(summary.decisions)}`);
    }

    // The shipped contact flow, run by the local flow runner over the scenario mix.
    const flowRun = await flowScenario(stack, fns[0], voiceId);
    for (const c of flowRun.calls) console.log(`flow: ${c.label}: ${c.decision} (expected ${c.expected}), ${c.lambdaInvocations} Lambda invocations, ${c.voiceIdCalls} Voice ID calls, ${c.secondsToDecision ?? '-'} s to decision`);

    // The emulator alone: EvaluateSession on one streaming session, 32 requests in flight.
    await stack.control.startSession({ domainId: stack.domainId, sessionName: 'throughput', customerSpeakerId: 'C1001', audio: { s3Uri: kinds[0].s3Uri }, speechRate: 100 });
    await new Promise((r) => setTimeout(r, 300));
    const requests = 3000;
    let sent = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (sent++ < requests) await voiceId.send(new EvaluateSessionCommand({ DomainId: stack.domainId, SessionNameOrId: 'throughput' }));
    }));
    const emulatorRps = round(requests / ((performance.now() - t0) / 1000), 0);
    console.log(`emulator: ${emulatorRps} EvaluateSession requests/s on loopback (32 in flight, one client)`);

    // The account's quota as the service enforces it: 60 EvaluateSession TPS, 100 ms service latency.
    await stack.control.setQuota('EvaluateSession', 60);
    await stack.control.injectFault({ operation: 'EvaluateSession', type: 'LATENCY', latencyMs: 100 });
    const quota: QuotaStep[] = [];
    for (const callsPerSecond of [30, 40, 50, 55, 60, 70]) {
      const step = await openLoop(stack, fns, kinds, callsPerSecond, 10);
      quota.push(step);
      console.log(`quota run ${callsPerSecond} calls/s (achieved ${step.achievedPerSecond}/s): p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, throttled ERROR ${step.throttledErrors}, other errors ${step.otherErrors}, RETRY ${step.retries}, ${step.voiceIdCallsPerDecision} calls/decision`);
      if (step.throttledErrors > 0 && callsPerSecond > 60) break;
    }
    // Sustained: every call answered with no ERROR, at the offered rate, without latency building up (p99 < 1 s).
    const sustained = Math.max(
      0,
      ...quota.filter((s) => s.throttledErrors === 0 && s.otherErrors === 0 && s.p99Ms < 1000 && s.achievedPerSecond >= 0.95 * s.callsPerSecond).map((s) => s.callsPerSecond),
    );
    voiceId.destroy();
    s3.destroy();

    const at64 = latency.find((l) => l.concurrency === 64)!;
    const mix = latency.reduce((acc, l) => acc + l.voiceIdCallsPerDecision * l.calls, 0) / latency.reduce((acc, l) => acc + l.calls, 0);
    const results = {
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
      asset: { ...size, handlerKb: round(size.handlerBytes / 1024) },
      coldInit: init,
      latency,
      emulatorEvaluateSessionRps: emulatorRps,
      quotaRun: { tps: 60, serviceLatencyMs: 100, steps: quota, sustainedCallsPerSecondWithoutThrottlingErrors: sustained },
      flowRun,
      targets: {
        assetUnder320Kb: size.handlerBytes / 1024 < TARGETS.assetKb,
        initUnder3xBareNode: init.ratio < TARGETS.initRatio,
        p99Under1sAt64: at64.p99Ms < TARGETS.p99At64Ms,
        atMost1_5CallsPerDecision: mix <= TARGETS.callsPerDecision,
        atLeast50CallsPerSecondUnderQuota: sustained >= TARGETS.sustainedCallsPerSecond,
        flowOneVoiceIdCallPerDecision: flowRun.designed.voiceIdCallsPerDecision <= 1,
        flowOneLambdaInvocationPerCall: flowRun.designed.lambdaInvocationsPerCall <= 1,
        flowDecisionWithinResponseTimePlus2s: flowRun.designed.maxSecondsToDecision <= flowRun.responseTimeSeconds + 2,
        flowEveryCallAsExpected: flowRun.calls.every((c) => c.decision === c.expected),
      },
    };
    const outDir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'decision-lambda.json'), `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(outDir, 'decision-lambda.md'), markdown(results, round(mix, 2)));
    console.log(`\n${markdown(results, round(mix, 2))}`);
  } finally {
    for (const fn of fns) await fn.stop();
    await stack.stop();
  }
  // The batch workflow, on a local stack of its own.
  writeWorkflowResults(await workflowBench());
}

function markdown(r: {
  date: string;
  asset: { handlerKb: number; sourceMapBytes: number };
  coldInit: { assetMedianMs: number; bareNodeMedianMs: number; ratio: number; runs: number };
  latency: Array<{ concurrency: number; calls: number; p50Ms: number; p99Ms: number }>;
  emulatorEvaluateSessionRps: number;
  quotaRun: { steps: QuotaStep[]; sustainedCallsPerSecondWithoutThrottlingErrors: number };
  flowRun: FlowRunSummary;
  targets: Record<string, boolean>;
}, callsPerDecision: number): string {
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  const lines = [
    `# Decision Lambda benchmark (${r.date.slice(0, 10)})`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| asset (index.js) | ${r.asset.handlerKb} KB (+ ${round(r.asset.sourceMapBytes / 1024)} KB source map) | < 320 KB: ${ok(r.targets.assetUnder320Kb)} |`,
    `| cold init, median of ${r.coldInit.runs} | ${r.coldInit.assetMedianMs} ms vs bare node ${r.coldInit.bareNodeMedianMs} ms = ${r.coldInit.ratio}x | < 3x: ${ok(r.targets.initUnder3xBareNode)} |`,
    ...r.latency.map((l) => `| decision latency, ${l.concurrency} concurrent (${l.calls} calls) | p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms | ${l.concurrency === 64 ? `p99 < 1 s: ${ok(r.targets.p99Under1sAt64)}` : ''} |`),
    `| Voice ID calls per final decision (scenario mix) | ${callsPerDecision} | <= 1.5: ${ok(r.targets.atMost1_5CallsPerDecision)} |`,
    `| new calls/s sustained under 60 TPS + 100 ms (no ERROR, p99 < 1 s, answers keep pace) | ${r.quotaRun.sustainedCallsPerSecondWithoutThrottlingErrors} | >= 50: ${ok(r.targets.atLeast50CallsPerSecondUnderQuota)} |`,
    `| emulator EvaluateSession throughput (loopback, 32 in flight) | ${r.emulatorEvaluateSessionRps} req/s | |`,
    '',
    '| quota run: offered calls/s | answered/s | p50 ms | p99 ms | throttled ERROR | other errors | RETRY | Voice ID calls/decision |',
    '|---|---|---|---|---|---|---|---|',
    ...r.quotaRun.steps.map((s) => `| ${s.callsPerSecond} | ${s.achievedPerSecond} | ${s.p50Ms} | ${s.p99Ms} | ${s.throttledErrors} | ${s.otherErrors} | ${s.retries} | ${s.voiceIdCallsPerDecision} |`),
    '',
    `Through the shipped contact flow (local flow runner, response time ${r.flowRun.responseTimeSeconds} s), designed path (${r.flowRun.designed.calls} calls that speak for the response time and reach the Lambda):`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| Voice ID calls per final decision | ${r.flowRun.designed.voiceIdCallsPerDecision} | 1.0: ${ok(r.targets.flowOneVoiceIdCallPerDecision)} |`,
    `| Lambda invocations per call | ${r.flowRun.designed.lambdaInvocationsPerCall} | 1.0: ${ok(r.targets.flowOneLambdaInvocationPerCall)} |`,
    `| caller's seconds from start of streaming to decision (max) | ${r.flowRun.designed.maxSecondsToDecision} | <= ${r.flowRun.responseTimeSeconds + 2}: ${ok(r.targets.flowDecisionWithinResponseTimePlus2s)} |`,
    `| every call gets its expected decision | ${r.flowRun.calls.filter((c) => c.decision === c.expected).length}/${r.flowRun.calls.length} | all: ${ok(r.targets.flowEveryCallAsExpected)} |`,
    '',
    '| flow call | decision | Lambda invocations | Voice ID calls | s to decision |',
    '|---|---|---|---|---|',
    ...r.flowRun.calls.map((c) => `| ${c.label} | ${c.decision} | ${c.lambdaInvocations} | ${c.voiceIdCalls} | ${c.secondsToDecision ?? '-'} |`),
    '',
  ];
  return lines.join('\n');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
