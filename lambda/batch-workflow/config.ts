/**
 * The batch workflow functions' environment variable names and the workflow's fixed names: one module the
 * construct (which sets them) and the handlers (which read them) share, so the two cannot drift apart.
 * No aws-cdk-lib here: runtime code reads it.
 */
export const BATCH_ENV = {
  inputBucket: 'BATCH_INPUT_BUCKET',
  outputBucket: 'BATCH_OUTPUT_BUCKET',
  batchJobsTableName: 'BATCH_JOBS_TABLE_NAME',
  voiceIdDomainId: 'VOICE_ID_DOMAIN_ID',
  recordRetentionDays: 'BATCH_RECORD_RETENTION_DAYS',
  audioInspectionConcurrency: 'AUDIO_INSPECTION_CONCURRENCY',
  pollIntervalSeconds: 'POLL_INTERVAL_SECONDS',
  lockLeaseSeconds: 'LOCK_LEASE_SECONDS',
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
} as const;

/** Upload prefixes of the batch input bucket that start the workflow, and the job type each starts. */
export const UPLOAD_PREFIXES = { SPEAKER_ENROLLMENT: 'enrollment/', FRAUDSTER_REGISTRATION: 'fraudsters/' } as const;
/** Manifest file name endings that start the workflow; the reports written next to them end otherwise. */
export const UPLOAD_SUFFIXES = ['.csv', '.json'] as const;
/** Prefix of the job output bucket under which Voice ID writes `<JobId>/<manifest>.out`. */
export const JOB_OUTPUT_PREFIX = 'jobs';
/** Suffix of the summary written next to an input once its jobs ended. */
export const SUMMARY_SUFFIX = '.summary.txt';
/** Voice ID job statuses after which nothing changes. */
export const TERMINAL_JOB_STATUSES = ['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED'] as const;
/** EventBridge `source` and `detail-type` of the completion event the workflow publishes. */
export const COMPLETION_EVENT = { source: 'voice-id-connect.batch', detailType: 'Voice ID Batch Workflow Completed' } as const;
/** `detail.action` of Voice ID's batch job events, per job type. */
export const BATCH_EVENT_ACTIONS = { SPEAKER_ENROLLMENT: 'BATCH_ENROLLMENT_REQUEST', FRAUDSTER_REGISTRATION: 'BATCH_REGISTRATION_REQUEST' } as const;
