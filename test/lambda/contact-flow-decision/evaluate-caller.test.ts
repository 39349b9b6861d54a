import type { ContactFlowInput } from '../../../lambda/contact-flow-decision/adapters/connect-event';
import { DecisionStoreError, type DecisionStore, type RecordResult } from '../../../lambda/contact-flow-decision/adapters/decision-store';
import type { EvaluateOptions, VoiceIdGateway } from '../../../lambda/contact-flow-decision/adapters/voice-id-gateway';
import type { DecisionRecord } from '../../../lambda/contact-flow-decision/domain/decision-record';
import {
  VoiceIdAccessDeniedError,
  VoiceIdThrottledError,
  VoiceIdTimeoutError,
  VoiceIdUnavailableError,
  VoiceIdUnexpectedResponseError,
} from '../../../lambda/contact-flow-decision/domain/errors';
import type { EvaluateSessionAnswer } from '../../../lambda/contact-flow-decision/domain/voice-id-outcome';
import { evaluateCaller, type EvaluateCallerSettings, recordRejectedEvent } from '../../../lambda/contact-flow-decision/use-case/evaluate-caller';
import { InvalidEventError } from '../../../lambda/contact-flow-decision/domain/errors';
import { DEFAULT_POLICY, FakeClock } from './support';

/** In-memory Voice ID: answers from a script, taking `latencyMs` of fake time per call. */
/** The domain's default watchlist, as the scripted Voice ID reports it. */
const DEFAULT_WATCHLIST = 'Wl0123456789abcdefGHIJ';

