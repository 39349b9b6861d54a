import type { VoiceIDClient } from '@aws-sdk/client-voice-id';
import type { FlowDocument } from '../../lib/constructs/connect-flow';
import { type FlowRun, runFlow } from '../connect/flow-runner';
import { type CallMeasures, LocalContactCenter } from '../connect/local-contact-center';
import type { LocalFunction } from '../harness/local-function';
import type { LocalStack } from '../harness/local-stack';
import type { FlowScenarioCall } from './scenario-data';

export interface FlowCall extends CallMeasures {
  readonly run: FlowRun;
  /** The flow's final decision attribute. */
  readonly decision: string;
}

/** Places one scripted call through the rendered contact flow on the local stack. */
export async function placeFlowCall(stack: LocalStack, fn: LocalFunction, voiceId: VoiceIDClient, flow: FlowDocument, call: FlowScenarioCall, contactId: string): Promise<FlowCall> {
  const center = new LocalContactCenter(stack, fn, voiceId, contactId, {
    voice: call.voice,
    spoofed: call.spoofed,
    speechSeconds: call.speechSeconds,
    attributesSetWhileSpeaking: call.switchesTo === undefined ? undefined : { customerId: call.switchesTo },
  });
  const run = await runFlow(flow, center, { attributes: { customerId: call.claimedCustomerId } });
  return { run, decision: run.attributes.voiceIdDecision ?? '', ...center.measures() };
}
