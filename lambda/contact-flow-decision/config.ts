/**
 * The decision Lambda's configuration, read once at cold start from its environment.
 *
 * | variable | meaning |
 * |---|---|
 * | `VOICE_ID_DOMAIN_ID` | Voice ID domain (22 alphanumerics) |
 * | `DECISIONS_TABLE_NAME` | DynamoDB table of decision records |
 * | `DECISION_RETENTION_DAYS` | days a record is kept (TTL), 1-3650 |
 * | `POLICY_ACCEPTANCE_THRESHOLD` | 0-100, default 90: the acceptance threshold the flows set; results computed under a lower one never authenticate |
 * | `POLICY_FRAUD_RISK_THRESHOLD` | 0-100, default 50: the fraud risk threshold the flows set; results computed under a higher one never authenticate |
 * | `POLICY_MIN_AUTHENTICATION_SCORE` | 0-100, default the acceptance threshold: an ACCEPT below it is NOT_AUTHENTICATED |
 * | `POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE` | 0-100, default the fraud risk threshold: a known-fraudster risk score at or above it is HIGH_RISK |
 * | `POLICY_MAX_VOICE_SPOOFING_RISK_SCORE` | 0-100, default the fraud risk threshold: a spoofing risk score at or above it is HIGH_RISK |
 * | `POLICY_FRAUD_SCREENING` | `REQUIRED` (default): no authentication without a completed fraud check; `OFF`: the flows do not screen |
 * | `POLICY_MAX_RESULT_AGE_SECONDS` | 30-1800, default 1800: results whose audio ended longer ago never authenticate |
 * | `POLICY_DECISION_RECORD` | `BEST_EFFORT` (default): a failed record keeps the decision; `REQUIRED`: no AUTHENTICATED without a record |
 * | `POLICY_WATCHLIST_ID` | the watchlist the flows screen against; a LOW_RISK from another never authenticates. Unset: the domain's default watchlist, learned with `DescribeDomain` once per environment |
 * | `POLICY_VERSION` | identifies the policy in every record and response (`[A-Za-z0-9_-]{1,64}`) |
 * | `DECISION_BUDGET_MS` | hard deadline of one invocation, default 6500 (Connect allows 8000) |
 * | `EVALUATE_POLL_INTERVAL_MS` | spacing of EvaluateSession calls while speech is pending, default 1000 |
 * | `POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_METRICS_NAMESPACE` | read by Powertools; required here so metrics never land in a default namespace |
 *
 * Standard SDK variables (`AWS_REGION`, `AWS_ENDPOINT_URL_VOICE_ID`, `AWS_ENDPOINT_URL_DYNAMODB`) are read by the SDK itself.
 */
import { Environment, type EnvironmentSource } from '../shared/env';
import {
  DEFAULT_ACCEPTANCE_THRESHOLD,
  DEFAULT_FRAUD_RISK_THRESHOLD,
  DECISION_RECORD_MODES,
  type DecisionRecordMode,
  DEFAULT_MAX_RESULT_AGE_SECONDS,
  type DeploymentPolicy,
  FRAUD_SCREENING_MODES,
  type FraudScreening,
  MAX_RESULT_AGE_SECONDS,
  MAX_SCORE,
  MIN_RESULT_AGE_SECONDS,
  MIN_SCORE,
  POLICY_VERSION_PATTERN,
} from './domain/policy';

export const ENV = {
  voiceIdDomainId: 'VOICE_ID_DOMAIN_ID',
  decisionsTableName: 'DECISIONS_TABLE_NAME',
  decisionRetentionDays: 'DECISION_RETENTION_DAYS',
  policyAcceptanceThreshold: 'POLICY_ACCEPTANCE_THRESHOLD',
  policyFraudRiskThreshold: 'POLICY_FRAUD_RISK_THRESHOLD',
  policyMinAuthenticationScore: 'POLICY_MIN_AUTHENTICATION_SCORE',
  policyMaxKnownFraudsterRiskScore: 'POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE',
  policyMaxVoiceSpoofingRiskScore: 'POLICY_MAX_VOICE_SPOOFING_RISK_SCORE',
  policyFraudScreening: 'POLICY_FRAUD_SCREENING',
  policyMaxResultAgeSeconds: 'POLICY_MAX_RESULT_AGE_SECONDS',
  policyDecisionRecord: 'POLICY_DECISION_RECORD',
  policyWatchlistId: 'POLICY_WATCHLIST_ID',
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
  readonly policy: DeploymentPolicy;
  readonly policyVersion: string;
  readonly budgetMs: number;
  readonly pollIntervalMs: number;
}

