/**
 * Port and SDK adapter for Voice ID's EvaluateSession.
 *
 * The adapter turns the SDK response into plain domain types (dropping CustomerSpeakerId) and every
 * SDK/network failure into a typed {@link VoiceIdError}. It never retries: the client is built with
 * `maxAttempts: 1` and the use case retries inside its own hard deadline (the SDK's retry strategy
 * knows nothing about Connect's 8 s limit).
 *
 * Endpoints resolve the standard SDK way, so `AWS_ENDPOINT_URL_VOICE_ID` points it at an emulator.
 */
import { withDeadline } from '../../shared/with-deadline';
import { EvaluateSessionCommand, type EvaluateSessionCommandOutput, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import {
  VoiceIdAccessDeniedError,
  VoiceIdConflictError,
  VoiceIdDomainNotFoundError,
  type VoiceIdError,
  VoiceIdRequestRejectedError,
  VoiceIdSessionNotFoundError,
  VoiceIdThrottledError,
  VoiceIdTimeoutError,
  VoiceIdUnavailableError,
  VoiceIdUnexpectedResponseError,
} from '../domain/errors';
import {
  AUTHENTICATION_DECISIONS,
  type AuthenticationDecision,
  FRAUD_DECISIONS,
  FRAUD_REASONS,
  type FraudDecision,
  type FraudReason,
  STREAMING_STATUSES,
  type StreamingStatus,
  type VoiceIdEvaluation,
} from '../domain/voice-id-outcome';

export interface EvaluateOptions {
  /** The call is abandoned (and fails with a timeout error) after this many milliseconds. */
  readonly timeoutMs: number;
}

/** Port: ask Voice ID about one session. Rejects only with a {@link VoiceIdError}. */
export interface VoiceIdGateway {
  evaluateSession(sessionNameOrId: string, options: EvaluateOptions): Promise<VoiceIdEvaluation>;
}

export class SdkVoiceIdGateway implements VoiceIdGateway {
  constructor(
    readonly client: VoiceIDClient,
    private readonly domainId: string,
  ) {}

  async evaluateSession(sessionNameOrId: string, { timeoutMs }: EvaluateOptions): Promise<VoiceIdEvaluation> {
    try {
      const output = await withDeadline(
        timeoutMs,
        () => new VoiceIdTimeoutError(`EvaluateSession timed out after ${timeoutMs} ms`),
        (abortSignal) => this.client.send(new EvaluateSessionCommand({ DomainId: this.domainId, SessionNameOrId: sessionNameOrId }), { abortSignal }),
      );
      return toEvaluation(output);
    } catch (error: unknown) {
      throw toVoiceIdError(error);
    }
  }
}

/** SDK response -> domain evaluation. Unknown enum values fail closed. CustomerSpeakerId is dropped. */
export function toEvaluation(output: EvaluateSessionCommandOutput): VoiceIdEvaluation {
  const { AuthenticationResult: auth, FraudDetectionResult: fraud } = output;
  return {
    sessionId: output.SessionId,
    streamingStatus: output.StreamingStatus === undefined ? 'UNKNOWN' : member(STREAMING_STATUSES, output.StreamingStatus, 'STREAMING_STATUS') as StreamingStatus,
    ...(auth && {
      authentication: {
        decision: member(AUTHENTICATION_DECISIONS, auth.Decision, 'AUTHENTICATION_DECISION') as AuthenticationDecision,
        score: score(auth.Score, 'AUTHENTICATION_SCORE'),
        resultId: auth.AuthenticationResultId,
        generatedSpeakerId: auth.GeneratedSpeakerId,
        acceptanceThreshold: auth.Configuration?.AcceptanceThreshold,
      },
    }),
    ...(fraud && {
      fraud: {
        decision: member(FRAUD_DECISIONS, fraud.Decision, 'FRAUD_DECISION') as FraudDecision,
        reasons: (fraud.Reasons ?? []).map((reason) => member(FRAUD_REASONS, reason, 'FRAUD_REASON') as FraudReason),
        knownFraudsterRiskScore: score(fraud.RiskDetails?.KnownFraudsterRisk?.RiskScore, 'KNOWN_FRAUDSTER_RISK_SCORE'),
        voiceSpoofingRiskScore: score(fraud.RiskDetails?.VoiceSpoofingRisk?.RiskScore, 'VOICE_SPOOFING_RISK_SCORE'),
        resultId: fraud.FraudDetectionResultId,
        riskThreshold: fraud.Configuration?.RiskThreshold,
        watchlistId: fraud.Configuration?.WatchlistId,
        generatedFraudsterId: fraud.RiskDetails?.KnownFraudsterRisk?.GeneratedFraudsterId,
      },
    }),
  };
}

function member(allowed: readonly string[], value: string | undefined, what: string): string {
  if (value === undefined || !allowed.includes(value)) {
    throw new VoiceIdUnexpectedResponseError(`UNEXPECTED_${what}`, `Voice ID returned an unknown ${what.toLowerCase()}`);
  }
  return value;
}

function score(value: number | undefined, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new VoiceIdUnexpectedResponseError(`UNEXPECTED_${what}`, `Voice ID returned an out-of-range ${what.toLowerCase()}`);
  }
  return value;
}

