/**
 * The options a batch file chooses for its Voice ID jobs, read from the uploaded object's user metadata
 * (`x-amz-meta-<name>`, which S3 hands back lower-cased without the prefix) or from a direct start's `options`.
 * Every option has a documented default; an option that is not one of Voice ID's values is a validation problem
 * of the file (reported like a bad manifest line, before any job starts), never silently replaced by the default.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */
import type { JobType, ManifestProblem } from './manifest';

/** Voice ID's `EnrollmentConfig`, as StartSpeakerEnrollmentJob takes it. */
export interface EnrollmentConfig {
  readonly ExistingEnrollmentAction: 'SKIP' | 'OVERWRITE';
  readonly FraudDetectionConfig: { readonly FraudDetectionAction: 'FAIL' | 'IGNORE'; readonly RiskThreshold: number; readonly WatchlistIds?: readonly string[] };
}

/** Voice ID's `RegistrationConfig`, as StartFraudsterRegistrationJob takes it. */
export interface RegistrationConfig {
  readonly DuplicateRegistrationAction: 'SKIP' | 'REGISTER_AS_NEW';
  readonly FraudsterSimilarityThreshold: number;
  readonly WatchlistIds?: readonly string[];
}

export type JobConfig = { readonly jobType: 'SPEAKER_ENROLLMENT'; readonly enrollmentConfig: EnrollmentConfig } | { readonly jobType: 'FRAUDSTER_REGISTRATION'; readonly registrationConfig: RegistrationConfig };

/** The option names, as metadata keys (`x-amz-meta-existing-enrollment-action`) and as a direct start's `options` keys. */
export const JOB_OPTIONS = {
  SPEAKER_ENROLLMENT: ['existing-enrollment-action', 'fraud-detection-action', 'risk-threshold', 'watchlist-id'],
  FRAUDSTER_REGISTRATION: ['duplicate-registration-action', 'fraudster-similarity-threshold', 'watchlist-id'],
} as const satisfies Record<JobType, readonly string[]>;

/** Defaults, which are also Voice ID's own: keep what is enrolled, refuse a voice that looks like fraud, skip a known fraudster. */
export const JOB_OPTION_DEFAULTS = {
  'existing-enrollment-action': 'SKIP',
  'fraud-detection-action': 'FAIL',
  'risk-threshold': '50',
  'duplicate-registration-action': 'SKIP',
  'fraudster-similarity-threshold': '50',
} as const;

const WATCHLIST_ID = /^[a-zA-Z0-9]{22}$/;

/**
 * Reads the job options of a file: `metadata` from the object, `overrides` from a direct start (they win).
 * Unknown option names are problems too: a misspelt option would otherwise fall back to a default unnoticed.
 */
export function jobConfigOf(jobType: JobType, metadata: Readonly<Record<string, string>>, overrides: Readonly<Record<string, string>> = {}): { readonly config?: JobConfig; readonly problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const known: readonly string[] = JOB_OPTIONS[jobType];
  const anyType: readonly string[] = [...JOB_OPTIONS.SPEAKER_ENROLLMENT, ...JOB_OPTIONS.FRAUDSTER_REGISTRATION];
  const given = new Map<string, { value: string; at: string }>();
  for (const [source, values] of [['metadata x-amz-meta-', metadata], ['options.', overrides]] as const) {
    for (const [rawName, value] of Object.entries(values)) {
      const name = rawName.toLowerCase();
      const at = `${source}${name}`;
      if (known.includes(name)) given.set(name, { value: value.trim(), at });
      // Metadata names that are no option of either job type are the uploader's own business.
      else if (source === 'options.' || anyType.includes(name)) {
        problems.push({ at, message: `${name} is not an option of a ${jobType} job; use one of ${known.join(', ')}` });
      }
    }
  }
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const option = given.get(name);
    if (option === undefined) return fallback;
    const value = option.value.toUpperCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push({ at: option.at, message: `${name} is '${option.value.slice(0, 40)}'; use one of ${allowed.join(', ')} (default ${fallback})` });
    return fallback;
  };
  const threshold = (name: string, fallback: string): number => {
    const option = given.get(name);
    const value = option?.value ?? fallback;
    if (/^\d{1,3}$/.test(value) && Number(value) <= 100) return Number(value);
    problems.push({ at: option?.at ?? name, message: `${name} is '${value.slice(0, 40)}'; use a whole number from 0 to 100 (default ${fallback})` });
    return Number(fallback);
  };
  const watchlist = given.get('watchlist-id');
  if (watchlist !== undefined && !WATCHLIST_ID.test(watchlist.value)) {
    problems.push({ at: watchlist.at, message: 'watchlist-id must be a watchlist id (22 letters and digits); leave it out for the domain\'s default watchlist' });
  }
  // Exactly one watchlist: the one named, or none listed so that Voice ID uses the domain's default.
  const watchlistIds = watchlist !== undefined && WATCHLIST_ID.test(watchlist.value) ? { WatchlistIds: [watchlist.value] } : {};
  const d = JOB_OPTION_DEFAULTS;
  const config: JobConfig =
    jobType === 'SPEAKER_ENROLLMENT'
      ? {
          jobType,
          enrollmentConfig: {
            ExistingEnrollmentAction: choice('existing-enrollment-action', ['SKIP', 'OVERWRITE'], d['existing-enrollment-action']),
            FraudDetectionConfig: { FraudDetectionAction: choice('fraud-detection-action', ['FAIL', 'IGNORE'], d['fraud-detection-action']), RiskThreshold: threshold('risk-threshold', d['risk-threshold']), ...watchlistIds },
          },
        }
      : {
          jobType,
          registrationConfig: {
            DuplicateRegistrationAction: choice('duplicate-registration-action', ['SKIP', 'REGISTER_AS_NEW'], d['duplicate-registration-action']),
            FraudsterSimilarityThreshold: threshold('fraudster-similarity-threshold', d['fraudster-similarity-threshold']),
            ...watchlistIds,
          },
        };
  return problems.length > 0 ? { problems } : { config, problems };
}
