/**
 * The decision policy: thresholds set per deployment, which a contact flow may tighten but never loosen.
 *
 * - `minAuthenticationScore`: an ACCEPT below it does not authenticate. A flow parameter applies only
 *   when it is HIGHER than the deployment's (or the deployment sets none).
 * - `maxKnownFraudsterRiskScore` / `maxVoiceSpoofingRiskScore`: a risk score AT OR ABOVE it is HIGH_RISK.
 *   A flow parameter applies only when it is LOWER than the deployment's (or the deployment sets none).
 *
 * Voice ID applies its own thresholds (Set Voice ID block) first; these are a second, independent gate.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */
import { InvalidEventError } from './errors';

export interface PolicyThresholds {
  readonly minAuthenticationScore?: number;
  readonly maxKnownFraudsterRiskScore?: number;
  readonly maxVoiceSpoofingRiskScore?: number;
}

/** The thresholds in force for one decision, and a version string that identifies them. */
export interface EffectivePolicy extends PolicyThresholds {
  /** Deployment `POLICY_VERSION`, plus a suffix naming every threshold a flow parameter tightened. */
  readonly version: string;
}

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
      throw new InvalidEventError('POLICY_PARAMETER_NOT_AN_INTEGER', `Flow parameter '${name}' must be an integer ${MIN_SCORE}-${MAX_SCORE}`);
    }
    const value = Number(text);
    if (value < MIN_SCORE || value > MAX_SCORE) {
      throw new InvalidEventError('POLICY_PARAMETER_OUT_OF_RANGE', `Flow parameter '${name}' must be an integer ${MIN_SCORE}-${MAX_SCORE}`);
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
export function effectivePolicy(deployment: PolicyThresholds, deploymentVersion: string, overrides: PolicyThresholds): EffectivePolicy {
  const tightened: string[] = [];

  const tighterMin = stricter(deployment.minAuthenticationScore, overrides.minAuthenticationScore, (a, b) => a > b);
  if (tighterMin !== deployment.minAuthenticationScore) tightened.push(`min${tighterMin}`);
  const tighterKnownFraudster = stricter(deployment.maxKnownFraudsterRiskScore, overrides.maxKnownFraudsterRiskScore, (a, b) => a < b);
  if (tighterKnownFraudster !== deployment.maxKnownFraudsterRiskScore) tightened.push(`kf${tighterKnownFraudster}`);
  const tighterSpoofing = stricter(deployment.maxVoiceSpoofingRiskScore, overrides.maxVoiceSpoofingRiskScore, (a, b) => a < b);
  if (tighterSpoofing !== deployment.maxVoiceSpoofingRiskScore) tightened.push(`vs${tighterSpoofing}`);

  return {
    minAuthenticationScore: tighterMin,
    maxKnownFraudsterRiskScore: tighterKnownFraudster,
    maxVoiceSpoofingRiskScore: tighterSpoofing,
    version: tightened.length === 0 ? deploymentVersion : `${deploymentVersion}_flow-${tightened.join('-')}`,
  };
}

/** The override if it is stricter than the deployment value (or the deployment has none); else the deployment value. */
function stricter(deployment: number | undefined, override: number | undefined, isStricter: (override: number, deployment: number) => boolean): number | undefined {
  if (override === undefined) return deployment;
  if (deployment === undefined) return override;
  return isStricter(override, deployment) ? override : deployment;
}
