/**
 * Turns one Voice ID outcome into ONE decision a contact flow branches on.
 *
 * Precedence (first rule that applies wins):
 *  1. (not here) no usable answer -> ERROR; the use case decides that, this module only sees usable answers.
 *  2. Any fraud signal -> HIGH_RISK, whatever else the answer says (unknown values included): fraud decision
 *     HIGH_RISK, any fraud reason, a risk score at or above the policy's maximum, or at or above the
 *     threshold Voice ID itself reports (a LOW_RISK that contradicts its own threshold).
 *  3. No authentication result: fraud still pending -> speech pending; LOW_RISK -> NOT_AUTHENTICATED
 *     (AUTHENTICATION_NOT_CONFIGURED: screening alone never authenticates).
 *  4. NOT_ENOUGH_SPEECH -> speech pending; an authentication decision this code does not know -> NOT_AUTHENTICATED.
 *  5. A result about a speaker counts only for the claimed customer: no claim, or a result about someone
 *     else -> NOT_AUTHENTICATED (CUSTOMER_ID_NOT_CLAIMED / SPEAKER_NOT_CLAIMED_CUSTOMER).
 *  6. REJECT -> NOT_AUTHENTICATED.
 *  7. SPEAKER_NOT_ENROLLED, SPEAKER_ID_NOT_PROVIDED, SPEAKER_OPTED_OUT, SPEAKER_EXPIRED lead agents to
 *     (re-)enroll a caller: only once the fraud check has completed (or the deployment screens no calls);
 *     before that, speech pending.
 *  8. ACCEPT -> AUTHENTICATED only when the result is complete, strict and fresh: a valid score at or above
 *     the policy's minimum and Voice ID's own threshold, computed under a threshold at least as strict as
 *     the deployment's, audio no older than the maximum age, and a completed fraud check that proves the
 *     caller clean (or a deployment that declares screening off, said in the reason).
 *
 * Speech pending: RETRY while streaming is PENDING_CONFIGURATION/ONGOING, else INCONCLUSIVE (an unknown
 * status is never "still streaming", so a flow cannot loop forever).
 *
 * Invariant: AUTHENTICATED only for an ACCEPT of the claimed customer that passes every check of rule 8.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process. Time comes in as an argument.
 */
import { type DeploymentPolicy, UNKNOWN_WATCHLIST } from './policy';
import type { AuthenticationOutcome, FraudOutcome, StreamingStatus, VoiceIdOutcome } from './voice-id-outcome';

export const CALLER_DECISIONS = [
  'AUTHENTICATED',
  'NOT_AUTHENTICATED',
  'HIGH_RISK',
  'RETRY',
  'INCONCLUSIVE',
  'NOT_ENROLLED',
  'OPTED_OUT',
  'EXPIRED',
  'ERROR',
] as const;
export type CallerDecision = (typeof CALLER_DECISIONS)[number];

/** What the policy can decide from a usable Voice ID answer (everything but ERROR). */
export type PolicyDecision = Exclude<CallerDecision, 'ERROR'>;

/** Every reason, grouped by the decision it comes with. */
export const REASONS_BY_DECISION = {
  HIGH_RISK: [
    'FRAUD_HIGH_RISK',
    'FRAUD_REASONS_REPORTED',
    'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX',
    'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX',
    'RISK_AT_OR_ABOVE_VOICE_ID_THRESHOLD',
  ],
  AUTHENTICATED: ['AUTHENTICATION_ACCEPTED', 'AUTHENTICATION_ACCEPTED_WITHOUT_FRAUD_SCREENING'],
  NOT_AUTHENTICATED: [
    'AUTHENTICATION_REJECTED',
    'AUTHENTICATION_DECISION_UNKNOWN',
    'AUTHENTICATION_NOT_CONFIGURED',
    'CUSTOMER_ID_NOT_CLAIMED',
    'SPEAKER_NOT_CLAIMED_CUSTOMER',
    'SCORE_MISSING',
    'SCORE_INVALID',
    'SCORE_BELOW_MINIMUM',
    'SCORE_BELOW_ACCEPTANCE_THRESHOLD',
    'ACCEPTANCE_THRESHOLD_MISSING',
    'ACCEPTANCE_THRESHOLD_BELOW_POLICY',
    'RESULT_AGE_UNKNOWN',
    'RESULT_TOO_OLD',
    'RESULT_TIME_IN_FUTURE',
    'FRAUD_RESULT_MISSING',
    'FRAUD_DECISION_UNKNOWN',
    'FRAUD_SCORE_MISSING',
    'FRAUD_SCORE_INVALID',
    'RISK_THRESHOLD_MISSING',
    'RISK_THRESHOLD_ABOVE_POLICY',
    'WATCHLIST_NOT_POLICY',
    'WATCHLIST_UNKNOWN',
  ],
  RETRY: ['SPEECH_PENDING', 'FRAUD_SPEECH_PENDING', 'FRAUD_RESULT_PENDING', 'NO_RESULT_YET'],
  INCONCLUSIVE: ['NOT_ENOUGH_SPEECH', 'FRAUD_NOT_ENOUGH_SPEECH', 'NO_RESULT'],
  NOT_ENROLLED: ['SPEAKER_NOT_ENROLLED', 'SPEAKER_ID_NOT_PROVIDED'],
  OPTED_OUT: ['SPEAKER_OPTED_OUT'],
  EXPIRED: ['SPEAKER_EXPIRED'],
} as const satisfies Record<PolicyDecision, readonly string[]>;

