import { App, Duration, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { AppConfig, cdkRemovalPolicy } from './config';
import { telemetryNamesFor } from './constructs/telemetry-names';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';
import { ObjectKeyAcknowledgements } from './nag/object-key-acknowledgements';

export interface VoiceIdConnectStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Composes the app for one configuration: the two stacks, tags, and the cdk-nag packs
 * (AwsSolutions, NIST 800-53 rev 5, HIPAA Security), which run on every synth.
 */
export function buildApp(app: App, config: AppConfig): VoiceIdConnectStacks {
  const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const prefix = `VoiceIdConnect-${config.stage}`;

  const telemetryNames = telemetryNamesFor('voice-id-connect', config.stage);

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    description: `voice-id-connect (${config.stage}): KMS keys, Voice ID domain, batch buckets, data-access role, tables`,
    terminationProtection: config.removalPolicy === 'retain',
    domainName: config.domainName,
    domainDescription: config.domainDescription,
    removalPolicy: cdkRemovalPolicy(config.removalPolicy),
    telemetryNames,
  });

  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    description: `voice-id-connect (${config.stage}): contact-flow Lambda, batch enrollment workflow, alarms, key-change notifications, Amazon Connect wiring`,
    domain: stateful.domain,
    dataKey: stateful.key,
    telemetryKey: stateful.telemetryKey,
    telemetryNames,
    decisionsTable: stateful.decisionsTable,
    batchJobsTable: stateful.batchJobsTable,
    batchInputBucket: stateful.batchInputBucket,
    batchOutputBucket: stateful.batchOutputBucket,
    dataAccessRole: stateful.dataAccessRole,
    decisionRetentionDays: config.decisionRetentionDays,
    batchRecordRetentionDays: config.batchRecordRetentionDays,
    decisionPolicy: {
      // One setting for both sides: the threshold the shipped flow sets is the one the Lambda trusts.
      acceptanceThreshold: config.flow.authenticationThreshold,
      fraudRiskThreshold: config.flow.fraudThreshold,
      fraudScreening: config.policyFraudScreening,
      maxResultAge: Duration.seconds(config.policyMaxResultAgeSeconds),
      decisionRecord: config.policyDecisionRecord,
      minAuthenticationScore: config.policyMinAuthenticationScore,
      maxKnownFraudsterRiskScore: config.policyMaxKnownFraudsterRiskScore,
      maxVoiceSpoofingRiskScore: config.policyMaxVoiceSpoofingRiskScore,
      // The watchlist the shipped flow screens against is the only one whose LOW_RISK the Lambda trusts.
      watchlistId: config.flow.watchlistId,
    },
    decisionBudget: Duration.millis(config.decisionBudgetMs),
    connectInstanceArn: config.connectInstanceArn,
    flow: config.flow,
    alarmEmail: config.alarmEmail,
  });

  Tags.of(app).add('voice-id-connect:stage', config.stage);
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);

  // First: it writes the acknowledgements of object-key wildcards, which the packs then read.
  Validations.of(app).addPlugins(new ObjectKeyAcknowledgements(), new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app));
  return { stateful, stateless };
}
