/** Error shapes of the Voice ID model the emulator answers with. */
export type VoiceIdErrorShape =
  | 'AccessDeniedException'
  | 'ConflictException'
  | 'InternalServerException'
  | 'ResourceNotFoundException'
  | 'ServiceQuotaExceededException'
  | 'ThrottlingException'
  | 'ValidationException';

/** Errors the protocol layer raises before an operation runs; they are not shapes of the Voice ID model. */
export type ProtocolErrorShape = 'SerializationException' | 'UnknownOperationException' | 'MissingAuthenticationTokenException';

export type ResourceType = 'BATCH_JOB' | 'COMPLIANCE_CONSENT' | 'DOMAIN' | 'FRAUDSTER' | 'SESSION' | 'SPEAKER' | 'WATCHLIST';

export type ConflictType =
  | 'ANOTHER_ACTIVE_STREAM'
  | 'DOMAIN_NOT_ACTIVE'
  | 'CANNOT_CHANGE_SPEAKER_AFTER_ENROLLMENT'
  | 'ENROLLMENT_ALREADY_EXISTS'
  | 'SPEAKER_NOT_SET'
  | 'SPEAKER_OPTED_OUT'
  | 'CONCURRENT_CHANGES'
  | 'DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES'
  | 'CANNOT_DELETE_NON_EMPTY_WATCHLIST'
  | 'FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST';

/** A modelled Voice ID error; the server maps it to `__type`, status and members in one place. */
export class VoiceIdError extends Error {
  constructor(
    readonly shape: VoiceIdErrorShape | ProtocolErrorShape,
    message: string,
    /** Extra modelled members, e.g. ResourceType or ConflictType. */
    readonly members: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = shape;
  }
}

export function notFound(resourceType: ResourceType, message: string): VoiceIdError {
  return new VoiceIdError('ResourceNotFoundException', message, { ResourceType: resourceType });
}

export function conflict(conflictType: ConflictType, message: string): VoiceIdError {
  return new VoiceIdError('ConflictException', message, { ConflictType: conflictType });
}

export function invalid(message: string): VoiceIdError {
  return new VoiceIdError('ValidationException', message);
}

export function quotaExceeded(message: string): VoiceIdError {
  return new VoiceIdError('ServiceQuotaExceededException', message);
}
