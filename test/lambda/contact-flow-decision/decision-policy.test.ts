import { CALLER_DECISIONS, decide, type DecisionReason, isStreaming, type PolicyDecision } from '../../../lambda/contact-flow-decision/domain/decision-policy';
import type { PolicyThresholds } from '../../../lambda/contact-flow-decision/domain/policy';
import {
  AUTHENTICATION_DECISIONS,
  FRAUD_DECISIONS,
  type FraudReason,
  STREAMING_STATUSES,
  type VoiceIdOutcome,
} from '../../../lambda/contact-flow-decision/domain/voice-id-outcome';

const MIN = 90;
const MAX = 50;

/** Every combination of Voice ID outcome and policy the decision can depend on. */
function* everyCombination(): Generator<{ outcome: VoiceIdOutcome; policy: PolicyThresholds }> {
  const authentications: VoiceIdOutcome['authentication'][] = [undefined];
  for (const decision of AUTHENTICATION_DECISIONS) {
    for (const score of [undefined, 0, MIN - 1, MIN, 100]) authentications.push({ decision, score });
  }
  const reasonSets: FraudReason[][] = [[], ['KNOWN_FRAUDSTER'], ['VOICE_SPOOFING'], ['KNOWN_FRAUDSTER', 'VOICE_SPOOFING']];
  const riskScores = [undefined, 0, MAX - 1, MAX, 100];
  const frauds: VoiceIdOutcome['fraud'][] = [undefined];
  for (const decision of FRAUD_DECISIONS) {
    for (const reasons of reasonSets) {
      for (const knownFraudsterRiskScore of riskScores) {
        for (const voiceSpoofingRiskScore of riskScores) frauds.push({ decision, reasons, knownFraudsterRiskScore, voiceSpoofingRiskScore });
      }
    }
  }
  const policies: PolicyThresholds[] = [];
  for (const minAuthenticationScore of [undefined, MIN]) {
    for (const maxKnownFraudsterRiskScore of [undefined, MAX]) {
      for (const maxVoiceSpoofingRiskScore of [undefined, MAX]) policies.push({ minAuthenticationScore, maxKnownFraudsterRiskScore, maxVoiceSpoofingRiskScore });
    }
  }
  for (const authentication of authentications) {
    for (const fraud of frauds) {
      for (const streamingStatus of STREAMING_STATUSES) {
        for (const policy of policies) yield { outcome: { authentication, fraud, streamingStatus }, policy };
      }
    }
  }
}

/**
 * The precedence rules, written independently of the implementation, in the order of the spec.
 */
function expectedDecision({ authentication: a, fraud: f, streamingStatus }: VoiceIdOutcome, p: PolicyThresholds): PolicyDecision {
  const pending: PolicyDecision = streamingStatus === 'PENDING_CONFIGURATION' || streamingStatus === 'ONGOING' ? 'RETRY' : 'INCONCLUSIVE';
  const atOrAbove = (score?: number, max?: number) => score !== undefined && max !== undefined && score >= max;
  // Rule 2: any fraud signal.
  if (f && (f.decision === 'HIGH_RISK' || f.reasons.length > 0 || atOrAbove(f.knownFraudsterRiskScore, p.maxKnownFraudsterRiskScore) || atOrAbove(f.voiceSpoofingRiskScore, p.maxVoiceSpoofingRiskScore))) {
    return 'HIGH_RISK';
  }
  // Rule 7: no authentication result.
  if (!a) return f?.decision === 'LOW_RISK' ? 'NOT_AUTHENTICATED' : pending;
  // Rule 6: enrollment states never wait for fraud speech.
  if (a.decision === 'SPEAKER_NOT_ENROLLED' || a.decision === 'SPEAKER_ID_NOT_PROVIDED') return 'NOT_ENROLLED';
  if (a.decision === 'SPEAKER_OPTED_OUT') return 'OPTED_OUT';
  if (a.decision === 'SPEAKER_EXPIRED') return 'EXPIRED';
  // Rule 4: rejected or below the minimum.
  if (a.decision === 'REJECT') return 'NOT_AUTHENTICATED';
  if (a.decision === 'ACCEPT' && p.minAuthenticationScore !== undefined && (a.score === undefined || a.score < p.minAuthenticationScore)) return 'NOT_AUTHENTICATED';
  // Rule 3: accepted, unless the fraud check is incomplete.
  if (a.decision === 'ACCEPT') {
    if (f?.decision === 'NOT_ENOUGH_SPEECH') return pending;
    // A capped fraud score must be present: missing, or no fraud result at all, is not authenticated.
    const fraudScoreMissing =
      (p.maxKnownFraudsterRiskScore !== undefined && f?.knownFraudsterRiskScore === undefined) || (p.maxVoiceSpoofingRiskScore !== undefined && f?.voiceSpoofingRiskScore === undefined);
    return fraudScoreMissing ? 'NOT_AUTHENTICATED' : 'AUTHENTICATED';
  }
  // Rule 5: not enough speech.
  return pending;
}

