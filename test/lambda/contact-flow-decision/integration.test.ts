/**
 * The decision Lambda as deployed (the bundled asset in cdk.out, run the way Lambda runs it) against the
 * local stack: the Voice ID emulator, dynalite and s3rver, reached through the SDK's standard endpoint settings.
 */
import { CreateWatchlistCommand, OptOutSpeakerCommand } from '@aws-sdk/client-voice-id';
import { contactFlowEvent } from '../../../local/harness/connect-event';
import type { LocalFunction } from '../../../local/harness/local-function';
import { placeCall } from '../../../local/scenario/place-call';
import { SCENARIO_CALLS } from '../../../local/scenario/scenario-data';
import { closedPort, DecisionWorld, startDecisionWorld } from '../../support/decision-lambda';
import { synthesizeVoice } from '../../../local/audio';

let world: DecisionWorld;
let fn: LocalFunction;
let contactCounter = 0;
const nextContactId = () => `11111111-2222-4333-8444-${String(++contactCounter).padStart(12, '0')}`;
const call = (label: string) => SCENARIO_CALLS.find((c) => c.label === label)!;

beforeAll(async () => {
  world = await startDecisionWorld();
  // The deployed asset with a shorter budget, so that waiting for speech costs the suite seconds, not minutes.
  fn = await world.startFunction({ DECISION_BUDGET_MS: '2000', EVALUATE_POLL_INTERVAL_MS: '400' });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

afterEach(async () => {
  await world.stack.control.clearFaults();
});

/** Starts a session for a contact with the caller's audio, and lets `seconds` of it stream. */
async function startCall(contactId: string, claimedCustomerId: string, voice: string, seconds: number, session: { acceptanceThreshold?: number; riskThreshold?: number; watchlistId?: string } = {}) {
  const audio = synthesizeVoice({ voice, seconds: 15, utterance: contactId });
  await world.stack.control.startSession({
    domainId: world.stack.domainId,
    sessionName: contactId,
    customerSpeakerId: claimedCustomerId,
    audio: { wavBase64: audio.toString('base64') },
    ...(session.acceptanceThreshold !== undefined && { authentication: { acceptanceThreshold: session.acceptanceThreshold } }),
    ...((session.riskThreshold !== undefined || session.watchlistId !== undefined) && { fraudDetection: { riskThreshold: session.riskThreshold, watchlistId: session.watchlistId } }),
  });
  await world.stack.control.advanceClock(seconds);
}

const decisionOf = async (event: ReturnType<typeof contactFlowEvent>) => (await fn.invoke(event)).result as Record<string, string>;

describe('decisions from Voice ID outcomes', () => {
  test.each([
    ['genuine caller', 'AUTHENTICATED', 'ACCEPT', 'LOW_RISK'],
    ['impostor', 'NOT_AUTHENTICATED', 'REJECT', 'LOW_RISK'],
    ['known fraudster', 'HIGH_RISK', 'REJECT', 'HIGH_RISK'],
    ['spoofed voice', 'HIGH_RISK', 'ACCEPT', 'HIGH_RISK'],
    ['unenrolled caller', 'NOT_ENROLLED', 'SPEAKER_NOT_ENROLLED', 'LOW_RISK'],
    ['too-short call', 'INCONCLUSIVE', 'NOT_ENOUGH_SPEECH', 'NOT_ENOUGH_SPEECH'],
  ])('%s → %s, recorded once with its inputs', async (label, decision, authenticationDecision, fraudDecision) => {
    const contactId = nextContactId();
    const { response } = await placeCall(world.stack, fn, call(label), contactId);

    expect(response).toEqual(expect.objectContaining({ decision, authenticationDecision, fraudDecision, recordStatus: 'RECORDED', voiceIdCalls: '1' }));
    const records = await world.recordsOf(contactId);
    expect(records).toHaveLength(1);
    expect(records[0]).toEqual(
      expect.objectContaining({ contactId, decision, authenticationDecision, fraudDecision, decisionId: response.decisionId, policyVersion: response.policyVersion }),
    );
    expect(records[0].expiresAt).toEqual(expect.any(Number));
    // Voice ID's opaque ids only: the claimed customer id never reaches the table.
    expect(JSON.stringify(records[0])).not.toContain(call(label).claimedCustomerId);
    if (decision === 'HIGH_RISK') expect(records[0].highRiskDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    else expect(records[0].highRiskDay).toBeUndefined();
  });

  test('a caller who opted out → OPTED_OUT', async () => {
    await world.voiceId.send(new OptOutSpeakerCommand({ DomainId: world.stack.domainId, SpeakerId: 'C1003' }));
    const contactId = nextContactId();
    await startCall(contactId, 'C1003', 'voice-chloe', 12);
    const result = await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1003' }));
    expect(result.result).toEqual(expect.objectContaining({ decision: 'OPTED_OUT', authenticationDecision: 'SPEAKER_OPTED_OUT' }));
  });

  test('replaying the same Voice ID result (Connect retrying, the flow looping) records it once', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    const first = (await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }))).result as Record<string, string>;
    const again = (await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }))).result as Record<string, string>;
    expect(first).toEqual(expect.objectContaining({ decision: 'AUTHENTICATED', recordStatus: 'RECORDED' }));
    expect(again).toEqual(expect.objectContaining({ decision: 'AUTHENTICATED', recordStatus: 'DUPLICATE', decisionId: first.decisionId }));
    expect(await world.recordsOf(contactId)).toHaveLength(1);
  });
});

