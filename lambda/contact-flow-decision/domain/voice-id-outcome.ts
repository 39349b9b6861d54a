/**
 * Voice ID's EvaluateSession answer as plain domain types (no SDK types).
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */

export const AUTHENTICATION_DECISIONS = [
  'ACCEPT',
  'REJECT',
  'NOT_ENOUGH_SPEECH',
  'SPEAKER_NOT_ENROLLED',
  'SPEAKER_OPTED_OUT',
  'SPEAKER_ID_NOT_PROVIDED',
  'SPEAKER_EXPIRED',
] as const;
export type AuthenticationDecision = (typeof AUTHENTICATION_DECISIONS)[number];

export const FRAUD_DECISIONS = ['HIGH_RISK', 'LOW_RISK', 'NOT_ENOUGH_SPEECH'] as const;
export type FraudDecision = (typeof FRAUD_DECISIONS)[number];

export const FRAUD_REASONS = ['KNOWN_FRAUDSTER', 'VOICE_SPOOFING'] as const;
export type FraudReason = (typeof FRAUD_REASONS)[number];

/** `UNKNOWN` stands for a response without `StreamingStatus`; it is never treated as "still streaming". */
export const STREAMING_STATUSES = ['PENDING_CONFIGURATION', 'ONGOING', 'ENDED', 'UNKNOWN'] as const;
export type StreamingStatus = (typeof STREAMING_STATUSES)[number];

/** What the decision policy looks at. */
export interface VoiceIdOutcome {
  /** Absent when authentication is not enabled for the session (or no result exists yet). */
  readonly authentication?: {
    readonly decision: AuthenticationDecision;
    /** 0-100; Voice ID sends it only with ACCEPT and REJECT. */
    readonly score?: number;
  };
  /** Absent when fraud detection is not enabled for the session (or no result exists yet). */
  readonly fraud?: {
    readonly decision: FraudDecision;
    readonly reasons: readonly FraudReason[];
    readonly knownFraudsterRiskScore?: number;
    readonly voiceSpoofingRiskScore?: number;
  };
  readonly streamingStatus: StreamingStatus;
}

/**
 * The full EvaluateSession answer the use case keeps for the record: the outcome plus the
 * identifiers and configurations Voice ID reports. Never holds the CustomerSpeakerId.
 */
export interface VoiceIdEvaluation {
  readonly sessionId?: string;
  readonly streamingStatus: StreamingStatus;
  readonly authentication?: VoiceIdOutcome['authentication'] & {
    readonly resultId?: string;
    /** Voice ID's opaque speaker id (`id#...`), never the customer's own identifier. */
    readonly generatedSpeakerId?: string;
    readonly acceptanceThreshold?: number;
  };
  readonly fraud?: VoiceIdOutcome['fraud'] & {
    readonly resultId?: string;
    readonly riskThreshold?: number;
    readonly watchlistId?: string;
    readonly generatedFraudsterId?: string;
  };
}

/** The part of an evaluation the policy decides on. */
export function toOutcome(evaluation: VoiceIdEvaluation): VoiceIdOutcome {
  const { authentication, fraud, streamingStatus } = evaluation;
  return {
    streamingStatus,
    ...(authentication && { authentication: { decision: authentication.decision, score: authentication.score } }),
    ...(fraud && {
      fraud: {
        decision: fraud.decision,
        reasons: fraud.reasons,
        knownFraudsterRiskScore: fraud.knownFraudsterRiskScore,
        voiceSpoofingRiskScore: fraud.voiceSpoofingRiskScore,
      },
    }),
  };
}
