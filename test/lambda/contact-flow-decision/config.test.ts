import { DEFAULT_DECISION_BUDGET_MS, DEFAULT_EVALUATE_POLL_INTERVAL_MS, loadConfig } from '../../../lambda/contact-flow-decision/config';
import { EnvironmentError } from '../../../lambda/shared/env';

const VALID = {
  VOICE_ID_DOMAIN_ID: 'Dom0123456789abcdefGHI',
  DECISIONS_TABLE_NAME: 'voice-id-decisions',
  DECISION_RETENTION_DAYS: '90',
  POLICY_VERSION: '2025-03-a',
  POWERTOOLS_SERVICE_NAME: 'contact-flow-decision',
  POWERTOOLS_METRICS_NAMESPACE: 'VoiceIdConnect',
};

function variableOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error: unknown) {
    if (error instanceof EnvironmentError) return error.variable;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('decision Lambda configuration', () => {
  test('reads a minimal environment with the documented defaults', () => {
    expect(loadConfig(VALID)).toEqual({
      voiceIdDomainId: 'Dom0123456789abcdefGHI',
      decisionsTableName: 'voice-id-decisions',
      retentionDays: 90,
      // A default deployment is safe without policy keys: the minimum and maxima follow Voice ID's recommended thresholds.
      policy: {
        acceptanceThreshold: 90,
        fraudRiskThreshold: 50,
        minAuthenticationScore: 90,
        maxKnownFraudsterRiskScore: 50,
        maxVoiceSpoofingRiskScore: 50,
        fraudScreening: 'REQUIRED',
        maxResultAgeSeconds: 1800,
        decisionRecord: 'BEST_EFFORT',
      },
      policyVersion: '2025-03-a',
      budgetMs: DEFAULT_DECISION_BUDGET_MS,
      pollIntervalMs: DEFAULT_EVALUATE_POLL_INTERVAL_MS,
    });
    expect(DEFAULT_DECISION_BUDGET_MS).toBe(6500);
    expect(DEFAULT_EVALUATE_POLL_INTERVAL_MS).toBe(1000);
  });

  test('reads the optional policy thresholds and timings', () => {
    const config = loadConfig({
      ...VALID,
      POLICY_MIN_AUTHENTICATION_SCORE: '90',
      POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE: '50',
      POLICY_MAX_VOICE_SPOOFING_RISK_SCORE: '60',
      DECISION_BUDGET_MS: '5000',
      EVALUATE_POLL_INTERVAL_MS: '750',
    });
    expect(config).toMatchObject({ policy: { minAuthenticationScore: 90, maxKnownFraudsterRiskScore: 50, maxVoiceSpoofingRiskScore: 60 }, budgetMs: 5000, pollIntervalMs: 750 });
  });

  test('the minimum and maxima default to the thresholds the flows set, and screening can be declared off', () => {
    const config = loadConfig({ ...VALID, POLICY_ACCEPTANCE_THRESHOLD: '95', POLICY_FRAUD_RISK_THRESHOLD: '40', POLICY_FRAUD_SCREENING: 'OFF', POLICY_MAX_RESULT_AGE_SECONDS: '300' });
    expect(config.policy).toEqual({
      acceptanceThreshold: 95,
      fraudRiskThreshold: 40,
      minAuthenticationScore: 95,
      maxKnownFraudsterRiskScore: 40,
      maxVoiceSpoofingRiskScore: 40,
      fraudScreening: 'OFF',
      maxResultAgeSeconds: 300,
      decisionRecord: 'BEST_EFFORT',
    });
  });

  test('a deployment can make a decision record a condition of AUTHENTICATED', () => {
    expect(loadConfig({ ...VALID, POLICY_DECISION_RECORD: 'REQUIRED' }).policy.decisionRecord).toBe('REQUIRED');
  });

  test.each(Object.keys(VALID))('a missing %s is named', (name) => {
    const env: Record<string, string> = { ...VALID };
    delete env[name];
    expect(variableOf(env)).toBe(name);
  });

  test.each([
    ['VOICE_ID_DOMAIN_ID', 'not-a-domain'],
    ['DECISION_RETENTION_DAYS', '0'],
    ['POLICY_MIN_AUTHENTICATION_SCORE', '101'],
    ['POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE', 'fifty'],
    ['POLICY_MAX_VOICE_SPOOFING_RISK_SCORE', '-1'],
    ['POLICY_VERSION', 'v1.2 beta'],
    ['DECISION_BUDGET_MS', '7900'],
    ['DECISION_BUDGET_MS', '100'],
    ['EVALUATE_POLL_INTERVAL_MS', '10'],
    ['POLICY_ACCEPTANCE_THRESHOLD', '900'],
    ['POLICY_FRAUD_RISK_THRESHOLD', 'low'],
    ['POLICY_FRAUD_SCREENING', 'off'],
    ['POLICY_FRAUD_SCREENING', 'DISABLED'],
    ['POLICY_MAX_RESULT_AGE_SECONDS', '3600'],
    ['POLICY_MAX_RESULT_AGE_SECONDS', '10'],
    ['POLICY_DECISION_RECORD', 'required'],
    ['POLICY_DECISION_RECORD', 'ALWAYS'],
  ])('an invalid %s (%p) is named', (name, value) => {
    expect(variableOf({ ...VALID, [name]: value })).toBe(name);
  });
});
