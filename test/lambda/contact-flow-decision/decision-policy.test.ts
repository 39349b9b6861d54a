import { UNKNOWN_WATCHLIST } from '../../../lambda/contact-flow-decision/domain/policy';
import { DEFAULT_POLICY } from './support';
import fc from 'fast-check';
import {
  CALLER_DECISIONS,
  decide,
  type DecisionReason,
  isStreaming,
  MAX_CLOCK_SKEW_MS,
  type PolicyDecision,
  REASONS_BY_DECISION,
} from '../../../lambda/contact-flow-decision/domain/decision-policy';
import type { DeploymentPolicy } from '../../../lambda/contact-flow-decision/domain/policy';
import {
  AUTHENTICATION_DECISIONS,
  type AuthenticationOutcome,
  type ClaimMatch,
  FRAUD_DECISIONS,
  type FraudOutcome,
  STREAMING_STATUSES,
  UNKNOWN,
  type VoiceIdOutcome,
} from '../../../lambda/contact-flow-decision/domain/voice-id-outcome';

const NOW = Date.UTC(2025, 2, 14, 9, 30, 0);
const FRESH = NOW - 20_000;
const STALE = NOW - 1801_000;

const POLICY: DeploymentPolicy = DEFAULT_POLICY;

interface Case {
  readonly outcome: VoiceIdOutcome;
  readonly policy: DeploymentPolicy;
}

/**
 * A grid over every value class the decision can depend on: each decision Voice ID knows plus one it does
 * not, scores below/at/above the thresholds and out of range, thresholds looser/equal/stricter than the
 * deployment's, each claim, fresh and stale audio, both screening modes, streaming and ended.
 */
function* grid(): Generator<Case> {
  const authentications: (AuthenticationOutcome | undefined)[] = [undefined];
  for (const decision of [...AUTHENTICATION_DECISIONS, UNKNOWN] as const) {
    for (const score of [undefined, 89, 95, 101]) {
      for (const acceptanceThreshold of [undefined, 85, 90]) {
        for (const claim of ['MATCH', 'MISMATCH', 'NO_CLAIM'] as const) {
          for (const audioAggregationEndedAt of [FRESH, STALE]) authentications.push({ decision, score, acceptanceThreshold, claim, audioAggregationEndedAt });
        }
      }
    }
  }
  const frauds: (FraudOutcome | undefined)[] = [undefined];
  for (const decision of [...FRAUD_DECISIONS, UNKNOWN] as const) {
    for (const reasons of [[], [UNKNOWN]] as const) {
      for (const knownFraudsterRiskScore of [undefined, 10, 50]) {
        for (const voiceSpoofingRiskScore of [10, 40, 50]) {
          for (const riskThreshold of [undefined, 30, 50, 60]) {
            for (const audioAggregationEndedAt of [FRESH, STALE]) frauds.push({ decision, reasons, knownFraudsterRiskScore, voiceSpoofingRiskScore, riskThreshold, audioAggregationEndedAt });
          }
        }
      }
    }
  }
  for (const authentication of authentications) {
    for (const fraud of frauds) {
      for (const streamingStatus of ['ONGOING', 'ENDED'] as const) {
        for (const fraudScreening of ['REQUIRED', 'OFF'] as const) yield { outcome: { authentication, fraud, streamingStatus }, policy: { ...POLICY, fraudScreening } };
      }
    }
  }
}

const GRID_SIZE = (1 + 8 * 4 * 3 * 3 * 2) * (1 + 4 * 2 * 3 * 3 * 4 * 2) * 2 * 2;

/**
 * The rules of the issue, written independently of the implementation and without its reasons: what a
 * security engineer would expect each combination to answer.
 */
