import { OptOutSpeakerCommand, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import { deployedContactFlows } from '../local/connect/deployed-flow';
import type { LocalFunction } from '../local/harness/local-function';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local/harness/local-constants';
import type { LocalStack } from '../local/harness/local-stack';
import { placeFlowCall } from '../local/scenario/place-flow-call';
import { FLOW_SCENARIO_CALLS, OPTED_OUT_CUSTOMER } from '../local/scenario/scenario-data';
import { round } from './stats';

/** One scenario call through the shipped flow. */
export interface FlowCallMeasure {
  readonly label: string;
  readonly decision: string;
  readonly expected: string;
  readonly lambdaInvocations: number;
  readonly voiceIdCalls: number;
  /** Seconds of the caller's time from the start of streaming to the last decision; null when no Lambda decided. */
  readonly secondsToDecision: number | null;
  /** The caller spoke for at least the response time and the flow asked the Lambda: the path the flow is designed for. */
  readonly designedPath: boolean;
}

export interface FlowRunSummary {
  readonly responseTimeSeconds: number;
  readonly calls: FlowCallMeasure[];
  /** Over the designed-path calls. */
  readonly designed: { readonly calls: number; readonly voiceIdCallsPerDecision: number; readonly lambdaInvocationsPerCall: number; readonly maxSecondsToDecision: number };
}

/** Places the scenario's calls through the shipped contact flow (the flow runner) and measures what each cost. */
export async function flowScenario(stack: LocalStack, fn: LocalFunction, voiceId: VoiceIDClient, responseTimeSeconds = 10): Promise<FlowRunSummary> {
  await voiceId.send(new OptOutSpeakerCommand({ DomainId: stack.domainId, SpeakerId: OPTED_OUT_CUSTOMER }));
  const flows = deployedContactFlows(`arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:contact-flow-decision`);
  const calls: FlowCallMeasure[] = [];
  for (const [i, call] of FLOW_SCENARIO_CALLS.entries()) {
    const placed = await placeFlowCall(stack, fn, voiceId, flows, call, `bbbbbbbb-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
    calls.push({
      label: call.label,
      decision: placed.decision,
      expected: call.expected,
      lambdaInvocations: placed.lambdaInvocations,
      voiceIdCalls: placed.voiceIdCalls,
      secondsToDecision: placed.secondsToDecision ?? null,
      designedPath: call.speechSeconds >= responseTimeSeconds && placed.lambdaInvocations > 0,
    });
  }
  const designed = calls.filter((c) => c.designedPath);
  const sum = (f: (c: FlowCallMeasure) => number) => designed.reduce((acc, c) => acc + f(c), 0);
  return {
    responseTimeSeconds,
    calls,
    designed: {
      calls: designed.length,
      voiceIdCallsPerDecision: round(sum((c) => c.voiceIdCalls) / sum((c) => c.lambdaInvocations), 2),
      lambdaInvocationsPerCall: round(sum((c) => c.lambdaInvocations) / designed.length, 2),
      maxSecondsToDecision: Math.max(...designed.map((c) => c.secondsToDecision ?? Infinity)),
    },
  };
}
