/**
 * The shipped contact flow, end to end on the local stack: the flow as the stateless stack deploys it (read from
 * the synthesized template), interpreted by the flow runner, with the caller's synthetic audio streaming into the
 * Voice ID emulator only while they speak, and the bundled decision Lambda from cdk.out invoked by the flow.
 */
import { OptOutSpeakerCommand } from '@aws-sdk/client-voice-id';
import type { FlowDocument } from '../../../lib/constructs/connect-flow';
import { deployedContactFlow } from '../../../local/connect/deployed-flow';
import type { LocalFunction } from '../../../local/harness/local-function';
import { placeFlowCall } from '../../../local/scenario/place-flow-call';
import { FLOW_SCENARIO_CALLS, OPTED_OUT_CUSTOMER } from '../../../local/scenario/scenario-data';
import { DecisionWorld, startDecisionWorld } from '../../support/decision-lambda';

let world: DecisionWorld;
let fn: LocalFunction;
let flow: FlowDocument;

beforeAll(async () => {
  world = await startDecisionWorld();
  await world.voiceId.send(new OptOutSpeakerCommand({ DomainId: world.stack.domainId, SpeakerId: OPTED_OUT_CUSTOMER }));
  fn = await world.startFunction({ DECISION_BUDGET_MS: '2000', EVALUATE_POLL_INTERVAL_MS: '400' });
  flow = deployedContactFlow('arn:aws:lambda:us-east-1:123456789012:function:contact-flow-decision');
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('calls through the shipped flow (flow runner, local stack, bundled Lambda)', () => {
  test.each(FLOW_SCENARIO_CALLS.map((c, i) => [c.label, c.expected, c, i] as const))('%s ends as %s', async (_label, expected, call, i) => {
    const placed = await placeFlowCall(world.stack, fn, world.voiceId, flow, call, `22222222-3333-4444-8555-${String(i + 1).padStart(12, '0')}`);
    expect(placed.decision).toBe(expected);
    expect(placed.run.attributes.voiceIdAuthenticated).toBe(expected === 'AUTHENTICATED' ? 'true' : 'false');
    if (expected === 'HIGH_RISK') expect(placed.run.attributes.voiceIdHighRisk).toBe('true');
    if (expected === 'NOT_ENROLLED' || expected === 'OPTED_OUT') expect(placed.lambdaInvocations).toBe(0); // Check Voice ID skipped the speech window
  });

  test('on the designed path (the caller speaks for the response time) one Lambda invocation and one Voice ID call decide, within response time + 2 s of streaming', async () => {
    const designed = FLOW_SCENARIO_CALLS.filter((c) => c.speechSeconds >= 10 && !['NOT_ENROLLED', 'OPTED_OUT'].includes(c.expected));
    for (const [i, call] of designed.entries()) {
      const placed = await placeFlowCall(world.stack, fn, world.voiceId, flow, call, `33333333-3333-4444-8555-${String(i + 1).padStart(12, '0')}`);
      expect({ call: call.label, invocations: placed.lambdaInvocations, voiceIdCalls: placed.voiceIdCalls }).toEqual({ call: call.label, invocations: 1, voiceIdCalls: 1 });
      expect(placed.secondsToDecision).toBeLessThanOrEqual(10 + 2);
    }
  });

  test('a caller who speaks too little is asked again, each time for a full window, then ends INCONCLUSIVE after the bounded retries', async () => {
    const call = FLOW_SCENARIO_CALLS.find((c) => c.label === 'speaks too little')!;
    const placed = await placeFlowCall(world.stack, fn, world.voiceId, flow, call, '44444444-3333-4444-8555-000000000001');
    expect(placed.lambdaInvocations).toBe(3);
    expect(placed.run.attributes.voiceIdRetries).toBe('2');
  });
});