/** Reads and validates the configuration; throws `EnvironmentError` naming the first bad variable. */
export function loadConfig(source: EnvironmentSource): DecisionLambdaConfig {
  const env = new Environment(source);
  env.requiredString(ENV.powertoolsServiceName);
  env.requiredString(ENV.powertoolsMetricsNamespace);
  return {
    voiceIdDomainId: env.requiredString(ENV.voiceIdDomainId, { pattern: /^[a-zA-Z0-9]{22}$/, allowed: 'a Voice ID domain id (22 letters and digits)' }),
    decisionsTableName: env.requiredString(ENV.decisionsTableName, { pattern: /^[a-zA-Z0-9_.-]{3,255}$/, allowed: 'a DynamoDB table name' }),
    retentionDays: env.requiredInteger(ENV.decisionRetentionDays, { min: MIN_RETENTION_DAYS, max: MAX_RETENTION_DAYS }),
    policy: loadPolicy(env),
    policyVersion: env.requiredString(ENV.policyVersion, { pattern: POLICY_VERSION_PATTERN, allowed: '1-64 letters, digits, "-" or "_"' }),
    budgetMs: env.integerOrDefault(ENV.decisionBudgetMs, DEFAULT_DECISION_BUDGET_MS, { min: MIN_DECISION_BUDGET_MS, max: MAX_DECISION_BUDGET_MS }),
    pollIntervalMs: env.integerOrDefault(ENV.evaluatePollIntervalMs, DEFAULT_EVALUATE_POLL_INTERVAL_MS, { min: MIN_EVALUATE_POLL_INTERVAL_MS, max: MAX_EVALUATE_POLL_INTERVAL_MS }),
  };
}

/** The deployment policy: every threshold set, defaults derived from the thresholds the flows set. */
function loadPolicy(env: Environment): DeploymentPolicy {
  const score = { min: MIN_SCORE, max: MAX_SCORE };
  const acceptanceThreshold = env.integerOrDefault(ENV.policyAcceptanceThreshold, DEFAULT_ACCEPTANCE_THRESHOLD, score);
  const fraudRiskThreshold = env.integerOrDefault(ENV.policyFraudRiskThreshold, DEFAULT_FRAUD_RISK_THRESHOLD, score);
  return {
    acceptanceThreshold,
    fraudRiskThreshold,
    minAuthenticationScore: env.integerOrDefault(ENV.policyMinAuthenticationScore, acceptanceThreshold, score),
    maxKnownFraudsterRiskScore: env.integerOrDefault(ENV.policyMaxKnownFraudsterRiskScore, fraudRiskThreshold, score),
    maxVoiceSpoofingRiskScore: env.integerOrDefault(ENV.policyMaxVoiceSpoofingRiskScore, fraudRiskThreshold, score),
    fraudScreening: env.oneOfOrDefault<FraudScreening>(ENV.policyFraudScreening, FRAUD_SCREENING_MODES, 'REQUIRED'),
    maxResultAgeSeconds: env.integerOrDefault(ENV.policyMaxResultAgeSeconds, DEFAULT_MAX_RESULT_AGE_SECONDS, { min: MIN_RESULT_AGE_SECONDS, max: MAX_RESULT_AGE_SECONDS }),
    decisionRecord: env.oneOfOrDefault<DecisionRecordMode>(ENV.policyDecisionRecord, DECISION_RECORD_MODES, 'BEST_EFFORT'),
    watchlistId: env.optionalString(ENV.policyWatchlistId, { pattern: /^[a-zA-Z0-9]{22}$/, allowed: 'a Voice ID watchlist id (22 letters and digits)' }),
  };
}
