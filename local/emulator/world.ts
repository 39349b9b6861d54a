import type { SpeechAnalysis } from '../audio';

/** Internal records. Times are emulated epoch milliseconds; everything is plain JSON so the world can be saved. */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface DomainRecord {
  readonly domainId: string;
  readonly arn: string;
  name: string;
  description?: string;
  kmsKeyId: string;
  readonly createdAt: number;
  updatedAt: number;
  readonly defaultWatchlistId: string;
  /** Present once the KMS key has been changed; a key change re-encrypts asynchronously until `completesAt`. */
  sseUpdate?: { oldKmsKeyId: string; completesAt: number };
  tags: Tag[];
}

export type SpeakerStatus = 'ENROLLED' | 'EXPIRED' | 'OPTED_OUT' | 'PENDING';

export interface SpeakerRecord {
  readonly generatedSpeakerId: string;
  customerSpeakerId?: string;
  status: SpeakerStatus;
  readonly createdAt: number;
  updatedAt: number;
  lastAccessedAt?: number;
  /** Deleted on opt-out, as the service deletes voiceprints. */
  voiceprint: number[];
}

export interface FraudsterRecord {
  readonly generatedFraudsterId: string;
  readonly createdAt: number;
  watchlistIds: string[];
  readonly voiceprint: number[];
}

export interface WatchlistRecord {
  readonly watchlistId: string;
  name: string;
  description?: string;
  readonly defaultWatchlist: boolean;
  readonly createdAt: number;
  updatedAt: number;
}

export type JobKind = 'ENROLLMENT' | 'REGISTRATION';
export type JobStatus = 'SUBMITTED' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';

export interface JobRecord {
  readonly kind: JobKind;
  readonly jobId: string;
  readonly domainId: string;
  readonly jobName?: string;
  readonly dataAccessRoleArn: string;
  readonly inputS3Uri: string;
  readonly outputS3Uri: string;
  readonly outputKmsKeyId?: string;
  /** EnrollmentConfig or RegistrationConfig with the service's defaults filled in. */
  readonly config: Record<string, unknown>;
  readonly createdAt: number;
  /** An injected JOB_FAILURE fault: the job ends FAILED with this reason instead of running. */
  readonly injectedFailure?: string;
  /** Set once the input has been read and the job's emulated duration is known. */
  completesAt?: number;
  /** Set when the job has finished (final status, results applied, output written). */
  final?: { status: Exclude<JobStatus, 'SUBMITTED' | 'IN_PROGRESS'>; endedAt: number; failure?: { StatusCode: number; Message: string } };
}

export interface AuthenticationSettings {
  enabled: boolean;
  acceptanceThreshold: number;
  minimumSpeechSeconds: number;
}

export interface FraudSettings {
  enabled: boolean;
  riskThreshold: number;
  /** Undefined means the domain's default watchlist. */
  watchlistId?: string;
  minimumSpeechSeconds: number;
}

export interface SessionRecord {
  readonly sessionId: string;
  readonly sessionName: string;
  readonly domainId: string;
  readonly createdAt: number;
  /** When audio starts flowing; null while the session waits for the control API to start streaming. */
  streamingStartsAt: number | null;
  endedAt?: number;
  customerSpeakerId?: string;
  /** Net speech seconds that accumulate per emulated second of streaming. */
  speechRate: number;
  /**
   * When the caller speaks (epoch ms spans, the last one open while they talk): a flow's prompts are silence and
   * only its listening windows carry speech. Absent: the caller speaks from the start of streaming on.
   */
  speaking?: Array<{ from: number; to?: number }>;
  authentication: AuthenticationSettings;
  fraud: FraudSettings;
  readonly audio: SpeechAnalysis;
}

export interface DomainState {
  domain: DomainRecord;
  speakers: Record<string, SpeakerRecord>;
  fraudsters: Record<string, FraudsterRecord>;
  watchlists: Record<string, WatchlistRecord>;
  jobs: Record<string, JobRecord>;
  sessions: Record<string, SessionRecord>;
  /** `<operation>:<ClientToken>` → id of the resource that token created. */
  clientTokens: Record<string, string>;
}

export interface World {
  domains: Record<string, DomainState>;
  /** CreateDomain ClientToken → DomainId. */
  domainClientTokens: Record<string, string>;
}

export function emptyWorld(): World {
  return { domains: {}, domainClientTokens: {} };
}
