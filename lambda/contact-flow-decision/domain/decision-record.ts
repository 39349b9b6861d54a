/**
 * What is recorded for one decision, and its idempotency key.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process. Time and randomness come in as arguments.
 */
import type { ErrorCode } from './errors';
import type { CallerDecision } from './decision-policy';
import type { EffectivePolicy } from './policy';
import type { VoiceIdEvaluation } from './voice-id-outcome';

/** What the use case knows about a decision when it records it. */
export interface RecordInput {
  readonly contactId: string;
  readonly sessionName: string;
  readonly decision: CallerDecision;
  readonly reason: string;
  readonly errorCode?: ErrorCode;
  readonly evaluation?: VoiceIdEvaluation;
  readonly policy: EffectivePolicy;
  readonly voiceIdCalls: number;
}

/**
 * One decision as stored. Holds Voice ID's opaque ids and scores, never caller data: no phone numbers,
 * no customer endpoint, no CustomerId / CustomerSpeakerId.
 */
export interface DecisionRecord extends RecordInput {
  /**
   * Sort key. Derived from the Voice ID result ids, the decision and its reason when there are result ids
   * (`R#...`), so replaying the same result to the same verdict under the same policy hits the same item;
   * otherwise unique (`U#<evaluatedAt>#<random>`).
   */
  readonly recordKey: string;
  /** Whether `recordKey` comes from Voice ID's result ids (a replay is then a duplicate). */
  readonly idempotent: boolean;
  /** ISO-8601. */
  readonly evaluatedAt: string;
  /** YYYY-MM-DD (UTC), on HIGH_RISK records only: the sparse `highRiskByDay` index. */
  readonly highRiskDay?: string;
  /** Epoch seconds; DynamoDB's TTL deletes the item after it. */
  readonly expiresAt: number;
}

const SECONDS_PER_DAY = 86_400;

/**
 * Builds the record for a decision taken at `nowMs`.
 * @param random returns numbers in [0, 1); used only for the key of records without Voice ID result ids.
 */
export function buildDecisionRecord(input: RecordInput, nowMs: number, retentionDays: number, random: () => number): DecisionRecord {
  const evaluatedAt = new Date(nowMs).toISOString();
  const authenticationResultId = input.evaluation?.authentication?.resultId;
  const fraudDetectionResultId = input.evaluation?.fraud?.resultId;
  const idempotent = input.decision !== 'ERROR' && (authenticationResultId !== undefined || fraudDetectionResultId !== undefined);
  const recordKey = idempotent
    ? ['R', authenticationResultId ?? '-', fraudDetectionResultId ?? '-', input.decision, input.reason, input.policy.version].join('#')
    : ['U', evaluatedAt, randomToken(random)].join('#');

  return {
    ...input,
    recordKey,
    idempotent,
    evaluatedAt,
    ...(input.decision === 'HIGH_RISK' && { highRiskDay: evaluatedAt.slice(0, 10) }),
    expiresAt: Math.floor(nowMs / 1000) + retentionDays * SECONDS_PER_DAY,
  };
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(random: () => number, length = 16): string {
  let token = '';
  for (let i = 0; i < length; i++) token += TOKEN_ALPHABET[Math.floor(random() * TOKEN_ALPHABET.length) % TOKEN_ALPHABET.length];
  return token;
}
