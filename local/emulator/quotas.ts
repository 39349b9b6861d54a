/** Service quotas and fixed behaviour times (facts page §4, §1); one place so the README can cite them. */
export const QUOTAS = {
  watchlistsPerDomain: 3,
  speakersPerDomain: 100_000,
  fraudstersPerWatchlist: 500,
  requestsPerEnrollmentJob: 10_000,
  requestsPerRegistrationJob: 500,
  activeJobsPerTypePerDomain: 1,
  activeSessionsPerDomain: 50,
  audioFilesPerRequest: 10,
} as const;

export const TIMING = {
  /** Speakers not accessed for three years become EXPIRED. */
  speakerExpiryMs: 3 * 365 * 24 * 3600 * 1000,
  /** Net speech a batch enrollment or registration needs. */
  enrollmentSpeechSeconds: 30,
  /** A job stays SUBMITTED this long before it reports IN_PROGRESS. */
  jobQueuedMs: 1000,
  /** Emulated duration of a batch job: a fixed part plus a few seconds per request. */
  jobMinimumMs: 10_000,
  jobPerRequestMs: 2_000,
  /** How long re-encryption after a KMS key change takes. */
  kmsReencryptionMs: 60_000,
  /** Sessions nobody ends stop streaming after this long (a contact rarely lasts longer). */
  sessionMaxStreamingMs: 4 * 3600 * 1000,
  /** Ended sessions are forgotten after this long (the service deletes evaluation audio after 24 h). */
  sessionRetentionAfterEndMs: 24 * 3600 * 1000,
} as const;
