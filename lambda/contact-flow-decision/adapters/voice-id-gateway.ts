/**
 * Port and SDK adapter for Voice ID's EvaluateSession.
 *
 * The adapter turns the SDK response into plain domain types (the CustomerSpeakerId only for the use case
 * to compare with the claim, see `bindToClaim`) and every
 * SDK/network failure into a typed {@link VoiceIdError}. It never retries: the client is built with
 * `maxAttempts: 1` and the use case retries inside its own hard deadline (the SDK's retry strategy
 * knows nothing about Connect's 8 s limit).
 *
 * Endpoints resolve the standard SDK way, so `AWS_ENDPOINT_URL_VOICE_ID` points it at an emulator.
 */
import { withDeadline } from '../../shared/with-deadline';
import { DescribeDomainCommand, EvaluateSessionCommand, type EvaluateSessionCommandOutput, type ServiceInputTypes, type ServiceOutputTypes, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import type { DeserializeMiddleware, InitializeMiddleware, Pluggable } from '@smithy/types';
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
  type EvaluateSessionAnswer,
  FRAUD_DECISIONS,
  FRAUD_REASONS,
  STREAMING_STATUSES,
  type StreamingStatus,
  UNKNOWN,
  type Unknown,
} from '../domain/voice-id-outcome';

export interface EvaluateOptions {
  /** The call is abandoned (and fails with a timeout error) after this many milliseconds. */
  readonly timeoutMs: number;
}

/** Port: ask Voice ID about one session, and which watchlist its domain screens against by default. */
export interface VoiceIdGateway {
  /** Rejects only with a {@link VoiceIdError}. */
  evaluateSession(sessionNameOrId: string, options: EvaluateOptions): Promise<EvaluateSessionAnswer>;
  /** The domain's default watchlist (`DescribeDomain`), or undefined when it cannot be learned now. Never rejects. */
  defaultWatchlistId(options: EvaluateOptions): Promise<string | undefined>;
}

export class SdkVoiceIdGateway implements VoiceIdGateway {
  constructor(
    readonly client: VoiceIDClient,
    private readonly domainId: string,
  ) {
    client.middlewareStack.use(keepRawBody(client));
  }

  /** Learned once per environment: a domain's default watchlist does not change. */
  private defaultWatchlist?: string;
  /** The lookup in flight, shared by concurrent asks. */
  private lookup?: Promise<string | undefined>;
  /** After a failed lookup, none is tried before this time (epoch ms): DescribeDomain shares 2 TPS with the batch APIs. */
  private retryAfter = 0;

  async defaultWatchlistId({ timeoutMs }: EvaluateOptions): Promise<string | undefined> {
    if (this.defaultWatchlist !== undefined) return this.defaultWatchlist;
    if (Date.now() < this.retryAfter) return undefined;
    this.lookup ??= this.describeDefaultWatchlist(Math.min(timeoutMs, DESCRIBE_DOMAIN_TIMEOUT_MS)).finally(() => {
      this.lookup = undefined;
    });
    return this.lookup;
  }

  private async describeDefaultWatchlist(timeoutMs: number): Promise<string | undefined> {
    try {
      const { Domain } = await withDeadline(
        timeoutMs,
        () => new VoiceIdTimeoutError(`DescribeDomain timed out after ${timeoutMs} ms`),
        (abortSignal) => this.client.send(new DescribeDomainCommand({ DomainId: this.domainId }), { abortSignal }),
      );
      const id = Domain?.WatchlistDetails?.DefaultWatchlistId;
      if (typeof id === 'string' && /^[a-zA-Z0-9]{22}$/.test(id)) this.defaultWatchlist = id;
      else this.retryAfter = Date.now() + DESCRIBE_DOMAIN_RETRY_AFTER_MS;
    } catch {
      // Meanwhile no LOW_RISK is trusted (WATCHLIST_UNKNOWN); asked again after a pause.
      this.retryAfter = Date.now() + DESCRIBE_DOMAIN_RETRY_AFTER_MS;
    }
    return this.defaultWatchlist;
  }

