import { synthesizeVoice } from '../audio';
import { contactFlowEvent } from '../harness/connect-event';
import type { LocalStack } from '../harness/local-stack';
import type { InvocationResult, LocalFunction } from '../harness/local-function';
import type { ScenarioCall } from './scenario-data';

export interface PlacedCall {
  readonly contactId: string;
  readonly invocation: InvocationResult;
  /** The decision Lambda's answer, as Connect receives it. */
  readonly response: Readonly<Record<string, string>>;
}

/**
 * Plays Amazon Connect's part for one call: the flow's Set Voice ID block starts streaming the caller's
 * audio to a Voice ID session named after the contact, the caller speaks, then the flow invokes the
 * decision Lambda with the contact's event.
 */
export async function placeCall(stack: LocalStack, fn: LocalFunction, call: ScenarioCall, contactId: string, parameters?: Record<string, string>): Promise<PlacedCall> {
  const audio = synthesizeVoice({ voice: call.voice, seconds: call.seconds, spoofed: call.spoofed, utterance: `${contactId}-${call.label}` });
  await stack.control.startSession({
    domainId: stack.domainId,
    sessionName: contactId,
    customerSpeakerId: call.claimedCustomerId,
    audio: { wavBase64: audio.toString('base64') },
  });
  // The caller talks for the length of the audio (and a moment of silence after it).
  await stack.control.advanceClock(call.seconds + 1);
  if (call.endsEarly) await stack.control.endSession(contactId, stack.domainId);
  const invocation = await fn.invoke(contactFlowEvent({ contactId, customerId: call.claimedCustomerId, parameters }));
  if (invocation.error) throw new Error(`decision Lambda failed for ${call.label}: ${invocation.error.name}: ${invocation.error.message}`);
  return { contactId, invocation, response: invocation.result as Record<string, string> };
}