class ScriptedVoiceId implements VoiceIdGateway {
  readonly calls: { at: number; sessionName: string; timeoutMs: number }[] = [];
  /** What DescribeDomain says (undefined: it failed; 'hang': it never answers). */
  defaultWatchlist: string | undefined | 'hang' = DEFAULT_WATCHLIST;
  constructor(
    private readonly clock: FakeClock,
    private readonly script: (call: number) => EvaluateSessionAnswer | Error,
    private readonly latencyMs = 100,
  ) {}
  defaultWatchlistId(): Promise<string | undefined> {
    return this.defaultWatchlist === 'hang' ? new Promise(() => undefined) : Promise.resolve(this.defaultWatchlist);
  }
  async evaluateSession(sessionName: string, { timeoutMs }: EvaluateOptions): Promise<EvaluateSessionAnswer> {
    this.calls.push({ at: this.clock.now(), sessionName, timeoutMs });
    const answer = this.script(this.calls.length);
    if (answer instanceof VoiceIdTimeoutError) {
      this.clock.advance(timeoutMs); // a hung call ends at its timeout
      throw answer;
    }
    this.clock.advance(Math.min(this.latencyMs, timeoutMs));
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** In-memory store keyed like the table: (contactId, recordKey), conditional put. */
class InMemoryStore implements DecisionStore {
  readonly items = new Map<string, DecisionRecord & { decisionId: string }>();
  readonly timeouts: number[] = [];
  failWith?: Error;
  async record(record: DecisionRecord, { timeoutMs }: { timeoutMs: number }): Promise<RecordResult> {
    this.timeouts.push(timeoutMs);
    if (this.failWith) throw this.failWith;
    const key = `${record.contactId}|${record.recordKey}`;
    const existing = this.items.get(key);
    if (existing) return { status: 'DUPLICATE', decisionId: existing.decisionId };
    const decisionId = `dec-${this.items.size + 1}`;
    this.items.set(key, { ...record, decisionId });
    return { status: 'RECORDED', decisionId };
  }
}

const CLAIMED = 'cust-4711';
const input: ContactFlowInput = {
  contactId: 'c0ffee00-0000-4000-8000-000000000001',
  sessionName: 'c0ffee00-0000-4000-8000-000000000001',
  claimedCustomerId: CLAIMED,
  policyOverrides: {},
};

const settings: EvaluateCallerSettings = {
  deploymentPolicy: DEFAULT_POLICY,
  policyVersion: 'v7',
  retentionDays: 30,
  budgetMs: 6500,
  pollIntervalMs: 1000,
};

const RESERVE = 1000;

/** Voice ID's audio ends a moment before the fake clock's start: a fresh result. */
const AUDIO_ENDED_AT = new FakeClock().now() - 2000;

const pending = (status: EvaluateSessionAnswer['streamingStatus'] = 'ONGOING', id = 'Pend000000000000000001'): EvaluateSessionAnswer => ({
  streamingStatus: status,
  authentication: { decision: 'NOT_ENOUGH_SPEECH', resultId: id, generatedSpeakerId: 'id#Gs0123456789abcdefGHIJ', customerSpeakerId: CLAIMED },
  fraud: { decision: 'NOT_ENOUGH_SPEECH', reasons: [], resultId: 'FPend00000000000000001' },
  unrecognized: [],
});
const accepted = (score = 95, customerSpeakerId = CLAIMED): EvaluateSessionAnswer => ({
  streamingStatus: 'ONGOING',
  authentication: {
    decision: 'ACCEPT',
    score,
    resultId: 'Acc0000000000000000001',
    generatedSpeakerId: 'id#Gs0123456789abcdefGHIJ',
    customerSpeakerId,
    acceptanceThreshold: 90,
    audioAggregationEndedAt: AUDIO_ENDED_AT,
  },
  fraud: { decision: 'LOW_RISK', reasons: [], knownFraudsterRiskScore: 10, voiceSpoofingRiskScore: 5, riskThreshold: 50, audioAggregationEndedAt: AUDIO_ENDED_AT, resultId: 'Low0000000000000000001', watchlistId: DEFAULT_WATCHLIST },
  unrecognized: [],
});

function setup(script: (call: number) => EvaluateSessionAnswer | Error, latencyMs = 100) {
  const clock = new FakeClock();
  const startedAt = clock.now();
  const voiceId = new ScriptedVoiceId(clock, script, latencyMs);
  const store = new InMemoryStore();
  let seed = 0;
  const random = () => ((seed = (seed * 9301 + 49297) % 233280) / 233280);
  const run = (overrides: Partial<EvaluateCallerSettings> = {}, flowInput: ContactFlowInput = input) =>
    evaluateCaller(flowInput, { voiceId, store, clock, sleep: clock.sleep, random }, { ...settings, ...overrides }, startedAt);
  return { clock, startedAt, voiceId, store, run };
}

describe('evaluate caller: waiting for speech', () => {
  test('asks again while speech is pending, spaced by the poll interval, then decides', async () => {
    const { run, voiceId, clock } = setup((call) => (call < 3 ? pending() : accepted()));
    const result = await run();
    expect(result).toMatchObject({ decision: 'AUTHENTICATED', reason: 'AUTHENTICATION_ACCEPTED', voiceIdCalls: 3, retries: 0, recordStatus: 'RECORDED' });
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(voiceId.calls[1]!.at - voiceId.calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  test('a configurable poll interval spaces the calls', async () => {
    const { run, clock } = setup((call) => (call < 2 ? pending() : accepted()));
    await run({ pollIntervalMs: 400 });
    expect(clock.sleeps).toEqual([400]);
  });

  test('waits only while streaming: NOT_ENOUGH_SPEECH after ENDED is INCONCLUSIVE at once', async () => {
    const { run, voiceId } = setup(() => pending('ENDED'));
    expect(await run()).toMatchObject({ decision: 'INCONCLUSIVE', reason: 'NOT_ENOUGH_SPEECH', voiceIdCalls: 1 });
    expect(voiceId.calls).toHaveLength(1);
  });

  test('final decisions are not polled again (one call)', async () => {
    const { run, voiceId } = setup(() => ({ ...accepted(), authentication: { decision: 'REJECT', score: 20, resultId: 'Rej0000000000000000001', customerSpeakerId: CLAIMED } }));
    expect((await run()).decision).toBe('NOT_AUTHENTICATED');
    expect(voiceId.calls).toHaveLength(1);
  });

  test('speech still pending when the budget runs out -> RETRY, answered before the deadline', async () => {
    const { run, voiceId, clock, startedAt } = setup(() => pending(), 300);
    const result = await run();
    expect(result).toMatchObject({ decision: 'RETRY', reason: 'SPEECH_PENDING' });
    expect(clock.now()).toBeLessThan(startedAt + settings.budgetMs);
    // one contact never asks more than once per poll interval (protects the 60 TPS account quota)
    expect(voiceId.calls.length).toBeLessThanOrEqual(Math.ceil(settings.budgetMs / settings.pollIntervalMs));
    for (let i = 1; i < voiceId.calls.length; i++) expect(voiceId.calls[i]!.at - voiceId.calls[i - 1]!.at).toBeGreaterThanOrEqual(1000);
  });
});

describe('evaluate caller: the hard deadline', () => {
  test('every Voice ID call ends no later than the deadline minus the record reserve', async () => {
    const { run, voiceId, startedAt } = setup(() => pending(), 300);
    await run();
    for (const call of voiceId.calls) expect(call.at + call.timeoutMs).toBeLessThanOrEqual(startedAt + settings.budgetMs - RESERVE);
  });

  test('a call that hangs is cut at its timeout; no usable answer -> ERROR DEADLINE_EXCEEDED before the deadline', async () => {
    const { run, clock, startedAt, store } = setup(() => new VoiceIdTimeoutError('timed out'));
    const result = await run();
    expect(result).toMatchObject({ decision: 'ERROR', error: { errorCode: 'DEADLINE_EXCEEDED' } });
    expect(clock.now()).toBeLessThanOrEqual(startedAt + settings.budgetMs - RESERVE);
    // there was still time to record the ERROR
    expect(store.timeouts[0]).toBeGreaterThanOrEqual(RESERVE);
    expect(result.recordStatus).toBe('RECORDED');
  });

  test('the record write is given only the time left before the deadline', async () => {
    const { run, store, clock, startedAt } = setup(() => pending(), 300);
    await run();
    expect(store.timeouts).toHaveLength(1);
    expect(clock.now() + store.timeouts[0]!).toBeLessThanOrEqual(startedAt + settings.budgetMs);
  });

  test('a budget too small for any call -> ERROR DEADLINE_EXCEEDED without calling Voice ID', async () => {
    const { run, voiceId } = setup(() => accepted());
    const result = await run({ budgetMs: 1100 });
    expect(result).toMatchObject({ decision: 'ERROR', reason: 'NO_TIME_FOR_VOICE_ID', voiceIdCalls: 0, error: { errorCode: 'DEADLINE_EXCEEDED' } });
    expect(voiceId.calls).toHaveLength(0);
  });

  test('no time left even to record -> the decision stands, recordStatus FAILED', async () => {
    const { run, store } = setup(() => accepted());
    const result = await run({ budgetMs: 0 });
    expect(result).toMatchObject({ decision: 'ERROR', recordStatus: 'FAILED', decisionId: '' });
    expect(store.timeouts).toHaveLength(0);
  });
});

describe('evaluate caller: retries', () => {
  test('throttling is retried with jittered exponential backoff, then ERROR VOICE_ID_THROTTLED', async () => {
    const { run, voiceId, clock } = setup(() => new VoiceIdThrottledError('slow down'));
    const result = await run();
    expect(result).toMatchObject({ decision: 'ERROR', reason: 'VOICE_ID_THROTTLING', error: { errorCode: 'VOICE_ID_THROTTLED' }, voiceIdCalls: 4, retries: 3 });
    expect(voiceId.calls).toHaveLength(4);
    // full jitter: each delay within [0, min(cap, base * 2^n))
    clock.sleeps.forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(1000, 100 * 2 ** n));
    });
  });

  test('throttled once, then answered: the answer counts, with one retry', async () => {
    const { run } = setup((call) => (call === 1 ? new VoiceIdThrottledError('slow down') : accepted()));
    expect(await run()).toMatchObject({ decision: 'AUTHENTICATED', voiceIdCalls: 2, retries: 1 });
  });

  test('5xx is retried, then ERROR VOICE_ID_UNAVAILABLE', async () => {
    const { run } = setup(() => new VoiceIdUnavailableError('VOICE_ID_SERVER_ERROR', 'boom'));
    expect(await run()).toMatchObject({ decision: 'ERROR', error: { errorCode: 'VOICE_ID_UNAVAILABLE' }, voiceIdCalls: 4 });
  });

  test('retries stop at the deadline even when more are allowed', async () => {
    const { run, clock, startedAt } = setup(() => new VoiceIdThrottledError('slow down'), 900);
    const result = await run({ maxErrorRetries: 100 });
    expect(result.decision).toBe('ERROR');
    expect(clock.now()).toBeLessThanOrEqual(startedAt + settings.budgetMs);
  });

  test('a non-retryable error fails at once: ERROR with its code, one call', async () => {
    const { run } = setup(() => new VoiceIdAccessDeniedError('denied'));
    expect(await run()).toMatchObject({ decision: 'ERROR', error: { errorCode: 'VOICE_ID_ACCESS_DENIED' }, voiceIdCalls: 1, retries: 0 });
  });

  test('an error after a pending answer keeps the honest answer: RETRY, not ERROR', async () => {
    const { run } = setup((call) => (call === 1 ? pending() : new VoiceIdThrottledError('slow down')));
    expect(await run()).toMatchObject({ decision: 'RETRY', voiceIdCalls: 2 });
  });

  test('an unreadable answer after a pending one is ERROR, not the earlier RETRY (it may hold a fraud signal)', async () => {
    const { run } = setup((call) => (call === 1 ? pending() : new VoiceIdUnexpectedResponseError('UNREADABLE_RESPONSE', 'garbled')));
    expect(await run()).toMatchObject({ decision: 'ERROR', reason: 'UNREADABLE_RESPONSE', error: { errorCode: 'VOICE_ID_UNEXPECTED_RESPONSE' }, voiceIdCalls: 2 });
  });

  test('a fraud signal in an answer that could not be read properly still wins: HIGH_RISK, not ERROR', async () => {
    const partialAnswer: EvaluateSessionAnswer = {
      ...accepted(),
      fraud: { decision: 'LOW_RISK', reasons: [], knownFraudsterRiskScore: 99, voiceSpoofingRiskScore: 1, riskThreshold: 50, audioAggregationEndedAt: Number.NaN },
    };
    const { run } = setup((call) => (call === 1 ? pending() : new VoiceIdUnexpectedResponseError('MALFORMED_RESPONSE', 'scores as strings', { partialAnswer })));
    expect(await run()).toMatchObject({ decision: 'HIGH_RISK', reason: 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX', voiceIdCalls: 2 });
  });

  test('a LOW_RISK is trusted only from the domain default watchlist, which Voice ID reports (DescribeDomain)', async () => {
    const { run } = setup(() => accepted());
    expect(await run()).toMatchObject({ decision: 'AUTHENTICATED' });
    const other = setup(() => ({ ...accepted(), fraud: { ...accepted().fraud!, watchlistId: 'EmptyWatchlist00000000' } }));
    expect(await other.run()).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'WATCHLIST_NOT_POLICY', policy: { watchlistId: DEFAULT_WATCHLIST } });
    // The record says which watchlist the decision trusted.
    expect([...other.store.items.values()][0]).toMatchObject({ policy: { watchlistId: DEFAULT_WATCHLIST } });
  });

  test('when the default watchlist cannot be learned, no LOW_RISK is trusted (fail closed), and a HIGH_RISK still is one', async () => {
    const unknown = setup(() => accepted());
    unknown.voiceId.defaultWatchlist = undefined;
    expect(await unknown.run()).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'WATCHLIST_UNKNOWN' });
    const fraud = setup(() => ({ ...accepted(), fraud: { ...accepted().fraud!, decision: 'HIGH_RISK' } }));
    fraud.voiceId.defaultWatchlist = undefined;
    expect(await fraud.run()).toMatchObject({ decision: 'HIGH_RISK' });
  });

  test('answers that hold no LOW_RISK never wait for the watchlist lookup (HIGH_RISK, speech pending)', async () => {
    const fraud = setup(() => ({ ...accepted(), fraud: { ...accepted().fraud!, decision: 'HIGH_RISK' } }));
    fraud.voiceId.defaultWatchlist = 'hang';
    expect(await fraud.run()).toMatchObject({ decision: 'HIGH_RISK' });
    const waiting = setup(() => pending());
    waiting.voiceId.defaultWatchlist = 'hang';
    expect(await waiting.run()).toMatchObject({ decision: 'RETRY' });
  });

  test('a configured watchlist is the one trusted, whatever the domain default', async () => {
    const { run, voiceId } = setup(() => ({ ...accepted(), fraud: { ...accepted().fraud!, watchlistId: 'Configured000000000000' } }));
    voiceId.defaultWatchlist = DEFAULT_WATCHLIST;
    expect(await run({ deploymentPolicy: { ...settings.deploymentPolicy, watchlistId: 'Configured000000000000' } })).toMatchObject({ decision: 'AUTHENTICATED' });
  });

  test('speech still pending in an answer that could not be read properly stays RETRY (the flow asks again), never ERROR', async () => {
    const { run } = setup(() => new VoiceIdUnexpectedResponseError('MALFORMED_RESPONSE', 'a threshold as a string', { partialAnswer: pending() }));
    expect(await run()).toMatchObject({ decision: 'RETRY' });
  });

  test('what could be read of a malformed answer is not enumerable (it holds the CustomerSpeakerId)', () => {
    const error = new VoiceIdUnexpectedResponseError('MALFORMED_RESPONSE', 'x', { partialAnswer: accepted() });
    expect(Object.keys(error)).not.toContain('partialAnswer');
    expect(JSON.stringify(error)).not.toContain(CLAIMED);
    expect(error.partialAnswer).toBeDefined();
  });

  test('an answer that could not be read properly never authenticates, even when what was read of it is a clean ACCEPT', async () => {
    const { run } = setup(() => new VoiceIdUnexpectedResponseError('MALFORMED_RESPONSE', 'a score as a string', { partialAnswer: accepted() }));
    expect(await run()).toMatchObject({ decision: 'ERROR', reason: 'MALFORMED_RESPONSE', error: { errorCode: 'VOICE_ID_UNEXPECTED_RESPONSE' }, voiceIdCalls: 1 });
  });

  test('an answer with unknown values after a pending one is decided on, not answered with the earlier RETRY', async () => {
    const unknownHighRisk = (): EvaluateSessionAnswer => ({
      ...accepted(),
      authentication: { ...accepted().authentication!, decision: 'UNKNOWN' },
      fraud: { decision: 'HIGH_RISK', reasons: ['UNKNOWN'], resultId: 'High000000000000000002' },
      unrecognized: ['AuthenticationResult.Decision', 'FraudDetectionResult.Reasons'],
    });
    const { run } = setup((call) => (call === 1 ? pending() : unknownHighRisk()));
    expect(await run()).toMatchObject({ decision: 'HIGH_RISK', reason: 'FRAUD_HIGH_RISK', voiceIdCalls: 2 });
  });

  test('an unexpected failure of the gateway is an ERROR INTERNAL_ERROR, never a throw', async () => {
    const { run } = setup(() => new TypeError('bug'));
    expect(await run()).toMatchObject({ decision: 'ERROR', error: { errorCode: 'INTERNAL_ERROR' } });
  });
});

