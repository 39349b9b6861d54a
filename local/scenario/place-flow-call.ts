import type { VoiceIDClient } from '@aws-sdk/client-voice-id';
import type { FlowDocument, VoiceIdFlowPart } from '../../lib/constructs/connect-flow';
import { LOCAL_AUTHENTICATE_FLOW_ARN, LOCAL_IVR_FLOW_ARN, LOCAL_WORKING_QUEUE_ARN, sampleIvrFlow } from '../connect/deployed-flow';
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

/**
 * How a call reaches the decision: the all-in-one flow, or the two halves around the contact center's own IVR
 * (start streaming, a dialogue of `IVR_DIALOGUE_SECONDS` in which the IVR finds the customer, then the after-IVR flow).
 */
export type FlowPath = 'all-in-one' | 'two-halves';

/** Seconds the sample IVR's dialogue lasts (a short Lex conversation). */
export const IVR_DIALOGUE_SECONDS = 12;

/** Places one scripted call through the deployed contact flows on the local stack. */
export async function placeFlowCall(
  stack: LocalStack,
  fn: LocalFunction,
  voiceId: VoiceIDClient,
  flows: Readonly<Record<VoiceIdFlowPart, FlowDocument>>,
  call: FlowScenarioCall,
  contactId: string,
  path: FlowPath = 'all-in-one',
): Promise<FlowCall> {
  const halves = path === 'two-halves';
  // In the two halves the IVR finds the customer during its dialogue; all in one, it did before the flow.
  const found = halves ? call.claimedCustomerId : call.switchesTo;
  const center = new LocalContactCenter(stack, fn, voiceId, contactId, {
    voice: call.voice,
    spoofed: call.spoofed,
    speechSeconds: call.speechSeconds,
    attributesSetWhileSpeaking: found === undefined ? undefined : { customerId: found },
  });
  const run = halves
    ? await runFlow(flows['start-streaming'], center, { flows: { [LOCAL_IVR_FLOW_ARN]: sampleIvrFlow(IVR_DIALOGUE_SECONDS), [LOCAL_AUTHENTICATE_FLOW_ARN]: flows.authenticate } })
    : await runFlow(flows['all-in-one'], center, { attributes: { customerId: call.claimedCustomerId }, workingQueue: LOCAL_WORKING_QUEUE_ARN });
  return { run, decision: run.attributes.voiceIdDecision ?? '', ...center.measures() };
}
