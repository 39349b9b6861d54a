/**
 * Errors as named values.
 *
 * Every way the decision Lambda can fail to produce a usable answer is one of these classes. Each
 * carries an `errorCode` (what the flow sees in `$.External.errorCode`) and a `detail`, a short
 * machine code saying which check failed (what the flow sees in `$.External.reason`).
 * The handler maps them to the Connect response in exactly one place (`adapters/connect-response.ts`).
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */

/** Values of `errorCode` in the response. */
import type { EvaluateSessionAnswer } from './voice-id-outcome';

export const ERROR_CODES = [
  'INVALID_EVENT',
  'CONFIGURATION_ERROR',
  'VOICE_ID_THROTTLED',
  'VOICE_ID_UNAVAILABLE',
  'VOICE_ID_ACCESS_DENIED',
  'VOICE_ID_REQUEST_REJECTED',
  'VOICE_ID_CONFLICT',
  'VOICE_ID_UNEXPECTED_RESPONSE',
  'SESSION_NOT_FOUND',
  'DEADLINE_EXCEEDED',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base of every error that ends in an `ERROR` decision. */
export abstract class DecisionError extends Error {
  abstract readonly errorCode: ErrorCode;
  /** Short machine code (letters, digits, underscore) saying what exactly failed. */
  readonly detail: string;

  protected constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.detail = detail;
    this.name = new.target.name;
  }
}

/** The Connect event is not one this Lambda can act on (shape, types, sizes, flow parameters). */
export class InvalidEventError extends DecisionError {
  readonly errorCode = 'INVALID_EVENT';
  constructor(
    detail: string,
    message: string,
    /** The flow parameter at fault (this function's own name for it), when one is. */
    readonly parameter?: string,
  ) {
    super(detail, message);
  }
}

/** The Lambda's own configuration is missing or wrong (environment, Voice ID domain). */
export class ConfigurationError extends DecisionError {
  readonly errorCode = 'CONFIGURATION_ERROR';
  constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

/** No usable Voice ID answer before the hard deadline. */
export class DeadlineExceededError extends DecisionError {
  readonly errorCode = 'DEADLINE_EXCEEDED';
  constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

/** Anything not anticipated; still answered as ERROR, never thrown to Connect. */
export class InternalError extends DecisionError {
  readonly errorCode = 'INTERNAL_ERROR';
  constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

/** A failed EvaluateSession call. `retryable` says whether asking again (within the budget) may help. */
export abstract class VoiceIdError extends DecisionError {
  abstract readonly retryable: boolean;
}

export class VoiceIdThrottledError extends VoiceIdError {
  readonly errorCode = 'VOICE_ID_THROTTLED';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('VOICE_ID_THROTTLING', message, options);
  }
}

/** 5xx, internal error, or a network failure before any response. */
export class VoiceIdUnavailableError extends VoiceIdError {
  readonly errorCode = 'VOICE_ID_UNAVAILABLE';
  readonly retryable = true;
  constructor(detail: 'VOICE_ID_SERVER_ERROR' | 'VOICE_ID_NETWORK_ERROR', message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

/** The call was aborted at its timeout (which never lies beyond the decision deadline). */
export class VoiceIdTimeoutError extends VoiceIdError {
  readonly errorCode = 'DEADLINE_EXCEEDED';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('VOICE_ID_CALL_TIMED_OUT', message, options);
  }
}

export class VoiceIdSessionNotFoundError extends VoiceIdError {
  readonly errorCode = 'SESSION_NOT_FOUND';
  readonly retryable = false;
  constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

/** The domain is missing (wrong VOICE_ID_DOMAIN_ID) or the account lacks the compliance consent. */
export class VoiceIdDomainNotFoundError extends VoiceIdError {
  readonly errorCode = 'CONFIGURATION_ERROR';
  readonly retryable = false;
  constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

export class VoiceIdAccessDeniedError extends VoiceIdError {
  readonly errorCode = 'VOICE_ID_ACCESS_DENIED';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super('VOICE_ID_ACCESS_DENIED', message, options);
  }
}

/** ValidationException: Voice ID refused the request itself (session name, domain id format). */
export class VoiceIdRequestRejectedError extends VoiceIdError {
  readonly errorCode = 'VOICE_ID_REQUEST_REJECTED';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super('VOICE_ID_VALIDATION', message, options);
  }
}

/** ConflictException, e.g. DOMAIN_NOT_ACTIVE. */
export class VoiceIdConflictError extends VoiceIdError {
  readonly errorCode = 'VOICE_ID_CONFLICT';
  readonly retryable = false;
  constructor(detail: string, message: string, options?: { cause?: unknown }) {
    super(detail, message, options);
  }
}

/**
 * Voice ID answered with something that cannot be read at all: fail closed. (Unknown enum values in a readable
 * answer are not this error: they reach the policy as UNKNOWN, so a fraud signal beside them still wins.)
 */
export class VoiceIdUnexpectedResponseError extends VoiceIdError {
  readonly errorCode = 'VOICE_ID_UNEXPECTED_RESPONSE';
  readonly retryable = false;
  /**
   * What could still be read of the answer (numbers sent as strings read as numbers, timestamps never), for one
   * purpose only: a fraud signal in it still makes the caller HIGH_RISK. Nothing else is ever decided on it.
   */
  declare readonly partialAnswer?: EvaluateSessionAnswer;
  constructor(detail: string, message: string, options?: { cause?: unknown; partialAnswer?: EvaluateSessionAnswer }) {
    super(detail, message, options);
    // Not enumerable: it holds Voice ID's CustomerSpeakerId, which only bindToClaim may read, never a log line.
    Object.defineProperty(this, 'partialAnswer', { value: options?.partialAnswer, enumerable: false });
  }
}