export type DecisionReason = (typeof REASONS_BY_DECISION)[PolicyDecision][number];

export interface Verdict {
  readonly decision: PolicyDecision;
  readonly reason: DecisionReason;
}

/**
 * How far ahead of this function's clock a result's timestamp may lie. Voice ID and Lambda both keep
 * NTP time; anything further ahead is not a plausible answer and cannot prove a result fresh.
 */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** True while Voice ID may still produce a result for the session if asked again later. */
export function isStreaming(status: StreamingStatus): boolean {
  return status === 'PENDING_CONFIGURATION' || status === 'ONGOING';
}

/**
 * @param policy the effective policy (deployment, tightened by the flow)
 * @param nowMs epoch ms of the decision: results older than the policy's maximum age never authenticate
 */
export function decide(outcome: VoiceIdOutcome, policy: DeploymentPolicy, nowMs: number): Verdict {
  const { authentication: auth, fraud, streamingStatus } = outcome;

  const signal = fraudSignalOf(fraud, policy);
  if (signal) return { decision: 'HIGH_RISK', reason: signal };
  const screening = fraudScreeningOf(fraud, policy, nowMs);

  if (!auth) {
    if (screening.state === 'PENDING') return speechPending(streamingStatus, 'FRAUD_SPEECH_PENDING', 'FRAUD_NOT_ENOUGH_SPEECH');
    if (!fraud) return speechPending(streamingStatus, 'NO_RESULT_YET', 'NO_RESULT');
    if (screening.state === 'UNKNOWN') return notAuthenticated('FRAUD_DECISION_UNKNOWN');
    // LOW_RISK (HIGH_RISK is a fraud signal, handled above): screened, but nobody was authenticated.
    return notAuthenticated('AUTHENTICATION_NOT_CONFIGURED');
  }

  switch (auth.decision) {
    case 'NOT_ENOUGH_SPEECH':
      return speechPending(streamingStatus, 'SPEECH_PENDING', 'NOT_ENOUGH_SPEECH');
    case 'UNKNOWN':
      return notAuthenticated('AUTHENTICATION_DECISION_UNKNOWN');
    case 'SPEAKER_ID_NOT_PROVIDED':
      // Voice ID was given no speaker at all: kept apart from "not enrolled" so no flow offers enrollment to a caller it could not identify.
      return afterScreening(screening, streamingStatus, { decision: 'NOT_ENROLLED', reason: 'SPEAKER_ID_NOT_PROVIDED' });
    default:
      break;
  }

  // Every other result is about one speaker: it says something about this caller only if that speaker is the claimed customer.
  if (auth.claim === 'NO_CLAIM') return notAuthenticated('CUSTOMER_ID_NOT_CLAIMED');
  if (auth.claim !== 'MATCH') return notAuthenticated('SPEAKER_NOT_CLAIMED_CUSTOMER');

  switch (auth.decision) {
    case 'REJECT':
      return notAuthenticated('AUTHENTICATION_REJECTED');
    case 'SPEAKER_NOT_ENROLLED':
      return afterScreening(screening, streamingStatus, { decision: 'NOT_ENROLLED', reason: 'SPEAKER_NOT_ENROLLED' });
    case 'SPEAKER_OPTED_OUT':
      return afterScreening(screening, streamingStatus, { decision: 'OPTED_OUT', reason: 'SPEAKER_OPTED_OUT' });
    case 'SPEAKER_EXPIRED':
      return afterScreening(screening, streamingStatus, { decision: 'EXPIRED', reason: 'SPEAKER_EXPIRED' });
    case 'ACCEPT':
      return accepted(auth, screening, policy, nowMs, streamingStatus);
    default:
      return assertNever(auth.decision);
  }
}

