import { byCreation, getDomain, getWatchlist, jobState, jobView, type OperationOutput, type ServiceContext } from '../context';
import { notFound, quotaExceeded } from '../errors';
import { newId22 } from '../ids';
import { paginate } from '../pagination';
import type { DomainState, JobKind, JobRecord } from '../world';

interface StartJobInput {
  DomainId: string;
  ClientToken?: string;
  JobName?: string;
  DataAccessRoleArn: string;
  InputDataConfig: { S3Uri: string };
  OutputDataConfig: { S3Uri: string; KmsKeyId?: string };
  EnrollmentConfig?: {
    ExistingEnrollmentAction?: string;
    FraudDetectionConfig?: { FraudDetectionAction?: string; RiskThreshold?: number; WatchlistIds?: string[] };
  };
  RegistrationConfig?: { DuplicateRegistrationAction?: string; FraudsterSimilarityThreshold?: number; WatchlistIds?: string[] };
}

const LABEL: Record<JobKind, string> = { ENROLLMENT: 'speaker enrollment', REGISTRATION: 'fraudster registration' };

/** The configuration as the service reports it back: every default filled in, the default watchlist named. */
function effectiveConfig(ds: DomainState, kind: JobKind, input: StartJobInput): Record<string, unknown> {
  if (kind === 'ENROLLMENT') {
    const fraud = input.EnrollmentConfig?.FraudDetectionConfig;
    const watchlistId = fraud?.WatchlistIds?.[0] ?? ds.domain.defaultWatchlistId;
    getWatchlist(ds, watchlistId);
    return {
      ExistingEnrollmentAction: input.EnrollmentConfig?.ExistingEnrollmentAction ?? 'SKIP',
      FraudDetectionConfig: { FraudDetectionAction: fraud?.FraudDetectionAction ?? 'FAIL', RiskThreshold: fraud?.RiskThreshold ?? 50, WatchlistIds: [watchlistId] },
    };
  }
  const reg = input.RegistrationConfig;
  const watchlistId = reg?.WatchlistIds?.[0] ?? ds.domain.defaultWatchlistId;
  getWatchlist(ds, watchlistId);
  return {
    DuplicateRegistrationAction: reg?.DuplicateRegistrationAction ?? 'SKIP',
    FraudsterSimilarityThreshold: reg?.FraudsterSimilarityThreshold ?? 50,
    WatchlistIds: [watchlistId],
  };
}

function startJob(ctx: ServiceContext, kind: JobKind, operation: string, input: StartJobInput): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const now = ctx.clock.now();
  const tokenKey = input.ClientToken ? `${operation}:${input.ClientToken}` : undefined;
  const previous = tokenKey ? ds.jobs[ds.clientTokens[tokenKey] ?? ''] : undefined;
  if (previous) return { Job: jobView(previous, now, false) };
  // Judgement call: the one-active-job limit is a service quota, so a second job is ServiceQuotaExceededException.
  if (Object.values(ds.jobs).some((j) => j.kind === kind && !j.final)) {
    throw quotaExceeded(`The domain already has an active ${LABEL[kind]} job; only one may run at a time`);
  }
  const job: JobRecord = {
    kind,
    jobId: newId22(),
    domainId: ds.domain.domainId,
    jobName: input.JobName,
    dataAccessRoleArn: input.DataAccessRoleArn,
    inputS3Uri: input.InputDataConfig.S3Uri,
    outputS3Uri: input.OutputDataConfig.S3Uri,
    outputKmsKeyId: input.OutputDataConfig.KmsKeyId,
    config: effectiveConfig(ds, kind, input),
    createdAt: now,
    ...(ctx.takeJobFailure(operation) && { injectedFailure: 'Voice ID could not run the job (injected JOB_FAILURE fault)' }),
  };
  ds.jobs[job.jobId] = job;
  if (tokenKey) ds.clientTokens[tokenKey] = job.jobId;
  ctx.launchJob(job);
  ctx.emitJobEvent(job);
  ctx.markDirty();
  return { Job: jobView(job, now, false) };
}

function describeJob(ctx: ServiceContext, kind: JobKind, input: { DomainId: string; JobId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const job = ds.jobs[input.JobId];
  if (!job || job.kind !== kind) throw notFound('BATCH_JOB', `Job ${input.JobId} does not exist`);
  return { Job: jobView(job, ctx.clock.now(), false) };
}

function listJobs(ctx: ServiceContext, kind: JobKind, input: { DomainId: string; JobStatus?: string; MaxResults?: number; NextToken?: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const now = ctx.clock.now();
  const all = Object.values(ds.jobs)
    .filter((j) => j.kind === kind && (!input.JobStatus || jobState(j, now).status === input.JobStatus))
    .sort(byCreation((j) => j.jobId));
  const { page, nextToken } = paginate(all, `List${kind}Jobs:${ds.domain.domainId}:${input.JobStatus ?? ''}`, input, 100);
  return { JobSummaries: page.map((j) => jobView(j, now, true)), NextToken: nextToken };
}

export const startSpeakerEnrollmentJob = (ctx: ServiceContext, input: StartJobInput): OperationOutput =>
  startJob(ctx, 'ENROLLMENT', 'StartSpeakerEnrollmentJob', input);
export const startFraudsterRegistrationJob = (ctx: ServiceContext, input: StartJobInput): OperationOutput =>
  startJob(ctx, 'REGISTRATION', 'StartFraudsterRegistrationJob', input);
export const describeSpeakerEnrollmentJob = (ctx: ServiceContext, input: { DomainId: string; JobId: string }): OperationOutput =>
  describeJob(ctx, 'ENROLLMENT', input);
export const describeFraudsterRegistrationJob = (ctx: ServiceContext, input: { DomainId: string; JobId: string }): OperationOutput =>
  describeJob(ctx, 'REGISTRATION', input);
export const listSpeakerEnrollmentJobs = (ctx: ServiceContext, input: { DomainId: string; JobStatus?: string }): OperationOutput =>
  listJobs(ctx, 'ENROLLMENT', input);
export const listFraudsterRegistrationJobs = (ctx: ServiceContext, input: { DomainId: string; JobStatus?: string }): OperationOutput =>
  listJobs(ctx, 'REGISTRATION', input);
