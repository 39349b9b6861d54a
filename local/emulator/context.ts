import type { EmulatorClock } from './clock';
import { notFound } from './errors';
import type { S3Store } from './s3-store';
import { TIMING } from './quotas';
import type { DomainState, FraudsterRecord, JobRecord, SpeakerRecord, WatchlistRecord, World } from './world';

export interface EmulatorConfig {
  readonly region: string;
  readonly accountId: string;
  readonly maxDomains: number;
  /** Concurrent active sessions per domain: 50 by default in the service, raised on request. */
  readonly maxActiveSessionsPerDomain: number;
}

/** What every operation handler works with: the world, the clock, S3 and a way to ask for a save. */
export interface ServiceContext {
  readonly world: World;
  readonly clock: EmulatorClock;
  readonly config: EmulatorConfig;
  readonly s3: S3Store;
  /** Starts background work for a new or restored batch job. */
  readonly launchJob: (job: JobRecord) => void;
  readonly markDirty: () => void;
  readonly log: (line: string) => void;
  /** Emits Voice ID's EventBridge event of a batch job that was submitted or ended. */
  readonly emitJobEvent: (job: JobRecord) => void;
  /** A fixed emulated duration for batch jobs launched from now on (control API), instead of the per-request one. */
  readonly jobDurationMs?: number;
  /** Whether a job started by `operation` is to fail (an injected JOB_FAILURE fault). */
  readonly takeJobFailure: (operation: string) => boolean;
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;
export type OperationHandler = (ctx: ServiceContext, input: never) => OperationOutput | Promise<OperationOutput>;

/** awsJson 1.0 serializes timestamps as epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

export function domainArn(config: EmulatorConfig, domainId: string): string {
  return `arn:aws:voiceid:${config.region}:${config.accountId}:domain/${domainId}`;
}

export function getDomain(ctx: ServiceContext, domainId: string): DomainState {
  const ds = ctx.world.domains[domainId];
  if (!ds) throw notFound('DOMAIN', `Domain ${domainId} does not exist`);
  return ds;
}

export function getWatchlist(ds: DomainState, watchlistId: string): WatchlistRecord {
  const wl = ds.watchlists[watchlistId];
  if (!wl) throw notFound('WATCHLIST', `Watchlist ${watchlistId} does not exist in domain ${ds.domain.domainId}`);
  return wl;
}

export function getFraudster(ds: DomainState, fraudsterId: string): FraudsterRecord {
  const f = ds.fraudsters[fraudsterId];
  if (!f) throw notFound('FRAUDSTER', 'Fraudster does not exist');
  return f;
}

/** Both kinds of speaker id are accepted; a CustomerSpeakerId cannot contain `#`, so the two never collide. */
export function findSpeaker(ds: DomainState, speakerId: string): SpeakerRecord | undefined {
  if (speakerId.startsWith('id#')) return ds.speakers[speakerId];
  return Object.values(ds.speakers).find((s) => s.customerSpeakerId === speakerId);
}

/** Marks speakers EXPIRED once they have gone unaccessed for three years of emulated time. */
export function expireSpeakers(ds: DomainState, now: number): boolean {
  let changed = false;
  for (const s of Object.values(ds.speakers)) {
    if (s.status === 'ENROLLED' && now - (s.lastAccessedAt ?? s.createdAt) >= TIMING.speakerExpiryMs) {
      s.status = 'EXPIRED';
      s.updatedAt = now;
      changed = true;
    }
  }
  return changed;
}

export function domainView(ctx: ServiceContext, ds: DomainState): OperationOutput {
  const d = ds.domain;
  const now = ctx.clock.now();
  return {
    Arn: d.arn,
    CreatedAt: epochSeconds(d.createdAt),
    Description: d.description,
    DomainId: d.domainId,
    DomainStatus: 'ACTIVE',
    Name: d.name,
    ServerSideEncryptionConfiguration: { KmsKeyId: d.kmsKeyId },
    ServerSideEncryptionUpdateDetails: d.sseUpdate
      ? { OldKmsKeyId: d.sseUpdate.oldKmsKeyId, UpdateStatus: now >= d.sseUpdate.completesAt ? 'COMPLETED' : 'IN_PROGRESS' }
      : undefined,
    UpdatedAt: epochSeconds(d.updatedAt),
    WatchlistDetails: { DefaultWatchlistId: d.defaultWatchlistId },
  };
}

export function speakerView(ds: DomainState, s: SpeakerRecord): OperationOutput {
  return {
    CreatedAt: epochSeconds(s.createdAt),
    CustomerSpeakerId: s.customerSpeakerId,
    DomainId: ds.domain.domainId,
    GeneratedSpeakerId: s.generatedSpeakerId,
    LastAccessedAt: s.lastAccessedAt === undefined ? undefined : epochSeconds(s.lastAccessedAt),
    Status: s.status,
    UpdatedAt: epochSeconds(s.updatedAt),
  };
}

export function fraudsterView(ds: DomainState, f: FraudsterRecord): OperationOutput {
  return {
    CreatedAt: epochSeconds(f.createdAt),
    DomainId: ds.domain.domainId,
    GeneratedFraudsterId: f.generatedFraudsterId,
    WatchlistIds: [...f.watchlistIds],
  };
}

export function watchlistView(ds: DomainState, w: WatchlistRecord): OperationOutput {
  return {
    CreatedAt: epochSeconds(w.createdAt),
    DefaultWatchlist: w.defaultWatchlist,
    Description: w.description,
    DomainId: ds.domain.domainId,
    Name: w.name,
    UpdatedAt: epochSeconds(w.updatedAt),
    WatchlistId: w.watchlistId,
  };
}

/** Where a job stands at `now`: finished jobs report their final state, running ones a status derived from the clock. */
export function jobState(job: JobRecord, now: number): { status: string; percent: number } {
  if (job.final) return { status: job.final.status, percent: 100 };
  if (now < job.createdAt + TIMING.jobQueuedMs) return { status: 'SUBMITTED', percent: 0 };
  // Until the input has been read the duration is unknown; the minimum duration serves as the estimate.
  const completesAt = job.completesAt ?? job.createdAt + TIMING.jobMinimumMs;
  const share = (now - job.createdAt) / Math.max(1, completesAt - job.createdAt);
  return { status: 'IN_PROGRESS', percent: Math.max(0, Math.min(99, Math.floor(share * 100))) };
}

export function jobView(job: JobRecord, now: number, summary: boolean): OperationOutput {
  const { status, percent } = jobState(job, now);
  const base: OperationOutput = {
    CreatedAt: epochSeconds(job.createdAt),
    DomainId: job.domainId,
    EndedAt: job.final ? epochSeconds(job.final.endedAt) : undefined,
    FailureDetails: job.final?.failure,
    JobId: job.jobId,
    JobName: job.jobName,
    JobProgress: { PercentComplete: percent },
    JobStatus: status,
  };
  if (summary) return base;
  return {
    ...base,
    DataAccessRoleArn: job.dataAccessRoleArn,
    InputDataConfig: { S3Uri: job.inputS3Uri },
    OutputDataConfig: { S3Uri: job.outputS3Uri, KmsKeyId: job.outputKmsKeyId },
    ...(job.kind === 'ENROLLMENT' ? { EnrollmentConfig: job.config } : { RegistrationConfig: job.config }),
  };
}

/** Listing order: oldest first, ties broken by id, so pages are stable between calls. */
export function byCreation<T extends { createdAt: number }>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => a.createdAt - b.createdAt || key(a).localeCompare(key(b));
}