describe('only the claimed caller, on a strict and fresh result', () => {
  test('the caller switched accounts in the IVR: the session speaks for C1001, the flow claims C1002 → NOT_AUTHENTICATED', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    const result = await decisionOf(contactFlowEvent({ contactId, customerId: 'C1002' }));
    expect(result).toEqual(expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'SPEAKER_NOT_CLAIMED_CUSTOMER', authenticationDecision: 'NONE', authenticationScore: '' }));
    const [record] = await world.recordsOf(contactId);
    expect(record).toEqual(expect.objectContaining({ claimedSpeaker: 'MISMATCH' }));
    expect(JSON.stringify(record)).not.toMatch(/C100[12]/);
  });

  test('a flow that passes no customerId → an ACCEPT is NOT_AUTHENTICATED (CUSTOMER_ID_NOT_CLAIMED)', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    expect(await decisionOf(contactFlowEvent({ contactId, customerId: '' }))).toEqual(expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'CUSTOMER_ID_NOT_CLAIMED' }));
  });

  test('a session whose acceptance threshold a flow lowered to 40 → NOT_AUTHENTICATED, even for the genuine caller', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12, { acceptanceThreshold: 40 });
    expect(await decisionOf(contactFlowEvent({ contactId, customerId: 'C1001' }))).toEqual(
      expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'ACCEPTANCE_THRESHOLD_BELOW_POLICY', authenticationDecision: 'ACCEPT' }),
    );
  });

  test('a session whose risk threshold a flow raised to 95 → NOT_AUTHENTICATED', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12, { riskThreshold: 95 });
    expect(await decisionOf(contactFlowEvent({ contactId, customerId: 'C1001' }))).toEqual(expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'RISK_THRESHOLD_ABOVE_POLICY' }));
  });

  test('a session screened against another, empty watchlist than the domain default → NOT_AUTHENTICATED WATCHLIST_NOT_POLICY', async () => {
    const { Watchlist } = await world.voiceId.send(new CreateWatchlistCommand({ DomainId: world.stack.domainId, Name: 'empty-on-purpose' }));
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12, { watchlistId: Watchlist!.WatchlistId });
    expect(await decisionOf(contactFlowEvent({ contactId, customerId: 'C1001' }))).toEqual(expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'WATCHLIST_NOT_POLICY', fraudDecision: 'LOW_RISK' }));
  });

  test('a cached result 31 minutes after the speech (a callback of an old contact) → NOT_AUTHENTICATED RESULT_TOO_OLD', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1002', 'voice-ben', 15);
    expect((await decisionOf(contactFlowEvent({ contactId, customerId: 'C1002' }))).decision).toBe('AUTHENTICATED');
    await world.stack.control.advanceClock(31 * 60);
    expect(await decisionOf(contactFlowEvent({ contactId, customerId: 'C1002' }))).toEqual(expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'RESULT_TOO_OLD' }));
  });

  test("asking about another contact's session → ERROR INVALID_EVENT naming the parameter, Voice ID never asked", async () => {
    const victim = nextContactId();
    await startCall(victim, 'C1001', 'voice-ana', 12);
    const result = await decisionOf(contactFlowEvent({ contactId: nextContactId(), customerId: 'C1001', parameters: { sessionNameOrId: victim } }));
    expect(result).toEqual(expect.objectContaining({ decision: 'ERROR', errorCode: 'INVALID_EVENT', reason: 'SESSION_NOT_OF_THIS_CONTACT', invalidParameter: 'sessionNameOrId', voiceIdCalls: '0' }));
  });

  test('a misspelt policy parameter → ERROR INVALID_EVENT, never the looser deployment policy', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    const result = await decisionOf(contactFlowEvent({ contactId, customerId: 'C1001', parameters: { MinAuthenticationScore: '99' } }));
    expect(result).toEqual(expect.objectContaining({ decision: 'ERROR', errorCode: 'INVALID_EVENT', reason: 'FLOW_PARAMETER_MISSPELT', invalidParameter: 'minAuthenticationScore' }));
  });
});