function expectedDecision({ authentication: a, fraud: f, streamingStatus }: VoiceIdOutcome, p: DeploymentPolicy): PolicyDecision {
  const streaming = streamingStatus === 'ONGOING' || streamingStatus === 'PENDING_CONFIGURATION';
  const pending: PolicyDecision = streaming ? 'RETRY' : 'INCONCLUSIVE';
  const reaches = (score: number | undefined, limit: number | undefined) => score !== undefined && limit !== undefined && score >= limit;
  const fresh = (at: number | undefined) => at !== undefined && at <= NOW + MAX_CLOCK_SKEW_MS && NOW - at <= p.maxResultAgeSeconds * 1000;
  const inRange = (n: number | undefined): n is number => n !== undefined && n >= 0 && n <= 100;

  if (f) {
    const scores = [f.knownFraudsterRiskScore, f.voiceSpoofingRiskScore];
    if (f.decision === 'HIGH_RISK' || f.reasons.length > 0) return 'HIGH_RISK';
    if (reaches(f.knownFraudsterRiskScore, p.maxKnownFraudsterRiskScore) || reaches(f.voiceSpoofingRiskScore, p.maxVoiceSpoofingRiskScore)) return 'HIGH_RISK';
    if (scores.some((s) => reaches(s, f.riskThreshold))) return 'HIGH_RISK';
  }
  // A LOW_RISK is a completed screening only when it can be trusted: valid scores, a threshold at least as strict as the deployment's, fresh.
  const clean =
    f !== undefined &&
    inRange(f.knownFraudsterRiskScore) &&
    inRange(f.voiceSpoofingRiskScore) &&
    inRange(f.riskThreshold) &&
    f.riskThreshold <= p.fraudRiskThreshold &&
    fresh(f.audioAggregationEndedAt);
  // What an outcome that waits for the fraud check becomes, given where the check stands. Enrollment outcomes
  // wait for it too: they invite an agent to enroll the caller.
  const onceScreened = (answer: PolicyDecision, screenedClean: boolean): PolicyDecision => {
    if (!f) {
      if (p.fraudScreening === 'OFF') return answer;
      return streaming ? 'RETRY' : 'NOT_AUTHENTICATED';
    }
    if (f.decision === 'NOT_ENOUGH_SPEECH') return pending;
    if (f.decision !== 'LOW_RISK') return 'NOT_AUTHENTICATED';
    return screenedClean ? answer : 'NOT_AUTHENTICATED';
  };

  if (!a) {
    if (!f || f.decision === 'NOT_ENOUGH_SPEECH') return pending;
    return 'NOT_AUTHENTICATED';
  }
  if (a.decision === 'NOT_ENOUGH_SPEECH') return pending;
  if (a.decision === 'SPEAKER_ID_NOT_PROVIDED') return onceScreened('NOT_ENROLLED', clean);
  if (a.decision !== 'ACCEPT' && a.decision !== 'SPEAKER_NOT_ENROLLED' && a.decision !== 'SPEAKER_OPTED_OUT' && a.decision !== 'SPEAKER_EXPIRED') return 'NOT_AUTHENTICATED';
  if (a.claim !== 'MATCH') return 'NOT_AUTHENTICATED';
  if (a.decision === 'SPEAKER_NOT_ENROLLED') return onceScreened('NOT_ENROLLED', clean);
  if (a.decision === 'SPEAKER_OPTED_OUT') return onceScreened('OPTED_OUT', clean);
  if (a.decision === 'SPEAKER_EXPIRED') return onceScreened('EXPIRED', clean);

  const strictAccept =
    inRange(a.score) &&
    inRange(a.acceptanceThreshold) &&
    a.acceptanceThreshold >= p.acceptanceThreshold &&
    a.score >= a.acceptanceThreshold &&
    a.score >= p.minAuthenticationScore &&
    fresh(a.audioAggregationEndedAt);
  if (!strictAccept) return 'NOT_AUTHENTICATED';
  return onceScreened('AUTHENTICATED', clean);
}

