/**
 * Turns one Voice ID outcome into ONE decision a contact flow branches on.
 *
 * Precedence (first rule that applies wins):
 *  1. (not here) no usable answer -> ERROR; the use case decides that, this module only sees usable answers.
 *  2. Any fraud signal -> HIGH_RISK, whatever authentication says. A fraud signal is: fraud decision
 *     HIGH_RISK, any fraud reason reported, or a risk score at or above the policy's maximum.
 *  3. ACCEPT (score >= policy minimum, if set) and no fraud signal -> AUTHENTICATED; but if fraud detection
 *     is on and still NOT_ENOUGH_SPEECH, the fraud check is incomplete -> speech pending; and if the policy
 *     sets a maximum risk score that fraud detection did not report, the check cannot be proven clean
 *     -> NOT_AUTHENTICATED (FRAUD_SCORE_MISSING).
 *  4. REJECT, or ACCEPT below the minimum (or without a score when a minimum is set) -> NOT_AUTHENTICATED.
 *  5. NOT_ENOUGH_SPEECH -> speech pending: RETRY while streaming is PENDING_CONFIGURATION/ONGOING,
 *     INCONCLUSIVE once ENDED (or when the status is unknown).
 *  6. SPEAKER_NOT_ENROLLED / SPEAKER_ID_NOT_PROVIDED -> NOT_ENROLLED, SPEAKER_OPTED_OUT -> OPTED_OUT,
 *     SPEAKER_EXPIRED -> EXPIRED. They never grant access, so they do not wait for fraud speech.
 *  7. No authentication result: fraud LOW_RISK -> NOT_AUTHENTICATED (AUTHENTICATION_NOT_CONFIGURED);
 *     fraud NOT_ENOUGH_SPEECH or no result at all -> speech pending.
 *
 * Invariant: AUTHENTICATED only for ACCEPT, score >= minimum (when set) and no fraud signal.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */
import type { PolicyThresholds } from './policy';
import type { StreamingStatus, VoiceIdOutcome } from './voice-id-outcome';

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

export type DecisionReason =
  // HIGH_RISK
  | 'FRAUD_HIGH_RISK'
  | 'FRAUD_REASONS_REPORTED'
  | 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX'
  | 'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX'
  // AUTHENTICATED
  | 'AUTHENTICATION_ACCEPTED'
  // NOT_AUTHENTICATED
  | 'AUTHENTICATION_REJECTED'
  | 'SCORE_BELOW_MINIMUM'
  | 'SCORE_MISSING'
  | 'FRAUD_SCORE_MISSING'
  | 'AUTHENTICATION_NOT_CONFIGURED'
  // RETRY (streaming) / INCONCLUSIVE (ended)
  | 'SPEECH_PENDING'
  | 'NOT_ENOUGH_SPEECH'
  | 'FRAUD_SPEECH_PENDING'
  | 'FRAUD_NOT_ENOUGH_SPEECH'
  | 'NO_RESULT_YET'
  | 'NO_RESULT'
  // NOT_ENROLLED / OPTED_OUT / EXPIRED
  | 'SPEAKER_NOT_ENROLLED'
  | 'SPEAKER_ID_NOT_PROVIDED'
  | 'SPEAKER_OPTED_OUT'
  | 'SPEAKER_EXPIRED';

export interface Verdict {
  readonly decision: PolicyDecision;
  readonly reason: DecisionReason;
}

/** True while Voice ID may still produce a result for the session if asked again later. */
export function isStreaming(status: StreamingStatus): boolean {
  return status === 'PENDING_CONFIGURATION' || status === 'ONGOING';
}

