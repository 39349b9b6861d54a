/**
 * The decision Lambda's configuration, read once at cold start from its environment.
 *
 * | variable | meaning |
 * |---|---|
 * | `VOICE_ID_DOMAIN_ID` | Voice ID domain (22 alphanumerics) |
 * | `DECISIONS_TABLE_NAME` | DynamoDB table of decision records |
 * | `DECISION_RETENTION_DAYS` | days a record is kept (TTL), 1-3650 |
 * | `POLICY_MIN_AUTHENTICATION_SCORE` | optional, 0-100: an ACCEPT below it is NOT_AUTHENTICATED |
 * | `POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE` | optional, 0-100: a known-fraudster risk score at or above it is HIGH_RISK |
 * | `POLICY_MAX_VOICE_SPOOFING_RISK_SCORE` | optional, 0-100: a spoofing risk score at or above it is HIGH_RISK |
 * | `POLICY_VERSION` | identifies the policy in every record and response (`[A-Za-z0-9_-]{1,64}`) |
 * | `DECISION_BUDGET_MS` | hard deadline of one invocation, default 6500 (Connect allows 8000) |
 * | `EVALUATE_POLL_INTERVAL_MS` | spacing of EvaluateSession calls while speech is pending, default 1000 |
 * | `POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_METRICS_NAMESPACE` | read by Powertools; required here so metrics never land in a default namespace |
 *
 * Standard SDK variables (`AWS_REGION`, `AWS_ENDPOINT_URL_VOICE_ID`, `AWS_ENDPOINT_URL_DYNAMODB`) are read by the SDK itself.
 */
import { Environment, type EnvironmentSource } from '../shared/env';
import { MAX_SCORE, MIN_SCORE, POLICY_VERSION_PATTERN, type PolicyThresholds } from './domain/policy';

export const ENV = {
  voiceIdDomainId: 'VOICE_ID_DOMAIN_ID',
  decisionsTableName: 'DECISIONS_TABLE_NAME',
  decisionRetentionDays: 'DECISION_RETENTION_DAYS',
  policyMinAuthenticationScore: 'POLICY_MIN_AUTHENTICATION_SCORE',
  policyMaxKnownFraudsterRiskScore: 'POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE',
  policyMaxVoiceSpoofingRiskScore: 'POLICY_MAX_VOICE_SPOOFING_RISK_SCORE',
  policyVersion: 'POLICY_VERSION',
  decisionBudgetMs: 'DECISION_BUDGET_MS',
  evaluatePollIntervalMs: 'EVALUATE_POLL_INTERVAL_MS',
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export const DEFAULT_DECISION_BUDGET_MS = 6500;
export const DEFAULT_EVALUATE_POLL_INTERVAL_MS = 1000;
/** Below this there is no room for even one Voice ID call plus the record. */
export const MIN_DECISION_BUDGET_MS = 1500;
/** Connect's synchronous limit is 8 s; keep at least 1.5 s of it for the invoke, cold start and network. */
export const MAX_DECISION_BUDGET_MS = 6500;
/** Spacing of EvaluateSession calls while speech is pending. */
export const MIN_EVALUATE_POLL_INTERVAL_MS = 100;
export const MAX_EVALUATE_POLL_INTERVAL_MS = 5000;
/** Retention of a decision record, in days. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export interface DecisionLambdaConfig {
  readonly voiceIdDomainId: string;
  readonly decisionsTableName: string;
  readonly retentionDays: number;
  readonly policy: PolicyThresholds;
  readonly policyVersion: string;
  readonly budgetMs: number;
  readonly pollIntervalMs: number;
}

/** Reads and validates the configuration; throws `EnvironmentError` naming the first bad variable. */
export function loadConfig(source: EnvironmentSource): DecisionLambdaConfig {
  const env = new Environment(source);
  const score = { min: MIN_SCORE, max: MAX_SCORE };
  env.requiredString(ENV.powertoolsServiceName);
  env.requiredString(ENV.powertoolsMetricsNamespace);
  return {
    voiceIdDomainId: env.requiredString(ENV.voiceIdDomainId, { pattern: /^[a-zA-Z0-9]{22}$/, allowed: 'a Voice ID domain id (22 letters and digits)' }),
    decisionsTableName: env.requiredString(ENV.decisionsTableName, { pattern: /^[a-zA-Z0-9_.-]{3,255}$/, allowed: 'a DynamoDB table name' }),
    retentionDays: env.requiredInteger(ENV.decisionRetentionDays, { min: MIN_RETENTION_DAYS, max: MAX_RETENTION_DAYS }),
    policy: {
      minAuthenticationScore: env.optionalInteger(ENV.policyMinAuthenticationScore, score),
      maxKnownFraudsterRiskScore: env.optionalInteger(ENV.policyMaxKnownFraudsterRiskScore, score),
      maxVoiceSpoofingRiskScore: env.optionalInteger(ENV.policyMaxVoiceSpoofingRiskScore, score),
    },
    policyVersion: env.requiredString(ENV.policyVersion, { pattern: POLICY_VERSION_PATTERN, allowed: '1-64 letters, digits, "-" or "_"' }),
    budgetMs: env.integerOrDefault(ENV.decisionBudgetMs, DEFAULT_DECISION_BUDGET_MS, { min: MIN_DECISION_BUDGET_MS, max: MAX_DECISION_BUDGET_MS }),
    pollIntervalMs: env.integerOrDefault(ENV.evaluatePollIntervalMs, DEFAULT_EVALUATE_POLL_INTERVAL_MS, { min: MIN_EVALUATE_POLL_INTERVAL_MS, max: MAX_EVALUATE_POLL_INTERVAL_MS }),
  };
}