  async evaluateSession(sessionNameOrId: string, { timeoutMs }: EvaluateOptions): Promise<EvaluateSessionAnswer> {
    let output: EvaluateSessionCommandOutput;
    try {
      output = await withDeadline(
        timeoutMs,
        () => new VoiceIdTimeoutError(`EvaluateSession timed out after ${timeoutMs} ms`),
        (abortSignal) => this.client.send(new EvaluateSessionCommand({ DomainId: this.domainId, SessionNameOrId: sessionNameOrId }), { abortSignal }),
      );
    } catch (error: unknown) {
      const failure = toVoiceIdError(error);
      // A 2xx the SDK could not deserialize (a field in a format it does not expect) may still say HIGH_RISK.
      if (failure instanceof VoiceIdUnexpectedResponseError) {
        throw new VoiceIdUnexpectedResponseError(failure.detail, failure.message, { cause: error, partialAnswer: readLeniently(rawBodyOf(error)) });
      }
      throw failure;
    }
    // Outside the call's try: an answer that arrived but cannot be read is never a network error to retry,
    // nor may an earlier "speech pending" stand in for it (it may carry a fraud signal).
    try {
      const { malformed, ...answer } = toEvaluation(output);
      if (malformed.length === 0) return answer;
      // The malformed fields go on record with whatever is decided on the rest (a HIGH_RISK, say).
      throw new VoiceIdUnexpectedResponseError('MALFORMED_RESPONSE', `Voice ID sent values of the wrong type in ${malformed.join(', ')}`, {
        partialAnswer: { ...answer, unrecognized: [...new Set([...answer.unrecognized, ...malformed])] },
      });
    } catch (error: unknown) {
      if (error instanceof VoiceIdUnexpectedResponseError) throw error;
      throw new VoiceIdUnexpectedResponseError('UNREADABLE_RESPONSE', 'Voice ID sent an answer this function could not read', { cause: error });
    }
  }
}

/** DescribeDomain gets a short time of its own: it runs beside the first evaluation, on a cold start's budget. */
export const DESCRIBE_DOMAIN_TIMEOUT_MS = 500;
/** Pause after a failed DescribeDomain before an environment asks again. */
export const DESCRIBE_DOMAIN_RETRY_AFTER_MS = 30_000;

/** Where {@link keepRawBody} leaves the raw response body on an error the call fails with. */
const RAW_BODY = '__voiceIdRawResponseBody';

/**
 * Keeps the raw body of the response (an EvaluateSession answer is a few hundred bytes) and hands it on with
 * an error the call fails with, so that an answer the SDK cannot deserialize can still be read for a fraud
 * signal. The body is buffered below the deserializer and given back to it as bytes, which it reads as usual.
 */
function keepRawBody(client: VoiceIDClient): Pluggable<ServiceInputTypes, ServiceOutputTypes> {
  return {
    applyToStack(stack) {
      const attach: InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error: unknown) {
          if (typeof error === 'object' && error !== null && context[RAW_BODY] instanceof Uint8Array) {
            Object.defineProperty(error, RAW_BODY, { value: context[RAW_BODY], enumerable: false });
          }
          throw error;
        }
      };
      const keep: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
        const result = await next(args);
        const response = result.response as { body?: unknown };
        if (response && response.body !== undefined && response.body !== null) {
          const bytes = response.body instanceof Uint8Array ? response.body : await client.config.streamCollector(response.body);
          response.body = bytes;
          context[RAW_BODY] = bytes;
        }
        return result;
      };
      stack.add(attach, { step: 'initialize', name: 'attachRawBodyToErrorMiddleware', override: true });
      stack.addRelativeTo(keep, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'keepRawBodyMiddleware', override: true });
    },
  };
}

function rawBodyOf(error: unknown): Uint8Array | undefined {
  const raw = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[RAW_BODY] : undefined;
  return raw instanceof Uint8Array ? raw : undefined;
}

/**
 * The JSON of an answer the SDK could not deserialize, read as far as it goes. Its timestamps are never Dates
 * here, so no result read this way is ever fresh enough to authenticate anybody: it can only show a fraud signal.
 */
export function readLeniently(raw: Uint8Array | undefined): EvaluateSessionAnswer | undefined {
  if (!raw) return undefined;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(raw));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
    const { malformed, ...answer } = toEvaluation(json as EvaluateSessionCommandOutput);
    return { ...answer, unrecognized: [...new Set([...answer.unrecognized, ...malformed])] };
  } catch {
    return undefined;
  }
}

/** An answer with the fields whose values had the wrong type (a number sent as a string, say). */
type MappedAnswer = EvaluateSessionAnswer & { readonly malformed: readonly string[] };