describe('waiting for speech', () => {
  test('a short call still streaming → RETRY inside the budget, then a decision once enough speech has streamed', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 3);
    const early = await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }));
    expect(early.result).toEqual(expect.objectContaining({ decision: 'RETRY', streamingStatus: 'ONGOING' }));
    // It waited and asked again, spaced by the poll interval, and answered before its 2 s budget.
    expect(Number((early.result as Record<string, string>).voiceIdCalls)).toBeGreaterThan(1);
    expect(Number((early.result as Record<string, string>).voiceIdCalls)).toBeLessThanOrEqual(6);
    expect(early.error).toBeUndefined();

    await world.stack.control.advanceClock(10);
    const later = await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }));
    expect(later.result).toEqual(expect.objectContaining({ decision: 'AUTHENTICATED', voiceIdCalls: '1' }));
    expect((await world.recordsOf(contactId)).map((r) => r.decision).sort()).toEqual(['AUTHENTICATED', 'RETRY']);
  });

  test('speech that arrives while the Lambda waits is used in the same invocation', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1002', 'voice-ben', 4);
    await world.stack.control.setClockSpeed(20);
    try {
      const result = await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1002' }));
      expect(result.result).toEqual(expect.objectContaining({ decision: 'AUTHENTICATED' }));
      expect(Number((result.result as Record<string, string>).voiceIdCalls)).toBeGreaterThan(1);
    } finally {
      await world.stack.control.setClockSpeed(0);
    }
  });
});