const REASONS_BY_DECISION: Record<PolicyDecision, readonly DecisionReason[]> = {
  HIGH_RISK: ['FRAUD_HIGH_RISK', 'FRAUD_REASONS_REPORTED', 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX', 'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX'],
  AUTHENTICATED: ['AUTHENTICATION_ACCEPTED'],
  NOT_AUTHENTICATED: ['AUTHENTICATION_REJECTED', 'SCORE_BELOW_MINIMUM', 'SCORE_MISSING', 'FRAUD_SCORE_MISSING', 'AUTHENTICATION_NOT_CONFIGURED'],
  RETRY: ['SPEECH_PENDING', 'FRAUD_SPEECH_PENDING', 'NO_RESULT_YET'],
  INCONCLUSIVE: ['NOT_ENOUGH_SPEECH', 'FRAUD_NOT_ENOUGH_SPEECH', 'NO_RESULT'],
  NOT_ENROLLED: ['SPEAKER_NOT_ENROLLED', 'SPEAKER_ID_NOT_PROVIDED'],
  OPTED_OUT: ['SPEAKER_OPTED_OUT'],
  EXPIRED: ['SPEAKER_EXPIRED'],
};

describe('decision policy, exhaustively over every Voice ID outcome', () => {
  const cases = [...everyCombination()];

  test('covers every combination (auth x score x fraud x reasons x risk scores x streaming x policy)', () => {
    // (1 + 7 auth decisions x 5 scores) x (1 + 3 fraud decisions x 4 reason sets x 5 x 5 risk scores) x 4 statuses x 8 policies
    expect(cases).toHaveLength(36 * 301 * 4 * 8);
  });

  test('follows the precedence rules in every case', () => {
    const mismatches = cases
      .map(({ outcome, policy }) => ({ outcome, policy, expected: expectedDecision(outcome, policy), actual: decide(outcome, policy).decision }))
      .filter((c) => c.expected !== c.actual);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  test('AUTHENTICATED only for ACCEPT, score >= minimum, and no fraud signal', () => {
    const violations = cases.filter(({ outcome: { authentication: a, fraud: f }, policy: p }) => {
      if (decide({ authentication: a, fraud: f, streamingStatus: 'ONGOING' }, p).decision !== 'AUTHENTICATED') return false;
      const scoreOk = p.minAuthenticationScore === undefined || (a?.score !== undefined && a.score >= p.minAuthenticationScore);
      const noFraudSignal =
        f === undefined ||
        (f.decision === 'LOW_RISK' &&
          f.reasons.length === 0 &&
          (p.maxKnownFraudsterRiskScore === undefined || (f.knownFraudsterRiskScore !== undefined && f.knownFraudsterRiskScore < p.maxKnownFraudsterRiskScore)) &&
          (p.maxVoiceSpoofingRiskScore === undefined || (f.voiceSpoofingRiskScore !== undefined && f.voiceSpoofingRiskScore < p.maxVoiceSpoofingRiskScore)));
      return !(a?.decision === 'ACCEPT' && scoreOk && noFraudSignal);
    });
    expect(violations.slice(0, 5)).toEqual([]);
  });

  test('never answers ERROR, and RETRY only while streaming, INCONCLUSIVE only once it is not', () => {
    const violations = cases.filter(({ outcome, policy }) => {
      const { decision } = decide(outcome, policy);
      if (decision === ('ERROR' as PolicyDecision)) return true;
      if (decision === 'RETRY') return !isStreaming(outcome.streamingStatus);
      if (decision === 'INCONCLUSIVE') return isStreaming(outcome.streamingStatus);
      return false;
    });
    expect(violations.slice(0, 5)).toEqual([]);
  });

  test('every reason belongs to its decision, and only known decisions come out', () => {
    const violations = cases.filter(({ outcome, policy }) => {
      const verdict = decide(outcome, policy);
      return !CALLER_DECISIONS.includes(verdict.decision) || !REASONS_BY_DECISION[verdict.decision].includes(verdict.reason);
    });
    expect(violations.slice(0, 5)).toEqual([]);
  });

  test('a fraud signal wins over every authentication result', () => {
    const violations = cases.filter(({ outcome, policy }) => outcome.fraud?.decision === 'HIGH_RISK' && decide(outcome, policy).decision !== 'HIGH_RISK');
    expect(violations).toEqual([]);
  });

  test('is a pure function: the same input always gives the same verdict', () => {
    for (const { outcome, policy } of cases.slice(0, 2000)) expect(decide(outcome, policy)).toEqual(decide(structuredClone(outcome), { ...policy }));
  });
});

describe('decision policy, named examples (the decision matrix)', () => {
  const policy: PolicyThresholds = { minAuthenticationScore: 90, maxKnownFraudsterRiskScore: 50, maxVoiceSpoofingRiskScore: 50 };
  const low = { decision: 'LOW_RISK', reasons: [], knownFraudsterRiskScore: 10, voiceSpoofingRiskScore: 5 } as const;
  const examples: [string, VoiceIdOutcome, PolicyDecision, DecisionReason][] = [
    ['accepted, low risk', { authentication: { decision: 'ACCEPT', score: 95 }, fraud: low, streamingStatus: 'ONGOING' }, 'AUTHENTICATED', 'AUTHENTICATION_ACCEPTED'],
    ['accepted, fraud detection off while the policy caps fraud scores', { authentication: { decision: 'ACCEPT', score: 95 }, streamingStatus: 'ENDED' }, 'NOT_AUTHENTICATED', 'FRAUD_SCORE_MISSING'],
    ['accepted but a known fraudster', { authentication: { decision: 'ACCEPT', score: 99 }, fraud: { decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudsterRiskScore: 97, voiceSpoofingRiskScore: 3 }, streamingStatus: 'ONGOING' }, 'HIGH_RISK', 'FRAUD_HIGH_RISK'],
    ['accepted, Voice ID says low risk but the spoofing score reaches the policy max', { authentication: { decision: 'ACCEPT', score: 99 }, fraud: { ...low, voiceSpoofingRiskScore: 50 }, streamingStatus: 'ONGOING' }, 'HIGH_RISK', 'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX'],
    ['accepted, known-fraudster score at the policy max', { authentication: { decision: 'ACCEPT', score: 99 }, fraud: { ...low, knownFraudsterRiskScore: 50 }, streamingStatus: 'ONGOING' }, 'HIGH_RISK', 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX'],
    ['accepted below the policy minimum', { authentication: { decision: 'ACCEPT', score: 89 }, fraud: low, streamingStatus: 'ONGOING' }, 'NOT_AUTHENTICATED', 'SCORE_BELOW_MINIMUM'],
    ['accepted without a score while a minimum is set', { authentication: { decision: 'ACCEPT' }, fraud: low, streamingStatus: 'ONGOING' }, 'NOT_AUTHENTICATED', 'SCORE_MISSING'],
    ['accepted, fraud still needs speech, streaming', { authentication: { decision: 'ACCEPT', score: 95 }, fraud: { decision: 'NOT_ENOUGH_SPEECH', reasons: [] }, streamingStatus: 'ONGOING' }, 'RETRY', 'FRAUD_SPEECH_PENDING'],
    ['accepted, fraud still needs speech, stream ended', { authentication: { decision: 'ACCEPT', score: 95 }, fraud: { decision: 'NOT_ENOUGH_SPEECH', reasons: [] }, streamingStatus: 'ENDED' }, 'INCONCLUSIVE', 'FRAUD_NOT_ENOUGH_SPEECH'],
    ['rejected', { authentication: { decision: 'REJECT', score: 40 }, fraud: low, streamingStatus: 'ONGOING' }, 'NOT_AUTHENTICATED', 'AUTHENTICATION_REJECTED'],
    ['not enough speech, streaming', { authentication: { decision: 'NOT_ENOUGH_SPEECH' }, streamingStatus: 'PENDING_CONFIGURATION' }, 'RETRY', 'SPEECH_PENDING'],
    ['not enough speech, ended', { authentication: { decision: 'NOT_ENOUGH_SPEECH' }, streamingStatus: 'ENDED' }, 'INCONCLUSIVE', 'NOT_ENOUGH_SPEECH'],
    ['not enough speech, status unknown', { authentication: { decision: 'NOT_ENOUGH_SPEECH' }, streamingStatus: 'UNKNOWN' }, 'INCONCLUSIVE', 'NOT_ENOUGH_SPEECH'],
    ['not enrolled (does not wait for fraud speech)', { authentication: { decision: 'SPEAKER_NOT_ENROLLED' }, fraud: { decision: 'NOT_ENOUGH_SPEECH', reasons: [] }, streamingStatus: 'ONGOING' }, 'NOT_ENROLLED', 'SPEAKER_NOT_ENROLLED'],
    ['no customer id set', { authentication: { decision: 'SPEAKER_ID_NOT_PROVIDED' }, streamingStatus: 'ONGOING' }, 'NOT_ENROLLED', 'SPEAKER_ID_NOT_PROVIDED'],
    ['opted out', { authentication: { decision: 'SPEAKER_OPTED_OUT' }, fraud: low, streamingStatus: 'ONGOING' }, 'OPTED_OUT', 'SPEAKER_OPTED_OUT'],
    ['expired', { authentication: { decision: 'SPEAKER_EXPIRED' }, fraud: low, streamingStatus: 'ENDED' }, 'EXPIRED', 'SPEAKER_EXPIRED'],
    ['fraud-only configuration, low risk', { fraud: low, streamingStatus: 'ONGOING' }, 'NOT_AUTHENTICATED', 'AUTHENTICATION_NOT_CONFIGURED'],
    ['fraud-only configuration, high risk', { fraud: { ...low, decision: 'HIGH_RISK', reasons: ['VOICE_SPOOFING'] }, streamingStatus: 'ONGOING' }, 'HIGH_RISK', 'FRAUD_HIGH_RISK'],
    ['fraud-only configuration, not enough speech', { fraud: { decision: 'NOT_ENOUGH_SPEECH', reasons: [] }, streamingStatus: 'ONGOING' }, 'RETRY', 'FRAUD_SPEECH_PENDING'],
    ['no results yet, streaming', { streamingStatus: 'PENDING_CONFIGURATION' }, 'RETRY', 'NO_RESULT_YET'],
    ['no results, ended', { streamingStatus: 'ENDED' }, 'INCONCLUSIVE', 'NO_RESULT'],
    ['low risk without risk details while the policy caps them', { authentication: { decision: 'ACCEPT', score: 95 }, fraud: { decision: 'LOW_RISK', reasons: [] }, streamingStatus: 'ONGOING' }, 'NOT_AUTHENTICATED', 'FRAUD_SCORE_MISSING'],
  ];

  test.each(examples.map(([name, outcome, decision, reason]) => [name, decision, outcome, reason] as const))('%s -> %s', (_, decision, outcome, reason) => {
    expect(decide(outcome, policy)).toEqual({ decision, reason });
  });

  test('without policy thresholds, Voice ID ACCEPT alone authenticates (its own threshold applied)', () => {
    expect(decide({ authentication: { decision: 'ACCEPT', score: 1 }, fraud: { decision: 'LOW_RISK', reasons: [] }, streamingStatus: 'ONGOING' }, {}).decision).toBe('AUTHENTICATED');
  });
});
