/**
 * Adapter: a decision (or a typed error) -> the Connect STRING_MAP response. The ONE place where
 * results and errors become what the flow sees as `$.External.<key>`.
 *
 * Contract: a flat object of strings, < 32 KB, values only `[A-Za-z0-9_,-]` (Connect's recommendation),
 * no caller identifiers (no CustomerId, CustomerSpeakerId, phone numbers, speaker ids).
 */
import { type CallerDecision } from '../domain/decision-policy';
import { DecisionError, type ErrorCode, InternalError, InvalidEventError } from '../domain/errors';
import type { VoiceIdEvaluation } from '../domain/voice-id-outcome';

export const RESPONSE_KEYS = [
  'decision',
  'authenticationDecision',
  'authenticationScore',
  'fraudDecision',
  'fraudReasons',
  'knownFraudsterRiskScore',
  'voiceSpoofingRiskScore',
  'streamingStatus',
  'decisionId',
  'recordStatus',
  'reason',
  'errorCode',
  'invalidParameter',
  'policyVersion',
  'voiceIdCalls',
] as const;

export type ConnectDecisionResponse = Readonly<Record<(typeof RESPONSE_KEYS)[number], string>>;

/** Everything the response is built from; the use case's result satisfies it. */
export interface DecisionAnswer {
  readonly decision: CallerDecision;
  readonly reason: string;
  readonly error?: DecisionError;
  readonly evaluation?: VoiceIdEvaluation;
  readonly policy?: { readonly version: string };
  readonly voiceIdCalls: number;
  readonly decisionId: string;
  readonly recordStatus: 'RECORDED' | 'DUPLICATE' | 'FAILED';
  /** Failed Voice ID calls that were asked again (for metrics). */
  readonly retries?: number;
  /** Why recording failed, when it was attempted and failed (for logs and metrics). */
  readonly recordError?: Error;
}

/** An answer for a failure before or outside the use case (invalid event, configuration, a bug); the handler records it when the event names a well-formed contact. */
export function errorAnswer(error: unknown, policyVersion?: string): DecisionAnswer & { readonly error: DecisionError } {
  const typed = asDecisionError(error);
  return {
    decision: 'ERROR',
    reason: typed.detail,
    error: typed,
    ...(policyVersion !== undefined && { policy: { version: policyVersion } }),
    voiceIdCalls: 0,
    decisionId: '',
    recordStatus: 'FAILED',
  };
}

/** Narrows anything thrown to a named domain error (unknown ones become INTERNAL_ERROR). */
export function asDecisionError(error: unknown): DecisionError {
  return error instanceof DecisionError ? error : new InternalError('UNEXPECTED_ERROR', 'Unexpected error', { cause: error });
}

export function toConnectResponse(answer: DecisionAnswer): ConnectDecisionResponse {
  // An ERROR carries no Voice ID details, even if some were seen: the flow must not act on them.
  const isError = answer.decision === 'ERROR';
  // Voice ID's verdict on a speaker other than the claimed customer (or with no claim) is not about this caller:
  // a flow that branched on an `ACCEPT` there would authenticate the wrong person, and it would tell the flow
  // that the caller is some other enrolled customer.
  const reported = isError ? undefined : answer.evaluation?.authentication;
  const auth = reported?.claim === 'MATCH' ? reported : undefined;
  const fraud = isError ? undefined : answer.evaluation?.fraud;
  const errorCode: ErrorCode | '' = isError ? (answer.error?.errorCode ?? 'INTERNAL_ERROR') : '';
  return {
    decision: answer.decision,
    authenticationDecision: auth?.decision ?? 'NONE',
    authenticationScore: numberOrEmpty(auth?.score),
    fraudDecision: fraud?.decision ?? 'NONE',
    fraudReasons: safe(fraud?.reasons.join(',') ?? ''),
    knownFraudsterRiskScore: numberOrEmpty(fraud?.knownFraudsterRiskScore),
    voiceSpoofingRiskScore: numberOrEmpty(fraud?.voiceSpoofingRiskScore),
    streamingStatus: safe(answer.evaluation?.streamingStatus ?? ''),
    decisionId: safe(answer.decisionId),
    recordStatus: answer.recordStatus,
    reason: safe(answer.reason),
    errorCode,
    // This function's own name of the flow parameter at fault, so the flow author knows what to fix.
    invalidParameter: safe(answer.error instanceof InvalidEventError ? (answer.error.parameter ?? '') : ''),
    policyVersion: safe(answer.policy?.version ?? ''),
    voiceIdCalls: String(answer.voiceIdCalls),
  };
}

function numberOrEmpty(value: number | undefined): string {
  return value === undefined ? '' : String(Math.round(value));
}

/** Keeps a value within Connect's recommended characters, and short. */
function safe(value: string): string {
  return value.replace(/[^A-Za-z0-9_,-]/g, '_').slice(0, 128);
}