describe('evaluate caller: recording', () => {
  test('records the decision with its inputs, policy version, speaker index and TTL', async () => {
    const { run, store, startedAt } = setup(() => accepted());
    const result = await run();
    const [record] = [...store.items.values()];
    expect(record).toMatchObject({
      contactId: input.contactId,
      sessionName: input.sessionName,
      decision: 'AUTHENTICATED',
      reason: 'AUTHENTICATION_ACCEPTED',
      policy: { version: 'v7', minAuthenticationScore: 90 },
      voiceIdCalls: 1,
      recordKey: 'R#Acc0000000000000000001#Low0000000000000000001#AUTHENTICATED#AUTHENTICATION_ACCEPTED#v7',
      idempotent: true,
    });
    expect(record!.highRiskDay).toBeUndefined();
    expect(record!.expiresAt).toBe(Math.floor((startedAt + 100) / 1000) + 30 * 86400);
    expect(result.decisionId).toBe(record!.decisionId);
  });

  test('a HIGH_RISK record carries the day for the sparse highRiskByDay index', async () => {
    const { run, store } = setup(() => ({ ...accepted(), fraud: { decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudsterRiskScore: 97, voiceSpoofingRiskScore: 2, resultId: 'High000000000000000001' } }));
    await run();
    expect([...store.items.values()][0]).toMatchObject({ decision: 'HIGH_RISK', highRiskDay: '2025-03-14' });
  });

  test('replaying the same Voice ID result is a DUPLICATE returning the existing id, not a second record', async () => {
    const { run, store } = setup(() => accepted());
    const first = await run();
    const second = await run();
    expect(first.recordStatus).toBe('RECORDED');
    expect(second).toMatchObject({ recordStatus: 'DUPLICATE', decisionId: first.decisionId, decision: 'AUTHENTICATED' });
    expect(store.items.size).toBe(1);
  });

  test('ERROR decisions are recorded too, each under a unique key', async () => {
    const { run, store } = setup(() => new VoiceIdAccessDeniedError('denied'));
    await run();
    await run();
    const records = [...store.items.values()];
    expect(records).toHaveLength(2);
    for (const record of records) expect(record).toMatchObject({ decision: 'ERROR', errorCode: 'VOICE_ID_ACCESS_DENIED', idempotent: false });
    expect(records[0]!.recordKey).toMatch(/^U#2025-03-14T09:30:00\.\d{3}Z#[a-z0-9]{16}$/);
  });

  test('a failure to record keeps the decision: recordStatus FAILED, empty decision id', async () => {
    const { run, store } = setup(() => accepted());
    store.failWith = new DecisionStoreError('RECORD_WRITE_FAILED', 'dynamo down');
    const result = await run();
    expect(result).toMatchObject({ decision: 'AUTHENTICATED', recordStatus: 'FAILED', decisionId: '' });
    expect(result.recordError).toBe(store.failWith);
  });

  test('a rejected event is recorded within the budget counted from the start, not a fresh one', async () => {
    const { clock, store } = setup(() => accepted());
    const startedAt = clock.now();
    const deps = { voiceId: new ScriptedVoiceId(clock, () => accepted()), store, clock, sleep: clock.sleep, random: () => 0.5 };
    const error = new InvalidEventError('FLOW_PARAMETER_MISSPELT', 'misspelt', 'minAuthenticationScore');
    clock.advance(6480); // parsing took (nearly) the whole budget
    expect(await recordRejectedEvent(input.contactId, error, deps, settings, startedAt)).toMatchObject({ recordStatus: 'FAILED' });
    expect(store.timeouts).toEqual([]);
    clock.advance(-6480 + 1000);
    expect(await recordRejectedEvent(input.contactId, error, deps, settings, startedAt)).toMatchObject({ recordStatus: 'RECORDED' });
    expect(store.timeouts).toEqual([5500]);
  });

  describe('when the deployment requires a record of every authentication', () => {
    const required = { deploymentPolicy: { ...settings.deploymentPolicy, decisionRecord: 'REQUIRED' as const } };
    const highRisk = (): EvaluateSessionAnswer => ({
      ...accepted(),
      fraud: { decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudsterRiskScore: 97, voiceSpoofingRiskScore: 2, resultId: 'High000000000000000001' },
    });

    test('an AUTHENTICATED whose record failed is answered NOT_AUTHENTICATED, saying why', async () => {
      const { run, store } = setup(() => accepted());
      store.failWith = new DecisionStoreError('RECORD_WRITE_FAILED', 'dynamo down');
      const result = await run(required);
      expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'DECISION_NOT_RECORDED', recordStatus: 'FAILED', decisionId: '' });
      expect(result.recordError).toBe(store.failWith);
    });

    test('a recorded or already recorded AUTHENTICATED stands', async () => {
      const { run } = setup(() => accepted());
      expect(await run(required)).toMatchObject({ decision: 'AUTHENTICATED', recordStatus: 'RECORDED' });
      expect(await run(required)).toMatchObject({ decision: 'AUTHENTICATED', recordStatus: 'DUPLICATE' });
    });

    test('other decisions keep their answer when the record fails: a HIGH_RISK still reaches the flow', async () => {
      const { run, store } = setup(highRisk);
      store.failWith = new DecisionStoreError('RECORD_WRITE_FAILED', 'dynamo down');
      expect(await run(required)).toMatchObject({ decision: 'HIGH_RISK', recordStatus: 'FAILED' });
    });
  });

  test('the effective (tightened) policy decides and is recorded', async () => {
    const { run, store } = setup(() => accepted(92));
    const result = await run({}, { ...input, policyOverrides: { minAuthenticationScore: 95 } });
    expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'SCORE_BELOW_MINIMUM', policy: { version: 'v7_flow-min95' } });
    expect([...store.items.values()][0]!.policy.minAuthenticationScore).toBe(95);
  });

  test('an ACCEPT of a speaker other than the claimed customer is not authenticated, and neither id reaches the result or record', async () => {
    const { run, store } = setup(() => accepted(99, 'cust-9999'));
    const result = await run();
    expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'SPEAKER_NOT_CLAIMED_CUSTOMER' });
    const stored = JSON.stringify([...store.items.values()]);
    for (const text of [JSON.stringify(result), stored]) {
      expect(text).not.toContain('cust-9999');
      expect(text).not.toContain(CLAIMED);
    }
    expect([...store.items.values()][0]!.evaluation?.authentication?.claim).toBe('MISMATCH');
  });

  test('no claimed customer: an ACCEPT is not authenticated (CUSTOMER_ID_NOT_CLAIMED)', async () => {
    const { run } = setup(() => accepted());
    const { claimedCustomerId: _, ...unclaimed } = input;
    expect(await run({}, unclaimed)).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'CUSTOMER_ID_NOT_CLAIMED' });
  });

  test('the decision is taken at the time of the answer: a result that ages past the maximum while polling does not authenticate', async () => {
    const { run } = setup((call) => (call < 3 ? pending() : accepted()));
    expect(await run({ deploymentPolicy: { ...settings.deploymentPolicy, maxResultAgeSeconds: 3 } })).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'RESULT_TOO_OLD' });
  });

  test('asks Voice ID about the chosen session', async () => {
    const { run, voiceId } = setup(() => accepted());
    await run({}, { ...input, sessionName: 'initial-contact' });
    expect(voiceId.calls[0]!.sessionName).toBe('initial-contact');
  });
});
