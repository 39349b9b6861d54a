/**
 * The decision policy: thresholds set per deployment, which a contact flow may tighten but never loosen.
 *
 * - `minAuthenticationScore`: an ACCEPT below it does not authenticate. A flow parameter applies only
 *   when it is HIGHER than the deployment's (or the deployment sets none).
 * - `maxKnownFraudsterRiskScore` / `maxVoiceSpoofingRiskScore`: a risk score AT OR ABOVE it is HIGH_RISK.
 *   A flow parameter applies only when it is LOWER than the deployment's (or the deployment sets none).
 *
 * Voice ID applies its own thresholds (Set Voice ID block) first; these are a second, independent gate,
 * and the thresholds Voice ID reports with a result must be at least as strict as the deployment's.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */
import { InvalidEventError } from './errors';

/** Thresholds a contact flow may tighten for itself (flow parameters); each is optional. */
export interface PolicyThresholds {
  readonly minAuthenticationScore?: number;
  readonly maxKnownFraudsterRiskScore?: number;
  readonly maxVoiceSpoofingRiskScore?: number;
}

/** Whether every decision needs a completed fraud screening (the default) or the deployment screens no calls. */
export const FRAUD_SCREENING_MODES = ['REQUIRED', 'OFF'] as const;
export type FraudScreening = (typeof FRAUD_SCREENING_MODES)[number];

/**
 * Whether AUTHENTICATED needs its decision record. `BEST_EFFORT` (the default): a failed write keeps the
 * decision, answered with `recordStatus: FAILED` and counted in the `RecordFailures` metric, so that a table
 * outage does not send every genuine caller to manual checks. `REQUIRED`: no AUTHENTICATED without a record,
 * for contact centers whose regulator wants every biometric authentication on file.
 */
export const DECISION_RECORD_MODES = ['BEST_EFFORT', 'REQUIRED'] as const;
export type DecisionRecordMode = (typeof DECISION_RECORD_MODES)[number];

/**
 * The deployment's policy: every value is set (the configuration fills in defaults), so no rule can be
 * skipped for want of a threshold.
 */
export interface DeploymentPolicy {
  /**
   * The acceptance threshold the deployment's flows set in Voice ID. A result Voice ID computed under a
   * lower one (a flow or a console edit loosened it mid-call) never authenticates.
   */
  readonly acceptanceThreshold: number;
  /** The fraud risk threshold the deployment's flows set. A result computed under a higher one never authenticates. */
  readonly fraudRiskThreshold: number;
  /** Lowest authentication score that authenticates (default: `acceptanceThreshold`). */
  readonly minAuthenticationScore: number;
  /** Known-fraudster risk score at or above which a caller is HIGH_RISK (default: `fraudRiskThreshold`). */
  readonly maxKnownFraudsterRiskScore: number;
  /** Voice-spoofing risk score at or above which a caller is HIGH_RISK (default: `fraudRiskThreshold`). */
  readonly maxVoiceSpoofingRiskScore: number;
  /** `REQUIRED`: no authentication without a completed, clean fraud check. `OFF`: the deployment does not screen. */
  readonly fraudScreening: FraudScreening;
  /** A result whose audio ended longer ago than this never authenticates (cached results of an old contact). */
  readonly maxResultAgeSeconds: number;
  /** `REQUIRED`: an AUTHENTICATED whose record could not be written is answered NOT_AUTHENTICATED instead. */
  readonly decisionRecord: DecisionRecordMode;
  /**
   * The watchlist the deployment screens against. A LOW_RISK from another one (a flow pointed at an empty
   * watchlist) proves nothing. The use case always sets it: the configured watchlist, the domain's default as
   * Voice ID reports it, or {@link UNKNOWN_WATCHLIST} when that cannot be learned now. Unset: not checked.
   */
  readonly watchlistId?: string;
  /**
   * Whether `watchlistId` is the domain's default watchlist: a fraud result that names no watchlist was screened
   * against the default (the API model makes the field optional), so it counts as screened against this one.
   */
  readonly watchlistIsDomainDefault?: boolean;
}

/** Stands for a trusted watchlist that could not be learned: no LOW_RISK is trusted against it. Never a watchlist id. */
export const UNKNOWN_WATCHLIST = '(unknown)';

/** The policy in force for one decision, and a version string that identifies it. */
export interface EffectivePolicy extends DeploymentPolicy {
  /** Deployment `POLICY_VERSION`, plus a suffix naming every threshold a flow parameter tightened. */
  readonly version: string;
}