export function decide(outcome: VoiceIdOutcome, policy: PolicyThresholds): Verdict {
  const { authentication, fraud, streamingStatus } = outcome;

  const fraudSignal = fraudSignalOf(outcome, policy);
  if (fraudSignal) return { decision: 'HIGH_RISK', reason: fraudSignal };

  if (!authentication) {
    if (!fraud) return speechPending(streamingStatus, 'NO_RESULT_YET', 'NO_RESULT');
    if (fraud.decision === 'NOT_ENOUGH_SPEECH') return speechPending(streamingStatus, 'FRAUD_SPEECH_PENDING', 'FRAUD_NOT_ENOUGH_SPEECH');
    // LOW_RISK (HIGH_RISK is a fraud signal, handled above): screened, but nobody was authenticated.
    return { decision: 'NOT_AUTHENTICATED', reason: 'AUTHENTICATION_NOT_CONFIGURED' };
  }

  switch (authentication.decision) {
    case 'ACCEPT': {
      const minimum = policy.minAuthenticationScore;
      if (minimum !== undefined) {
        if (authentication.score === undefined) return { decision: 'NOT_AUTHENTICATED', reason: 'SCORE_MISSING' };
        if (authentication.score < minimum) return { decision: 'NOT_AUTHENTICATED', reason: 'SCORE_BELOW_MINIMUM' };
      }
      if (fraud?.decision === 'NOT_ENOUGH_SPEECH') return speechPending(streamingStatus, 'FRAUD_SPEECH_PENDING', 'FRAUD_NOT_ENOUGH_SPEECH');
      // A policy that caps a fraud score cannot be satisfied without that score, nor without a fraud result at all
      // (fraud detection switched off in the flow): the caller is not authenticated by voice alone then.
      const scoreMissing =
        (policy.maxKnownFraudsterRiskScore !== undefined && fraud?.knownFraudsterRiskScore === undefined) ||
        (policy.maxVoiceSpoofingRiskScore !== undefined && fraud?.voiceSpoofingRiskScore === undefined);
      if (scoreMissing) return { decision: 'NOT_AUTHENTICATED', reason: 'FRAUD_SCORE_MISSING' };
      return { decision: 'AUTHENTICATED', reason: 'AUTHENTICATION_ACCEPTED' };
    }
    case 'REJECT':
      return { decision: 'NOT_AUTHENTICATED', reason: 'AUTHENTICATION_REJECTED' };
    case 'NOT_ENOUGH_SPEECH':
      return speechPending(streamingStatus, 'SPEECH_PENDING', 'NOT_ENOUGH_SPEECH');
    case 'SPEAKER_NOT_ENROLLED':
      return { decision: 'NOT_ENROLLED', reason: 'SPEAKER_NOT_ENROLLED' };
    case 'SPEAKER_ID_NOT_PROVIDED':
      return { decision: 'NOT_ENROLLED', reason: 'SPEAKER_ID_NOT_PROVIDED' };
    case 'SPEAKER_OPTED_OUT':
      return { decision: 'OPTED_OUT', reason: 'SPEAKER_OPTED_OUT' };
    case 'SPEAKER_EXPIRED':
      return { decision: 'EXPIRED', reason: 'SPEAKER_EXPIRED' };
    default:
      return assertNever(authentication.decision);
  }
}

function fraudSignalOf({ fraud }: VoiceIdOutcome, policy: PolicyThresholds): DecisionReason | undefined {
  if (!fraud) return undefined;
  if (fraud.decision === 'HIGH_RISK') return 'FRAUD_HIGH_RISK';
  // Voice ID reports reasons only with HIGH_RISK; a reason with any other decision is still a signal.
  if (fraud.reasons.length > 0) return 'FRAUD_REASONS_REPORTED';
  if (atOrAbove(fraud.knownFraudsterRiskScore, policy.maxKnownFraudsterRiskScore)) return 'KNOWN_FRAUDSTER_RISK_AT_OR_ABOVE_MAX';
  if (atOrAbove(fraud.voiceSpoofingRiskScore, policy.maxVoiceSpoofingRiskScore)) return 'VOICE_SPOOFING_RISK_AT_OR_ABOVE_MAX';
  return undefined;
}

function atOrAbove(score: number | undefined, maximum: number | undefined): boolean {
  return score !== undefined && maximum !== undefined && score >= maximum;
}

function speechPending(status: StreamingStatus, whileStreaming: DecisionReason, afterEnded: DecisionReason): Verdict {
  return isStreaming(status) ? { decision: 'RETRY', reason: whileStreaming } : { decision: 'INCONCLUSIVE', reason: afterEnded };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled authentication decision: ${String(value)}`);
}