describe('decision policy, over a grid of every value class', () => {
  test('the grid covers every combination', () => {
    let n = 0;
    for (const _ of grid()) n += 1;
    expect(n).toBe(GRID_SIZE);
  });

  test('follows the rules in every case', () => {
    const mismatches: unknown[] = [];
    for (const { outcome, policy } of grid()) {
      const expected = expectedDecision(outcome, policy);
      const actual = decide(outcome, policy, NOW);
      if (actual.decision !== expected && mismatches.length < 5) mismatches.push({ outcome, fraudScreening: policy.fraudScreening, expected, actual });
    }
    expect(mismatches).toEqual([]);
  });

  test('every reason comes with its own decision, and every reason is reachable', () => {
    const misplaced: unknown[] = [];
    const seen = new Set<DecisionReason>();
    for (const { outcome, policy } of grid()) {
      const verdict = decide(outcome, policy, NOW);
      seen.add(verdict.reason);
      if (!(REASONS_BY_DECISION[verdict.decision] as readonly string[]).includes(verdict.reason) && misplaced.length < 5) misplaced.push({ outcome, verdict });
    }
    expect(misplaced).toEqual([]);
    // Reasons that need values outside the grid (unknown timestamps, future audio, invalid risk scores, a minimum above the
    // acceptance threshold) come from the named examples and the properties below.
    const outsideGrid = ['RESULT_AGE_UNKNOWN', 'RESULT_TIME_IN_FUTURE', 'FRAUD_SCORE_INVALID', 'SCORE_BELOW_MINIMUM', 'WATCHLIST_NOT_POLICY', 'WATCHLIST_UNKNOWN'];
    const all = Object.values(REASONS_BY_DECISION).flat() as DecisionReason[];
    expect(all.filter((reason) => !seen.has(reason) && !outsideGrid.includes(reason))).toEqual([]);
  });
});

