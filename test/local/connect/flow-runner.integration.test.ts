/**
 * The shipped contact flow, end to end on the local stack: the flow as the stateless stack deploys it (read from
 * the synthesized template), interpreted by the flow runner, with the caller's synthetic audio streaming into the
 * Voice ID emulator only while they speak, and the bundled decision Lambda from cdk.out invoked by the flow.
 */
import { OptOutSpeakerCommand } from '@aws-sdk/client-voice-id';
import type { FlowDocument, VoiceIdFlowPart } from '../../../lib/constructs/connect-flow';
import { deployedContactFlows } from '../../../local/connect/deployed-flow';
import type { LocalFunction } from '../../../local/harness/local-function';
import { IVR_DIALOGUE_SECONDS, placeFlowCall } from '../../../local/scenario/place-flow-call';
import { FLOW_SCENARIO_CALLS, OPTED_OUT_CUSTOMER } from '../../../local/scenario/scenario-data';
import { DecisionWorld, startDecisionWorld } from '../../support/decision-lambda';

let world: DecisionWorld;
let fn: LocalFunction;
let flows: Record<VoiceIdFlowPart, FlowDocument>;

beforeAll(async () => {
  world = await startDecisionWorld();
  await world.voiceId.send(new OptOutSpeakerCommand({ DomainId: world.stack.domainId, SpeakerId: OPTED_OUT_CUSTOMER }));
  fn = await world.startFunction({ DECISION_BUDGET_MS: '2000', EVALUATE_POLL_INTERVAL_MS: '400' });
  flows = deployedContactFlows('arn:aws:lambda:us-east-1:123456789012:function:contact-flow-decision');
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('calls through the shipped flow (flow runner, local stack, bundled Lambda)', () => {
  test.each(FLOW_SCENARIO_CALLS.map((c, i) => [c.label, c.expected, c, i] as const))('%s ends as %s', async (_label, expected, call, i) => {
    const placed = await placeFlowCall(world.stack, fn, world.voiceId, flows, call, `22222222-3333-4444-8555-${String(i + 1).padStart(12, '0')}`);
    expect(placed.decision).toBe(expected);
    expect(placed.run.attributes.voiceIdAuthenticated).toBe(expected === 'AUTHENTICATED' ? 'true' : 'false');
    if (expected === 'HIGH_RISK') expect(placed.run.attributes.voiceIdHighRisk).toBe('true');
    if (expected === 'NOT_ENROLLED' || expected === 'OPTED_OUT') expect(placed.lambdaInvocations).toBe(0); // Check Voice ID skipped the speech window
  });

  test('on the designed path (the caller speaks for the response time) one Lambda invocation and one Voice ID call decide, within response time + 2 s of streaming', async () => {
    const designed = FLOW_SCENARIO_CALLS.filter((c) => c.speechSeconds >= 10 && !['NOT_ENROLLED', 'OPTED_OUT'].includes(c.expected));
    for (const [i, call] of designed.entries()) {
      const placed = await placeFlowCall(world.stack, fn, world.voiceId, flows, call, `33333333-3333-4444-8555-${String(i + 1).padStart(12, '0')}`);
      expect({ call: call.label, invocations: placed.lambdaInvocations, voiceIdCalls: placed.voiceIdCalls }).toEqual({ call: call.label, invocations: 1, voiceIdCalls: 1 });
      expect(placed.secondsToDecision).toBeLessThanOrEqual(10 + 2);
    }
  });

  test('a caller who speaks too little is asked again, each time for a full window, then ends INCONCLUSIVE after the bounded retries', async () => {
    const call = FLOW_SCENARIO_CALLS.find((c) => c.label === 'speaks too little')!;
    const placed = await placeFlowCall(world.stack, fn, world.voiceId, flows, call, '44444444-3333-4444-8555-000000000001');
    expect(placed.lambdaInvocations).toBe(3);
    expect(placed.run.attributes.voiceIdRetries).toBe('2');
  });

  test.each([
    ['genuine caller', 'AUTHENTICATED'],
    ['impostor', 'NOT_AUTHENTICATED'],
    ['known fraudster', 'HIGH_RISK'],
    ['not enrolled', 'NOT_ENROLLED'],
  ])('two halves around the IVR: %s ends as %s, decided right after the IVR dialogue without a listening window of its own', async (label, expected) => {
    const call = FLOW_SCENARIO_CALLS.find((c) => c.label === label)!;
    const placed = await placeFlowCall(world.stack, fn, world.voiceId, flows, call, `55555555-3333-4444-8555-${String(FLOW_SCENARIO_CALLS.indexOf(call) + 1).padStart(12, '0')}`, 'two-halves');
    expect(placed.decision).toBe(expected);
    expect(placed.run.visited).toEqual(expect.arrayContaining(['start-voice-id-stream', 'ivr-dialogue', 'to-authentication', 'check-enrollment']));
    expect(placed.run.visited).not.toContain('collect-speech');
    expect(placed.run.visited).not.toContain('retry-prompt');
    if (expected !== 'NOT_ENROLLED') {
      expect(placed.lambdaInvocations).toBe(1);
      expect(placed.voiceIdCalls).toBe(1);
      // Only the IVR's own dialogue (and the one prompt before it): authentication adds no caller time after it.
      expect(placed.secondsToDecision).toBeLessThanOrEqual(IVR_DIALOGUE_SECONDS + 2);
    }
  });

  test('two halves: a caller the IVR identified nobody for is screened for fraud only, never offered enrollment', async () => {
    const call = FLOW_SCENARIO_CALLS.find((c) => c.label === 'no customer id')!;
    const placed = await placeFlowCall(world.stack, fn, world.voiceId, flows, call, '66666666-3333-4444-8555-000000000001', 'two-halves');
    expect(placed.run.visited).not.toContain('check-enrollment');
    expect(placed.run.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecisionReason: 'SPEAKER_ID_NOT_PROVIDED' }));
  });
});