/** Rule 8: an ACCEPT authenticates only when every check passes. */
function accepted(auth: AuthenticationOutcome, screening: FraudScreeningState, policy: DeploymentPolicy, nowMs: number, status: StreamingStatus): Verdict {
  const { score, acceptanceThreshold } = auth;
  if (score === undefined) return notAuthenticated('SCORE_MISSING');
  if (!isScore(score)) return notAuthenticated('SCORE_INVALID');
  if (acceptanceThreshold === undefined) return notAuthenticated('ACCEPTANCE_THRESHOLD_MISSING');
  // A flow (or a console edit) that lowered the threshold gets ACCEPTs the deployment never agreed to.
  if (!isScore(acceptanceThreshold) || acceptanceThreshold < policy.acceptanceThreshold) return notAuthenticated('ACCEPTANCE_THRESHOLD_BELOW_POLICY');
  // An ACCEPT below the threshold it was decided under contradicts itself.
  if (score < acceptanceThreshold) return notAuthenticated('SCORE_BELOW_ACCEPTANCE_THRESHOLD');
  if (score < policy.minAuthenticationScore) return notAuthenticated('SCORE_BELOW_MINIMUM');
  const stale = staleness(auth.audioAggregationEndedAt, policy, nowMs);
  if (stale) return notAuthenticated(stale);

  return afterScreening(screening, status, {
    decision: 'AUTHENTICATED',
    reason: screening.state === 'OFF' ? 'AUTHENTICATION_ACCEPTED_WITHOUT_FRAUD_SCREENING' : 'AUTHENTICATION_ACCEPTED',
  });
}

/**
 * Where the fraud check stands, when it raised no signal.
 * - `CLEAN`: LOW_RISK, with valid scores under a threshold at least as strict as the deployment's, against its watchlist, fresh.
 * - `UNPROVEN`: LOW_RISK, but something needed to trust it is missing or wrong (`reason`).
 * - `PENDING`: NOT_ENOUGH_SPEECH. `MISSING`: no fraud result although the deployment screens every call.
 * - `UNKNOWN`: a fraud decision this code does not know. `OFF`: no result, and the deployment does not screen.
 */
type FraudScreeningState =
  | { readonly state: 'CLEAN' | 'OFF' | 'PENDING' | 'MISSING' | 'UNKNOWN' }
  | { readonly state: 'UNPROVEN'; readonly reason: DecisionReason };

function fraudScreeningOf(fraud: FraudOutcome | undefined, policy: DeploymentPolicy, nowMs: number): FraudScreeningState {
  if (!fraud) return { state: policy.fraudScreening === 'OFF' ? 'OFF' : 'MISSING' };
  switch (fraud.decision) {
    case 'NOT_ENOUGH_SPEECH':
      return { state: 'PENDING' };
    case 'UNKNOWN':
      return { state: 'UNKNOWN' };
    case 'HIGH_RISK': // a fraud signal, decided before this is asked; never clean
      return { state: 'UNPROVEN', reason: 'FRAUD_DECISION_UNKNOWN' };
    case 'LOW_RISK':
      break;
    default:
      return assertNever(fraud.decision);
  }
  const { knownFraudsterRiskScore: known, voiceSpoofingRiskScore: spoofing, riskThreshold } = fraud;
  if (known === undefined || spoofing === undefined) return { state: 'UNPROVEN', reason: 'FRAUD_SCORE_MISSING' };
  if (!isScore(known) || !isScore(spoofing)) return { state: 'UNPROVEN', reason: 'FRAUD_SCORE_INVALID' };
  if (riskThreshold === undefined) return { state: 'UNPROVEN', reason: 'RISK_THRESHOLD_MISSING' };
  if (!isScore(riskThreshold) || riskThreshold > policy.fraudRiskThreshold) return { state: 'UNPROVEN', reason: 'RISK_THRESHOLD_ABOVE_POLICY' };
  // Screened against another watchlist (an empty one, say), a LOW_RISK says nothing about the deployment's fraudsters.
  if (policy.watchlistId === UNKNOWN_WATCHLIST) return { state: 'UNPROVEN', reason: 'WATCHLIST_UNKNOWN' };
  if (policy.watchlistId !== undefined) {
    const screenedAgainst = fraud.watchlistId ?? (policy.watchlistIsDomainDefault ? policy.watchlistId : undefined);
    if (screenedAgainst !== policy.watchlistId) return { state: 'UNPROVEN', reason: 'WATCHLIST_NOT_POLICY' };
  }
  const stale = staleness(fraud.audioAggregationEndedAt, policy, nowMs);
  if (stale) return { state: 'UNPROVEN', reason: stale };
  return { state: 'CLEAN' };
}