/** Values of every kind a faulty service, a newer API or a flow author could produce. */
const anyNumber = fc.oneof(fc.integer({ min: -5, max: 105 }), fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const anyTime = fc.oneof(fc.integer({ min: NOW - 3 * 3600_000, max: NOW + 3 * 60_000 }), fc.constantFrom(Number.NaN, 0, FRESH, STALE));
const anyAuthentication: fc.Arbitrary<AuthenticationOutcome> = fc.record({
  decision: fc.constantFrom(...AUTHENTICATION_DECISIONS, UNKNOWN),
  score: maybe(anyNumber),
  acceptanceThreshold: maybe(anyNumber),
  audioAggregationEndedAt: maybe(anyTime),
  claim: fc.constantFrom<ClaimMatch>('MATCH', 'MISMATCH', 'NO_CLAIM'),
});
const anyFraud: fc.Arbitrary<FraudOutcome> = fc.record({
  decision: fc.constantFrom(...FRAUD_DECISIONS, UNKNOWN),
  reasons: fc.subarray(['KNOWN_FRAUDSTER', 'VOICE_SPOOFING', UNKNOWN] as const),
  knownFraudsterRiskScore: maybe(anyNumber),
  voiceSpoofingRiskScore: maybe(anyNumber),
  riskThreshold: maybe(anyNumber),
  audioAggregationEndedAt: maybe(anyTime),
});
const anyOutcome: fc.Arbitrary<VoiceIdOutcome> = fc.record({
  authentication: maybe(anyAuthentication),
  fraud: maybe(anyFraud),
  streamingStatus: fc.constantFrom(...STREAMING_STATUSES),
});
const score = fc.integer({ min: 0, max: 100 });
const anyPolicy: fc.Arbitrary<DeploymentPolicy> = fc.record({
  acceptanceThreshold: score,
  fraudRiskThreshold: score,
  minAuthenticationScore: score,
  maxKnownFraudsterRiskScore: score,
  maxVoiceSpoofingRiskScore: score,
  fraudScreening: fc.constantFrom('REQUIRED', 'OFF'),
  maxResultAgeSeconds: fc.integer({ min: 30, max: 1800 }),
  decisionRecord: fc.constantFrom('BEST_EFFORT' as const, 'REQUIRED' as const),
});

describe('decision policy, properties over arbitrary answers', () => {
  const runs = { numRuns: 20_000 };

  test('AUTHENTICATED only for a complete, fresh, strict ACCEPT of the claimed customer with a clean fresh fraud check (or screening declared off)', () => {
    fc.assert(
      fc.property(anyOutcome, anyPolicy, ({ authentication: a, fraud: f, streamingStatus }, p) => {
        if (decide({ authentication: a, fraud: f, streamingStatus }, p, NOW).decision !== 'AUTHENTICATED') return true;
        const age = (at: number | undefined) => (at === undefined ? Number.NaN : NOW - at);
        const authOk =
          a !== undefined &&
          a.decision === 'ACCEPT' &&
          a.claim === 'MATCH' &&
          typeof a.score === 'number' &&
          typeof a.acceptanceThreshold === 'number' &&
          a.score <= 100 &&
          a.score >= Math.max(p.minAuthenticationScore, a.acceptanceThreshold) &&
          a.acceptanceThreshold >= p.acceptanceThreshold &&
          age(a.audioAggregationEndedAt) <= p.maxResultAgeSeconds * 1000 &&
          age(a.audioAggregationEndedAt) >= -MAX_CLOCK_SKEW_MS;
        const fraudOk =
          f === undefined
            ? p.fraudScreening === 'OFF'
            : f.decision === 'LOW_RISK' &&
              f.reasons.length === 0 &&
              typeof f.riskThreshold === 'number' &&
              f.riskThreshold <= p.fraudRiskThreshold &&
              typeof f.knownFraudsterRiskScore === 'number' &&
              typeof f.voiceSpoofingRiskScore === 'number' &&
              f.knownFraudsterRiskScore >= 0 &&
              f.voiceSpoofingRiskScore >= 0 &&
              f.knownFraudsterRiskScore < Math.min(p.maxKnownFraudsterRiskScore, f.riskThreshold) &&
              f.voiceSpoofingRiskScore < Math.min(p.maxVoiceSpoofingRiskScore, f.riskThreshold) &&
              age(f.audioAggregationEndedAt) <= p.maxResultAgeSeconds * 1000 &&
              age(f.audioAggregationEndedAt) >= -MAX_CLOCK_SKEW_MS;
        return authOk && fraudOk;
      }),
      runs,
    );
  });

  test('a fraud signal wins whatever else the answer holds: HIGH_RISK, any reason (known or not), a score at or above a maximum or Voice ID’s threshold', () => {
    fc.assert(
      fc.property(anyOutcome, anyPolicy, (outcome, p) => {
        const f = outcome.fraud;
        if (!f) return true;
        const reaches = (s: number | undefined, limit: number | undefined) => s !== undefined && limit !== undefined && s >= limit;
        const signal =
          f.decision === 'HIGH_RISK' ||
          f.reasons.length > 0 ||
          reaches(f.knownFraudsterRiskScore, p.maxKnownFraudsterRiskScore) ||
          reaches(f.voiceSpoofingRiskScore, p.maxVoiceSpoofingRiskScore) ||
          reaches(f.knownFraudsterRiskScore, f.riskThreshold) ||
          reaches(f.voiceSpoofingRiskScore, f.riskThreshold);
        return !signal || decide(outcome, p, NOW).decision === 'HIGH_RISK';
      }),
      runs,
    );
  });

  test('never ERROR; RETRY only while streaming, INCONCLUSIVE only once not; every reason with its decision', () => {
    fc.assert(
      fc.property(anyOutcome, anyPolicy, (outcome, p) => {
        const { decision, reason } = decide(outcome, p, NOW);
        if (!CALLER_DECISIONS.includes(decision) || decision === ('ERROR' as PolicyDecision)) return false;
        if (!(REASONS_BY_DECISION[decision] as readonly string[]).includes(reason)) return false;
        if (decision === 'RETRY') return isStreaming(outcome.streamingStatus);
        if (decision === 'INCONCLUSIVE') return !isStreaming(outcome.streamingStatus);
        return true;
      }),
      runs,
    );
  });

  test('enrollment outcomes (NOT_ENROLLED, OPTED_OUT, EXPIRED) only once the fraud check has completed or is declared off', () => {
    fc.assert(
      fc.property(anyOutcome, anyPolicy, (outcome, p) => {
        const { decision } = decide(outcome, p, NOW);
        if (decision !== 'NOT_ENROLLED' && decision !== 'OPTED_OUT' && decision !== 'EXPIRED') return true;
        return outcome.fraud === undefined ? p.fraudScreening === 'OFF' : outcome.fraud.decision === 'LOW_RISK';
      }),
      runs,
    );
  });

  test('is a pure function of its inputs', () => {
    fc.assert(
      fc.property(anyOutcome, anyPolicy, (outcome, p) => {
        expect(decide(outcome, p, NOW)).toEqual(decide(structuredClone(outcome), { ...p }, NOW));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decision policy, named examples (the decision matrix)', () => {
  const accept = { decision: 'ACCEPT', score: 95, acceptanceThreshold: 90, audioAggregationEndedAt: FRESH, claim: 'MATCH' } as const;
  const low = { decision: 'LOW_RISK', reasons: [], knownFraudsterRiskScore: 10, voiceSpoofingRiskScore: 5, riskThreshold: 50, audioAggregationEndedAt: FRESH } as const;
  const speechPending = { decision: 'NOT_ENOUGH_SPEECH', reasons: [] } as const;
  const ongoing = (authentication?: AuthenticationOutcome, fraud?: FraudOutcome): VoiceIdOutcome => ({ authentication, fraud, streamingStatus: 'ONGOING' });
  const ended = (authentication?: AuthenticationOutcome, fraud?: FraudOutcome): VoiceIdOutcome => ({ authentication, fraud, streamingStatus: 'ENDED' });
  const off: DeploymentPolicy = { ...POLICY, fraudScreening: 'OFF' };

  const examples: [string, VoiceIdOutcome, PolicyDecision, DecisionReason, DeploymentPolicy?][] = [
    ['strict, fresh ACCEPT of the claimed customer, clean fraud check', ongoing(accept, low), 'AUTHENTICATED', 'AUTHENTICATION_ACCEPTED'],
    ['ACCEPT, screening declared off by the deployment', ended(accept), 'AUTHENTICATED', 'AUTHENTICATION_ACCEPTED_WITHOUT_FRAUD_SCREENING', off],
    // Rule 1: bound to the claimed customer.
    ['ACCEPT of another speaker (caller switched accounts in the IVR)', ongoing({ ...accept, claim: 'MISMATCH' }, low), 'NOT_AUTHENTICATED', 'SPEAKER_NOT_CLAIMED_CUSTOMER'],
    ['ACCEPT while the flow claims nobody', ongoing({ ...accept, claim: 'NO_CLAIM' }, low), 'NOT_AUTHENTICATED', 'CUSTOMER_ID_NOT_CLAIMED'],
    ['NOT_ENROLLED result about another speaker is not an enrollment prompt for this one', ongoing({ decision: 'SPEAKER_NOT_ENROLLED', claim: 'MISMATCH' }, low), 'NOT_AUTHENTICATED', 'SPEAKER_NOT_CLAIMED_CUSTOMER'],
    // Rule 2: thresholds the deployment trusts.
    ['ACCEPT under an acceptance threshold a flow lowered to 50', ongoing({ ...accept, score: 60, acceptanceThreshold: 50 }, low), 'NOT_AUTHENTICATED', 'ACCEPTANCE_THRESHOLD_BELOW_POLICY'],
    ['ACCEPT under a lowered threshold even with a high score', ongoing({ ...accept, score: 99, acceptanceThreshold: 89 }, low), 'NOT_AUTHENTICATED', 'ACCEPTANCE_THRESHOLD_BELOW_POLICY'],
    ['ACCEPT without the threshold it was decided under', ongoing({ ...accept, acceptanceThreshold: undefined }, low), 'NOT_AUTHENTICATED', 'ACCEPTANCE_THRESHOLD_MISSING'],
    ['ACCEPT below its own threshold (inconsistent answer)', ongoing({ ...accept, score: 91, acceptanceThreshold: 95 }, low), 'NOT_AUTHENTICATED', 'SCORE_BELOW_ACCEPTANCE_THRESHOLD'],
    ['ACCEPT below the deployment minimum', ongoing({ ...accept, score: 92 }, low), 'NOT_AUTHENTICATED', 'SCORE_BELOW_MINIMUM', { ...POLICY, minAuthenticationScore: 93 }],
    ['LOW_RISK under a risk threshold a flow raised to 90', ongoing(accept, { ...low, riskThreshold: 90 }), 'NOT_AUTHENTICATED', 'RISK_THRESHOLD_ABOVE_POLICY'],
    ['LOW_RISK without its risk threshold', ongoing(accept, { ...low, riskThreshold: undefined }), 'NOT_AUTHENTICATED', 'RISK_THRESHOLD_MISSING'],
    ['LOW_RISK from another watchlist than the deployment screens against (an empty one)', ongoing(accept, { ...low, watchlistId: 'EmptyWatchlist00000000' }), 'NOT_AUTHENTICATED', 'WATCHLIST_NOT_POLICY', { ...POLICY, watchlistId: 'Wl0123456789abcdefGHIJ' }],
    ['LOW_RISK that names no watchlist, when the deployment knows its own', ongoing(accept, { ...low, watchlistId: undefined }), 'NOT_AUTHENTICATED', 'WATCHLIST_NOT_POLICY', { ...POLICY, watchlistId: 'Wl0123456789abcdefGHIJ' }],
    ['LOW_RISK that names no watchlist, when the trusted one is the domain default (the field is optional in the API)', ongoing(accept, { ...low, watchlistId: undefined }), 'AUTHENTICATED', 'AUTHENTICATION_ACCEPTED', { ...POLICY, watchlistId: 'Wl0123456789abcdefGHIJ', watchlistIsDomainDefault: true }],
    ['LOW_RISK while the trusted watchlist could not be learned', ongoing(accept, { ...low, watchlistId: 'Wl0123456789abcdefGHIJ' }), 'NOT_AUTHENTICATED', 'WATCHLIST_UNKNOWN', { ...POLICY, watchlistId: UNKNOWN_WATCHLIST }],
    ['LOW_RISK against the deployment watchlist', ongoing(accept, { ...low, watchlistId: 'Wl0123456789abcdefGHIJ' }), 'AUTHENTICATED', 'AUTHENTICATION_ACCEPTED', { ...POLICY, watchlistId: 'Wl0123456789abcdefGHIJ' }],
    ['HIGH_RISK from another watchlist still wins', ongoing(accept, { ...low, decision: 'HIGH_RISK', watchlistId: 'OtherWatchlist00000000' }), 'HIGH_RISK', 'FRAUD_HIGH_RISK', { ...POLICY, watchlistId: 'Wl0123456789abcdefGHIJ' }],
    ['LOW_RISK whose spoofing score reaches the deployment max', ongoing(accept, { ...low, voiceSpoofingRiskScore: 50 }), 'HIGH_RISK', 'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX'],
    ['LOW_RISK whose known-fraudster score reaches the deployment max', ongoing(accept, { ...low, knownFraudsterRiskScore: 50 }), 'HIGH_RISK', 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX'],
    ['LOW_RISK whose score reaches the threshold Voice ID reports (self-contradicting)', ongoing(accept, { ...low, riskThreshold: 30, knownFraudsterRiskScore: 30 }), 'HIGH_RISK', 'RISK_AT_OR_ABOVE_VOICE_ID_THRESHOLD'],
    // Rule 3: complete results only.
    ['ACCEPT without a score', ongoing({ ...accept, score: undefined }, low), 'NOT_AUTHENTICATED', 'SCORE_MISSING'],
    ['ACCEPT with a score out of range', ongoing({ ...accept, score: 250 }, low), 'NOT_AUTHENTICATED', 'SCORE_INVALID'],
    ['ACCEPT with a score that is not a number', ongoing({ ...accept, score: Number.NaN }, low), 'NOT_AUTHENTICATED', 'SCORE_INVALID'],
    ['ACCEPT, no fraud result yet, streaming', ongoing(accept), 'RETRY', 'FRAUD_RESULT_PENDING'],
    ['ACCEPT, no fraud result, stream ended', ended(accept), 'NOT_AUTHENTICATED', 'FRAUD_RESULT_MISSING'],
    ['ACCEPT, fraud needs speech, streaming', ongoing(accept, speechPending), 'RETRY', 'FRAUD_SPEECH_PENDING'],
    ['ACCEPT, fraud needs speech, stream ended', ended(accept, speechPending), 'INCONCLUSIVE', 'FRAUD_NOT_ENOUGH_SPEECH'],
    ['ACCEPT, LOW_RISK without risk scores', ongoing(accept, { ...low, knownFraudsterRiskScore: undefined }), 'NOT_AUTHENTICATED', 'FRAUD_SCORE_MISSING'],
    ['ACCEPT, LOW_RISK with a negative risk score', ongoing(accept, { ...low, voiceSpoofingRiskScore: -1 }), 'NOT_AUTHENTICATED', 'FRAUD_SCORE_INVALID'],
    // Rule 4: fresh results only.
    ['ACCEPT computed from audio that ended 31 minutes ago (a callback of an old contact)', ongoing({ ...accept, audioAggregationEndedAt: NOW - 31 * 60_000 }, low), 'NOT_AUTHENTICATED', 'RESULT_TOO_OLD'],
    ['ACCEPT older than a deployment maximum of 60 s', ongoing({ ...accept, audioAggregationEndedAt: NOW - 61_000 }, low), 'NOT_AUTHENTICATED', 'RESULT_TOO_OLD', { ...POLICY, maxResultAgeSeconds: 60 }],
    ['ACCEPT without an audio end time', ongoing({ ...accept, audioAggregationEndedAt: undefined }, low), 'NOT_AUTHENTICATED', 'RESULT_AGE_UNKNOWN'],
    ['ACCEPT from audio that ends in the future', ongoing({ ...accept, audioAggregationEndedAt: NOW + MAX_CLOCK_SKEW_MS + 1 }, low), 'NOT_AUTHENTICATED', 'RESULT_TIME_IN_FUTURE'],
    ['fresh ACCEPT with a stale fraud result', ongoing(accept, { ...low, audioAggregationEndedAt: STALE }), 'NOT_AUTHENTICATED', 'RESULT_TOO_OLD'],
    // Rule 6: no unknown value hides a fraud signal.
    ['HIGH_RISK with an unknown reason and an unknown authentication decision', ongoing({ ...accept, decision: UNKNOWN }, { ...low, decision: 'HIGH_RISK', reasons: [UNKNOWN] }), 'HIGH_RISK', 'FRAUD_HIGH_RISK'],
    ['an unknown fraud decision with a known reason', ongoing(accept, { ...low, decision: UNKNOWN, reasons: ['KNOWN_FRAUDSTER'] }), 'HIGH_RISK', 'FRAUD_REASONS_REPORTED'],
    ['LOW_RISK with a reason this code does not know', ongoing(accept, { ...low, reasons: [UNKNOWN] }), 'HIGH_RISK', 'FRAUD_REASONS_REPORTED'],
    ['an unknown fraud decision whose score reaches the max', ongoing(accept, { ...low, decision: UNKNOWN, knownFraudsterRiskScore: 80 }), 'HIGH_RISK', 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX'],
    ['an unknown authentication decision with a clean fraud check', ongoing({ ...accept, decision: UNKNOWN }, low), 'NOT_AUTHENTICATED', 'AUTHENTICATION_DECISION_UNKNOWN'],
    ['ACCEPT with an unknown fraud decision', ongoing(accept, { ...low, decision: UNKNOWN }), 'NOT_AUTHENTICATED', 'FRAUD_DECISION_UNKNOWN'],
    ['fraud-only session with an unknown fraud decision', ongoing(undefined, { ...low, decision: UNKNOWN }), 'NOT_AUTHENTICATED', 'FRAUD_DECISION_UNKNOWN'],
    // Rule 7: enrollment outcomes after screening.
    ['not enrolled, fraud still needs speech, streaming', ongoing({ decision: 'SPEAKER_NOT_ENROLLED', claim: 'MATCH' }, speechPending), 'RETRY', 'FRAUD_SPEECH_PENDING'],
    ['not enrolled, no fraud result yet, streaming', ongoing({ decision: 'SPEAKER_NOT_ENROLLED', claim: 'MATCH' }), 'RETRY', 'FRAUD_RESULT_PENDING'],
    ['not enrolled, screened clean', ongoing({ decision: 'SPEAKER_NOT_ENROLLED', claim: 'MATCH' }, low), 'NOT_ENROLLED', 'SPEAKER_NOT_ENROLLED'],
    ['not enrolled, screening declared off', ended({ decision: 'SPEAKER_NOT_ENROLLED', claim: 'MATCH' }), 'NOT_ENROLLED', 'SPEAKER_NOT_ENROLLED', off],
    ['opted out, fraud needs speech, ended', ended({ decision: 'SPEAKER_OPTED_OUT', claim: 'MATCH' }, speechPending), 'INCONCLUSIVE', 'FRAUD_NOT_ENOUGH_SPEECH'],
    ['opted out, screened clean', ongoing({ decision: 'SPEAKER_OPTED_OUT', claim: 'MATCH' }, low), 'OPTED_OUT', 'SPEAKER_OPTED_OUT'],
    ['expired, screened clean', ended({ decision: 'SPEAKER_EXPIRED', claim: 'MATCH' }, low), 'EXPIRED', 'SPEAKER_EXPIRED'],
    ['expired, fraud decision unknown', ended({ decision: 'SPEAKER_EXPIRED', claim: 'MATCH' }, { ...low, decision: UNKNOWN }), 'NOT_AUTHENTICATED', 'FRAUD_DECISION_UNKNOWN'],
    ['no customer id set on the session (not "not enrolled")', ongoing({ decision: 'SPEAKER_ID_NOT_PROVIDED', claim: 'NO_CLAIM' }, low), 'NOT_ENROLLED', 'SPEAKER_ID_NOT_PROVIDED'],
    ['no customer id set, no fraud result, ended', ended({ decision: 'SPEAKER_ID_NOT_PROVIDED', claim: 'NO_CLAIM' }), 'NOT_AUTHENTICATED', 'FRAUD_RESULT_MISSING'],
    // The rest of the matrix.
    ['accepted but a known fraudster', ongoing({ ...accept, score: 99 }, { ...low, decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudsterRiskScore: 97 }), 'HIGH_RISK', 'FRAUD_HIGH_RISK'],
    ['rejected', ongoing({ ...accept, decision: 'REJECT', score: 40 }, low), 'NOT_AUTHENTICATED', 'AUTHENTICATION_REJECTED'],
    ['not enough speech, streaming', { authentication: { decision: 'NOT_ENOUGH_SPEECH', claim: 'MATCH' }, streamingStatus: 'PENDING_CONFIGURATION' }, 'RETRY', 'SPEECH_PENDING'],
    ['not enough speech, ended', ended({ decision: 'NOT_ENOUGH_SPEECH', claim: 'MATCH' }), 'INCONCLUSIVE', 'NOT_ENOUGH_SPEECH'],
    ['not enough speech, status unknown (never "still streaming")', { authentication: { decision: 'NOT_ENOUGH_SPEECH', claim: 'MATCH' }, streamingStatus: 'UNKNOWN' }, 'INCONCLUSIVE', 'NOT_ENOUGH_SPEECH'],
    ['fraud-only configuration, low risk', ongoing(undefined, low), 'NOT_AUTHENTICATED', 'AUTHENTICATION_NOT_CONFIGURED'],
    ['fraud-only configuration, spoofed', ongoing(undefined, { ...low, decision: 'HIGH_RISK', reasons: ['VOICE_SPOOFING'] }), 'HIGH_RISK', 'FRAUD_HIGH_RISK'],
    ['fraud-only configuration, not enough speech', ongoing(undefined, speechPending), 'RETRY', 'FRAUD_SPEECH_PENDING'],
    ['no results yet, streaming', { streamingStatus: 'PENDING_CONFIGURATION' }, 'RETRY', 'NO_RESULT_YET'],
    ['no results, ended', ended(), 'INCONCLUSIVE', 'NO_RESULT'],
  ];

  test.each(examples.map(([name, outcome, decision, reason, policy]) => [name, decision, outcome, reason, policy ?? POLICY] as const))(
    '%s -> %s',
    (_, decision, outcome, reason, policy) => {
      expect(decide(outcome, policy, NOW)).toEqual({ decision, reason });
    },
  );

  test('a result exactly at the maximum age still counts, one millisecond older does not', () => {
    const at = (endedAt: number) => decide(ongoing({ ...accept, audioAggregationEndedAt: endedAt }, { ...low, audioAggregationEndedAt: endedAt }), POLICY, NOW);
    expect(at(NOW - 1800_000).decision).toBe('AUTHENTICATED');
    expect(at(NOW - 1800_001)).toEqual({ decision: 'NOT_AUTHENTICATED', reason: 'RESULT_TOO_OLD' });
  });
});
