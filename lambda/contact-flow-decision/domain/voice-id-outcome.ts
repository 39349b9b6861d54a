/**
 * Voice ID's EvaluateSession answer as plain domain types (no SDK types).
 *
 * Values this code does not know (a newer API version, a faulty service) are kept as `UNKNOWN` rather
 * than failing the whole answer: a fraud signal elsewhere in the same answer must still win, and an
 * unknown value itself never authenticates anyone.
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

/** `UNKNOWN` stands for a response without a `StreamingStatus` or with one this code does not know; it is never "still streaming". */
export const STREAMING_STATUSES = ['PENDING_CONFIGURATION', 'ONGOING', 'ENDED', 'UNKNOWN'] as const;
export type StreamingStatus = (typeof STREAMING_STATUSES)[number];

/** A value Voice ID sent that this code does not know. */
export const UNKNOWN = 'UNKNOWN';
export type Unknown = typeof UNKNOWN;

/**
 * Whether the speaker a result is about is the customer the flow claims the caller to be.
 * - `MATCH`: the result's CustomerSpeakerId is exactly the claimed customer id.
 * - `MISMATCH`: it is someone else, or the result names no speaker at all.
 * - `NO_CLAIM`: the flow claimed no customer.
 */
export type ClaimMatch = 'MATCH' | 'MISMATCH' | 'NO_CLAIM';

/** Voice ID's authentication result, as far as a decision depends on it. */
export interface AuthenticationOutcome {
  readonly decision: AuthenticationDecision | Unknown;
  /** Voice ID sends it only with ACCEPT and REJECT; kept as sent (a value outside 0-100 never authenticates). */
  readonly score?: number;
  /** The threshold Voice ID decided under (`Configuration.AcceptanceThreshold`). */
  readonly acceptanceThreshold?: number;
  /** Epoch ms at which the audio the result was computed from ended (`AudioAggregationEndedAt`). */
  readonly audioAggregationEndedAt?: number;
  readonly claim: ClaimMatch;
}

/** Voice ID's fraud detection result, as far as a decision depends on it. */
export interface FraudOutcome {
  readonly decision: FraudDecision | Unknown;
  readonly reasons: readonly (FraudReason | Unknown)[];
  readonly knownFraudsterRiskScore?: number;
  readonly voiceSpoofingRiskScore?: number;
  /** The threshold Voice ID decided under (`Configuration.RiskThreshold`). */
  readonly riskThreshold?: number;
  readonly audioAggregationEndedAt?: number;
  /** The watchlist Voice ID screened against (`Configuration.WatchlistId`). */
  readonly watchlistId?: string;
}

/** What the decision policy looks at. */
export interface VoiceIdOutcome {
  /** Absent when authentication is not enabled for the session (or no result exists yet). */
  readonly authentication?: AuthenticationOutcome;
  /** Absent when fraud detection is not enabled for the session (or no result exists yet). */
  readonly fraud?: FraudOutcome;
  readonly streamingStatus: StreamingStatus;
}

/** The identifiers Voice ID reports with a result, kept for the record. Never the CustomerSpeakerId. */
export interface AuthenticationResult extends AuthenticationOutcome {
  readonly resultId?: string;
  /** Voice ID's opaque speaker id (`id#...`), never the customer's own identifier. */
  readonly generatedSpeakerId?: string;
}

export interface FraudResult extends FraudOutcome {
  readonly resultId?: string;
  readonly generatedFraudsterId?: string;
}

/**
 * The full EvaluateSession answer the use case keeps for the record: the outcome plus the identifiers
 * and configurations Voice ID reports, bound to the flow's claim. Never holds the CustomerSpeakerId.
 */
export interface VoiceIdEvaluation extends VoiceIdOutcome {
  readonly sessionId?: string;
  readonly authentication?: AuthenticationResult;
  readonly fraud?: FraudResult;
  /** Fields that carried a value this code does not know, e.g. `AuthenticationResult.Decision`. */
  readonly unrecognized: readonly string[];
}

/**
 * What the Voice ID gateway returns: an evaluation whose authentication result still carries Voice ID's
 * CustomerSpeakerId instead of a {@link ClaimMatch}. Only {@link bindToClaim} reads that id.
 */
export interface EvaluateSessionAnswer extends Omit<VoiceIdEvaluation, 'authentication'> {
  readonly authentication?: Omit<AuthenticationResult, 'claim'> & { readonly customerSpeakerId?: string };
}

/**
 * Binds an answer to the customer the flow claims, comparing in memory only: the returned evaluation says
 * whether the result is about that customer and holds neither id, so neither can reach a log, a record
 * or the response.
 */
export function bindToClaim(answer: EvaluateSessionAnswer, claimedCustomerId: string | undefined): VoiceIdEvaluation {
  const { authentication, ...rest } = answer;
  if (!authentication) return rest;
  const { customerSpeakerId, ...result } = authentication;
  const claim: ClaimMatch = claimedCustomerId === undefined ? 'NO_CLAIM' : customerSpeakerId === claimedCustomerId ? 'MATCH' : 'MISMATCH';
  return { ...rest, authentication: { ...result, claim } };
}