/**
 * SDK response -> domain answer. A value this code does not know becomes `UNKNOWN` (and its field is listed
 * in `unrecognized`) instead of failing the whole answer: a fraud signal in the same answer must still win,
 * and the policy never authenticates on an unknown value. Scores and thresholds are kept as sent; the policy
 * judges their range. A value of the wrong type (a number sent as a string, a timestamp that is not one) is
 * listed in `malformed`: a decimal string reads as its number (so that a fraud signal sent that way is not lost),
 * anything else as NaN. The gateway never hands on an answer with malformed values as a usable one. The
 * CustomerSpeakerId is handed on only for {@link bindToClaim}.
 */
export function toEvaluation(output: EvaluateSessionCommandOutput): MappedAnswer {
  const { AuthenticationResult: auth, FraudDetectionResult: fraud } = output;
  const unrecognized: string[] = [];
  const malformed: string[] = [];
  const numberOf = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return value;
    malformed.push(field);
    return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : Number.NaN;
  };
  const epochMillisOf = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (value instanceof Date) return value.getTime();
    malformed.push(field);
    return Number.NaN;
  };
  const known = <T extends string>(allowed: readonly T[], value: string | undefined, field: string): T | Unknown => {
    if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
    unrecognized.push(field);
    return UNKNOWN;
  };
  const streamingStatus: StreamingStatus =
    output.StreamingStatus === undefined ? UNKNOWN : (known(STREAMING_STATUSES, output.StreamingStatus, 'StreamingStatus') as StreamingStatus);
  return {
    sessionId: output.SessionId,
    streamingStatus,
    ...(auth && {
      authentication: {
        decision: known(AUTHENTICATION_DECISIONS, auth.Decision, 'AuthenticationResult.Decision'),
        score: numberOf(auth.Score, 'AuthenticationResult.Score'),
        acceptanceThreshold: numberOf(auth.Configuration?.AcceptanceThreshold, 'AuthenticationResult.Configuration.AcceptanceThreshold'),
        audioAggregationEndedAt: epochMillisOf(auth.AudioAggregationEndedAt, 'AuthenticationResult.AudioAggregationEndedAt'),
        resultId: auth.AuthenticationResultId,
        generatedSpeakerId: auth.GeneratedSpeakerId,
        customerSpeakerId: auth.CustomerSpeakerId,
      },
    }),
    ...(fraud && {
      fraud: {
        decision: known(FRAUD_DECISIONS, fraud.Decision, 'FraudDetectionResult.Decision'),
        // Anything but a list of reasons is an unknown reason: a fraud signal, never silence.
        reasons: Array.isArray(fraud.Reasons)
          ? fraud.Reasons.map((reason) => known(FRAUD_REASONS, typeof reason === 'string' ? reason : undefined, 'FraudDetectionResult.Reasons'))
          : fraud.Reasons === undefined || fraud.Reasons === null
            ? []
            : [known(FRAUD_REASONS, undefined, 'FraudDetectionResult.Reasons')],
        knownFraudsterRiskScore: numberOf(fraud.RiskDetails?.KnownFraudsterRisk?.RiskScore, 'FraudDetectionResult.RiskDetails.KnownFraudsterRisk.RiskScore'),
        voiceSpoofingRiskScore: numberOf(fraud.RiskDetails?.VoiceSpoofingRisk?.RiskScore, 'FraudDetectionResult.RiskDetails.VoiceSpoofingRisk.RiskScore'),
        riskThreshold: numberOf(fraud.Configuration?.RiskThreshold, 'FraudDetectionResult.Configuration.RiskThreshold'),
        audioAggregationEndedAt: epochMillisOf(fraud.AudioAggregationEndedAt, 'FraudDetectionResult.AudioAggregationEndedAt'),
        resultId: fraud.FraudDetectionResultId,
        watchlistId: typeof fraud.Configuration?.WatchlistId === 'string' ? fraud.Configuration.WatchlistId : undefined,
        generatedFraudsterId: fraud.RiskDetails?.KnownFraudsterRisk?.GeneratedFraudsterId,
      },
    }),
    unrecognized: [...new Set(unrecognized)],
    malformed,
  };
}

/** A plain decimal number, as a string. */
const DECIMAL = /^-?\d{1,3}(\.\d+)?$/;

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
  if (error instanceof VoiceIdTimeoutError) return error;
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
  // A 2xx whose body the SDK could not read: an answer, but not one anybody can act on.
  if (status >= 200 && status < 300) return new VoiceIdUnexpectedResponseError('UNREADABLE_RESPONSE', 'Voice ID sent an answer the SDK could not read', options);
  return new VoiceIdRequestRejectedError(`Voice ID rejected the EvaluateSession request (HTTP ${status})`, options);
}