/** Voice ID's recommended thresholds, which the shipped flow sets. */
export const DEFAULT_ACCEPTANCE_THRESHOLD = 90;
export const DEFAULT_FRAUD_RISK_THRESHOLD = 50;
/** Results older than this never authenticate, unless the deployment sets a shorter age. */
export const DEFAULT_MAX_RESULT_AGE_SECONDS = 1800;
export const MIN_RESULT_AGE_SECONDS = 30;
export const MAX_RESULT_AGE_SECONDS = 1800;

/** Names of the flow parameters (Invoke Lambda block "function input parameters"). */
export const POLICY_PARAMETERS = {
  minAuthenticationScore: 'minAuthenticationScore',
  maxKnownFraudsterRiskScore: 'maxKnownFraudsterRiskScore',
  maxVoiceSpoofingRiskScore: 'maxVoiceSpoofingRiskScore',
} as const;

/** Scores are integers 0-100 (Voice ID `Score` shape). */
export const MIN_SCORE = 0;
export const MAX_SCORE = 100;

/** Policy versions travel in the STRING_MAP response, so they keep to its safe characters. */
export const POLICY_VERSION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const SCORE_PATTERN = /^\d{1,3}$/;

/**
 * Reads the policy flow parameters. An empty (or absent) parameter means "no override";
 * anything else must be an integer 0-100, or the event is invalid.
 */
export function parsePolicyOverrides(parameters: Readonly<Record<string, string>>): PolicyThresholds {
  const read = (name: string): number | undefined => {
    const raw = parameters[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const text = raw.trim();
    if (!SCORE_PATTERN.test(text)) {
      throw new InvalidEventError('POLICY_PARAMETER_NOT_AN_INTEGER', `Flow parameter '${name}' must be an integer ${MIN_SCORE}-${MAX_SCORE}`, name);
    }
    const value = Number(text);
    if (value < MIN_SCORE || value > MAX_SCORE) {
      throw new InvalidEventError('POLICY_PARAMETER_OUT_OF_RANGE', `Flow parameter '${name}' must be an integer ${MIN_SCORE}-${MAX_SCORE}`, name);
    }
    return value;
  };
  return {
    minAuthenticationScore: read(POLICY_PARAMETERS.minAuthenticationScore),
    maxKnownFraudsterRiskScore: read(POLICY_PARAMETERS.maxKnownFraudsterRiskScore),
    maxVoiceSpoofingRiskScore: read(POLICY_PARAMETERS.maxVoiceSpoofingRiskScore),
  };
}

/**
 * The policy in force: the deployment's thresholds, tightened by the flow's overrides.
 * An override that would loosen a threshold is ignored.
 */
export function effectivePolicy(deployment: DeploymentPolicy, deploymentVersion: string, overrides: PolicyThresholds): EffectivePolicy {
  const tightened: string[] = [];

  const tighterMin = stricter(deployment.minAuthenticationScore, overrides.minAuthenticationScore, (a, b) => a > b);
  if (tighterMin !== deployment.minAuthenticationScore) tightened.push(`min${tighterMin}`);
  const tighterKnownFraudster = stricter(deployment.maxKnownFraudsterRiskScore, overrides.maxKnownFraudsterRiskScore, (a, b) => a < b);
  if (tighterKnownFraudster !== deployment.maxKnownFraudsterRiskScore) tightened.push(`kf${tighterKnownFraudster}`);
  const tighterSpoofing = stricter(deployment.maxVoiceSpoofingRiskScore, overrides.maxVoiceSpoofingRiskScore, (a, b) => a < b);
  if (tighterSpoofing !== deployment.maxVoiceSpoofingRiskScore) tightened.push(`vs${tighterSpoofing}`);

  return {
    ...deployment,
    minAuthenticationScore: tighterMin,
    maxKnownFraudsterRiskScore: tighterKnownFraudster,
    maxVoiceSpoofingRiskScore: tighterSpoofing,
    version: tightened.length === 0 ? deploymentVersion : `${deploymentVersion}_flow-${tightened.join('-')}`,
  };
}

/** The override if it is stricter than the deployment value; else the deployment value. */
function stricter(deployment: number, override: number | undefined, isStricter: (override: number, deployment: number) => boolean): number {
  return override !== undefined && isStricter(override, deployment) ? override : deployment;
}