/** Rule 7: an enrollment outcome is answered only once the fraud check has completed. */
/** `verdict` once the fraud check has completed and can be trusted (or the deployment does not screen); else what the check's state calls for. */
function afterScreening(screening: FraudScreeningState, status: StreamingStatus, verdict: Verdict): Verdict {
  switch (screening.state) {
    case 'PENDING':
      return speechPending(status, 'FRAUD_SPEECH_PENDING', 'FRAUD_NOT_ENOUGH_SPEECH');
    case 'MISSING':
      return isStreaming(status) ? { decision: 'RETRY', reason: 'FRAUD_RESULT_PENDING' } : notAuthenticated('FRAUD_RESULT_MISSING');
    case 'UNKNOWN':
      return notAuthenticated('FRAUD_DECISION_UNKNOWN');
    case 'UNPROVEN':
      // A LOW_RISK that cannot be trusted (looser or missing threshold, invalid scores, stale) does not clear a
      // caller for enrollment any more than for authentication.
      return notAuthenticated(screening.reason);
    case 'CLEAN':
    case 'OFF':
      return verdict;
    default:
      return assertNever(screening);
  }
}

function fraudSignalOf(fraud: FraudOutcome | undefined, policy: DeploymentPolicy): DecisionReason | undefined {
  if (!fraud) return undefined;
  if (fraud.decision === 'HIGH_RISK') return 'FRAUD_HIGH_RISK';
  // Voice ID reports reasons only with HIGH_RISK; a reason with any other decision, or one this code does not know, is still a signal.
  if (fraud.reasons.length > 0) return 'FRAUD_REASONS_REPORTED';
  const { knownFraudsterRiskScore: known, voiceSpoofingRiskScore: spoofing, riskThreshold } = fraud;
  if (atOrAbove(known, policy.maxKnownFraudsterRiskScore)) return 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX';
  if (atOrAbove(spoofing, policy.maxVoiceSpoofingRiskScore)) return 'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX';
  // A score at or above the threshold Voice ID decided under is high risk by Voice ID's own definition.
  if (atOrAbove(known, riskThreshold) || atOrAbove(spoofing, riskThreshold)) return 'RISK_AT_OR_ABOVE_VOICE_ID_THRESHOLD';
  return undefined;
}

/** Why a result cannot count as fresh, if it cannot. */
function staleness(endedAt: number | undefined, policy: DeploymentPolicy, nowMs: number): DecisionReason | undefined {
  if (endedAt === undefined || !Number.isFinite(endedAt)) return 'RESULT_AGE_UNKNOWN';
  if (endedAt > nowMs + MAX_CLOCK_SKEW_MS) return 'RESULT_TIME_IN_FUTURE';
  if (nowMs - endedAt > policy.maxResultAgeSeconds * 1000) return 'RESULT_TOO_OLD';
  return undefined;
}

/** A Voice ID score or threshold: 0-100. */
function isScore(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= 100;
}

function atOrAbove(score: number | undefined, maximum: number | undefined): boolean {
  return score !== undefined && maximum !== undefined && score >= maximum;
}

function notAuthenticated(reason: DecisionReason): Verdict {
  return { decision: 'NOT_AUTHENTICATED', reason };
}

function speechPending(status: StreamingStatus, whileStreaming: DecisionReason, afterEnded: DecisionReason): Verdict {
  return isStreaming(status) ? { decision: 'RETRY', reason: whileStreaming } : { decision: 'INCONCLUSIVE', reason: afterEnded };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${JSON.stringify(value)}`);
}