const THROTTLING_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'ThrottledException', 'RequestLimitExceeded', 'SlowDown']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  ResourceType?: unknown;
  ConflictType?: unknown;
}

/** Any failure of the call -> a typed Voice ID error. Messages never carry the SDK's text (it may echo the request). */
export function toVoiceIdError(error: unknown): VoiceIdError {
  if (error instanceof VoiceIdTimeoutError || error instanceof VoiceIdUnexpectedResponseError) return error;
  const e: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const options = { cause: error };

  if (THROTTLING_NAMES.has(name) || status === 429) return new VoiceIdThrottledError('Voice ID throttled EvaluateSession', options);
  if (name === 'AbortError' || name === 'TimeoutError') return new VoiceIdTimeoutError('EvaluateSession timed out', options);
  if (name === 'ResourceNotFoundException') {
    const resourceType = typeof e.ResourceType === 'string' ? e.ResourceType : 'UNKNOWN';
    if (resourceType === 'DOMAIN' || resourceType === 'COMPLIANCE_CONSENT') {
      return new VoiceIdDomainNotFoundError(`VOICE_ID_${resourceType}_NOT_FOUND`, `Voice ID resource not found: ${resourceType}`, options);
    }
    return new VoiceIdSessionNotFoundError(`VOICE_ID_${resourceType.replace(/[^A-Z_]/g, '')}_NOT_FOUND`, `Voice ID resource not found: ${resourceType}`, options);
  }
  if (name === 'AccessDeniedException' || status === 403) return new VoiceIdAccessDeniedError('Access to Voice ID EvaluateSession denied', options);
  if (name === 'ValidationException') return new VoiceIdRequestRejectedError('Voice ID rejected the EvaluateSession request', options);
  if (name === 'ConflictException') {
    const conflictType = typeof e.ConflictType === 'string' ? e.ConflictType.replace(/[^A-Z_]/g, '') : 'UNKNOWN';
    return new VoiceIdConflictError(`VOICE_ID_CONFLICT_${conflictType}`, `Voice ID conflict: ${conflictType}`, options);
  }
  if (name === 'InternalServerException' || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return new VoiceIdUnavailableError('VOICE_ID_SERVER_ERROR', 'Voice ID server error', options);
  }
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) {
    return new VoiceIdUnavailableError('VOICE_ID_NETWORK_ERROR', `Network error calling Voice ID (${e.code})`, options);
  }
  if (status === undefined) {
    // No HTTP response at all (connection failure, credentials, DNS): Voice ID was not reachable.
    return new VoiceIdUnavailableError('VOICE_ID_NETWORK_ERROR', 'Voice ID could not be reached', options);
  }
  return new VoiceIdRequestRejectedError(`Voice ID rejected the EvaluateSession request (HTTP ${status})`, options);
}