describe('failures never authenticate', () => {
  test('throttling is retried with backoff and then answered', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    await world.stack.control.injectFault({ operation: 'EvaluateSession', type: 'THROTTLING', count: 2 });
    const result = (await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }))).result as Record<string, string>;
    expect(result).toEqual(expect.objectContaining({ decision: 'AUTHENTICATED', voiceIdCalls: '3' }));
  });

  test('throttling that outlasts the budget → ERROR VOICE_ID_THROTTLED, recorded', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    await world.stack.control.injectFault({ operation: 'EvaluateSession', type: 'THROTTLING' });
    const invocation = await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }));
    expect(invocation.result).toEqual(expect.objectContaining({ decision: 'ERROR', errorCode: 'VOICE_ID_THROTTLED' }));
    expect(invocation.durationMs).toBeLessThan(8000);
    expect(await world.recordsOf(contactId)).toEqual([expect.objectContaining({ decision: 'ERROR', errorCode: 'VOICE_ID_THROTTLED' })]);
  });

  test('Voice ID internal errors (5xx) are retried, then ERROR', async () => {
    const contactId = nextContactId();
    await startCall(contactId, 'C1001', 'voice-ana', 12);
    await world.stack.control.injectFault({ operation: 'EvaluateSession', type: 'INTERNAL_ERROR' });
    const result = (await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }))).result as Record<string, string>;
    expect(result.decision).toBe('ERROR');
    expect(result.errorCode).toMatch(/^VOICE_ID_/);
    expect(Number(result.voiceIdCalls)).toBeGreaterThan(1);
  });

  test('an unknown session (streaming never started) → ERROR SESSION_NOT_FOUND', async () => {
    const result = (await fn.invoke(contactFlowEvent({ contactId: nextContactId(), customerId: 'C1001' }))).result as Record<string, string>;
    expect(result).toEqual(expect.objectContaining({ decision: 'ERROR', errorCode: 'SESSION_NOT_FOUND' }));
  });

  test('Voice ID unreachable → ERROR before the deadline', async () => {
    const unreachable = await world.startFunction({ AWS_ENDPOINT_URL_VOICE_ID: `http://127.0.0.1:${await closedPort()}`, DECISION_BUDGET_MS: '2000' });
    const contactId = nextContactId();
    const invocation = await unreachable.invoke(contactFlowEvent({ contactId, customerId: 'C1001' }));
    expect(invocation.result).toEqual(expect.objectContaining({ decision: 'ERROR', errorCode: 'VOICE_ID_UNAVAILABLE' }));
    expect(invocation.durationMs).toBeLessThan(8000);
    await unreachable.stop();
  });

  test('decisions table unavailable → the decision stands, recordStatus FAILED', async () => {
    const noTable = await world.startFunction({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await closedPort()}` });
    const contactId = nextContactId();
    await startCall(contactId, 'C1002', 'voice-ben', 12);
    const invocation = await noTable.invoke(contactFlowEvent({ contactId, customerId: 'C1002' }));
    expect(invocation.result).toEqual(expect.objectContaining({ decision: 'AUTHENTICATED', recordStatus: 'FAILED', decisionId: '' }));
    await noTable.stop();
  });

  test('decisions table unavailable where a record is required → the genuine caller is NOT_AUTHENTICATED (DECISION_NOT_RECORDED)', async () => {
    const required = await world.startFunction({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await closedPort()}`, POLICY_DECISION_RECORD: 'REQUIRED', DECISION_BUDGET_MS: '2000' });
    const contactId = nextContactId();
    await startCall(contactId, 'C1002', 'voice-ben', 12);
    const invocation = await required.invoke(contactFlowEvent({ contactId, customerId: 'C1002' }));
    expect(invocation.result).toEqual(expect.objectContaining({ decision: 'NOT_AUTHENTICATED', reason: 'DECISION_NOT_RECORDED', recordStatus: 'FAILED', authenticationDecision: 'ACCEPT' }));
    await required.stop();
  });

  test('an invalid event → ERROR INVALID_EVENT, never an exception', async () => {
    const invocation = await fn.invoke({ Name: 'ContactFlowEvent', Details: { ContactData: { Attributes: {} }, Parameters: {} } });
    expect(invocation.error).toBeUndefined();
    expect(invocation.result).toEqual(expect.objectContaining({ decision: 'ERROR', errorCode: 'INVALID_EVENT' }));
  });
});

// Runs last: moving the clock three years on expires every enrolled speaker.
describe('after three years without access', () => {
  test('an enrolled caller → EXPIRED', async () => {
    await world.stack.control.advanceClock(3 * 366 * 24 * 3600);
    const contactId = nextContactId();
    await startCall(contactId, 'C1002', 'voice-ben', 12);
    const result = await fn.invoke(contactFlowEvent({ contactId, customerId: 'C1002' }));
    expect(result.result).toEqual(expect.objectContaining({ decision: 'EXPIRED', authenticationDecision: 'SPEAKER_EXPIRED' }));
  });
});
