import { Match } from 'aws-cdk-lib/assertions';
import { buildTestApp } from '../support/app';
import { scrubbedTemplate } from '../support/snapshot';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666';
const { statelessTemplate: template } = buildTestApp();

function decisionFunction(): { Properties: Record<string, unknown> } {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Voice ID EvaluateSession') } });
  const [only] = Object.values(functions);
  return only as { Properties: Record<string, unknown> };
}

/** The decision function's alarms, in the order the construct creates them. */
function decisionAlarms(): Array<{ Properties: Record<string, unknown> }> {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
    .filter(([logicalId]) => logicalId.startsWith('ContactFlowDecision'))
    .map(([, alarm]) => alarm as { Properties: Record<string, unknown> });
}

describe('contact-flow decision function', () => {
  test('runs the bundled handler on Node.js 22, arm64, with Connect\'s 8 s as its timeout', () => {
    expect(decisionFunction().Properties).toEqual(
      expect.objectContaining({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 1024, Timeout: 8, Handler: 'index.handler', TracingConfig: { Mode: 'Active' } }),
    );
  });

  test('is configured through its environment: domain, table, retention, budget and policy version', () => {
    const variables = (decisionFunction().Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'DECISIONS_TABLE_NAME', 'DECISION_BUDGET_MS', 'DECISION_RETENTION_DAYS', 'EVALUATE_POLL_INTERVAL_MS',
      'POLICY_ACCEPTANCE_THRESHOLD', 'POLICY_DECISION_RECORD', 'POLICY_FRAUD_RISK_THRESHOLD', 'POLICY_FRAUD_SCREENING', 'POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE',
      'POLICY_MAX_RESULT_AGE_SECONDS', 'POLICY_MAX_VOICE_SPOOFING_RISK_SCORE', 'POLICY_MIN_AUTHENTICATION_SCORE',
      'POLICY_VERSION', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'VOICE_ID_DOMAIN_ID',
    ]);
    expect(variables).toEqual(expect.objectContaining({ DECISION_BUDGET_MS: '6500', DECISION_RETENTION_DAYS: '90', POLICY_VERSION: expect.stringMatching(/^p-[0-9a-f]{10}$/) }));
  });

  test('a default deployment is safe without policy keys: every threshold is written, from the thresholds the flow sets', () => {
    const variables = (decisionFunction().Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toEqual(
      expect.objectContaining({
        POLICY_ACCEPTANCE_THRESHOLD: '90',
        POLICY_MIN_AUTHENTICATION_SCORE: '90',
        POLICY_FRAUD_RISK_THRESHOLD: '50',
        POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE: '50',
        POLICY_MAX_VOICE_SPOOFING_RISK_SCORE: '50',
        POLICY_FRAUD_SCREENING: 'REQUIRED',
        POLICY_MAX_RESULT_AGE_SECONDS: '1800',
        POLICY_DECISION_RECORD: 'BEST_EFFORT',
      }),
    );
  });

  test('stricter flow thresholds become what the function trusts; screening off and a shorter result age reach it too', () => {
    const { statelessTemplate } = buildTestApp({ flowAuthenticationThreshold: 95, flowFraudThreshold: 30, policyFraudScreening: 'off', policyMaxResultAgeSeconds: 120 });
    const variables = Object.values(statelessTemplate.findResources('AWS::Lambda::Function'))
      .map((f) => (f as { Properties: { Environment?: { Variables: Record<string, string> } } }).Properties.Environment?.Variables)
      .find((v) => v?.POLICY_VERSION)!;
    expect(variables).toEqual(
      expect.objectContaining({
        POLICY_ACCEPTANCE_THRESHOLD: '95',
        POLICY_MIN_AUTHENTICATION_SCORE: '95',
        POLICY_FRAUD_RISK_THRESHOLD: '30',
        POLICY_MAX_KNOWN_FRAUDSTER_RISK_SCORE: '30',
        POLICY_FRAUD_SCREENING: 'OFF',
        POLICY_MAX_RESULT_AGE_SECONDS: '120',
      }),
    );
  });

  test('a required decision record reaches the function and the shipped flow, and changes the policy version', () => {
    const { statelessTemplate } = buildTestApp({
      policyDecisionRecord: 'required',
      connectInstanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666',
    });
    const variables = Object.values(statelessTemplate.findResources('AWS::Lambda::Function'))
      .map((f) => (f as { Properties: { Environment?: { Variables: Record<string, string> } } }).Properties.Environment?.Variables)
      .find((v) => v?.POLICY_VERSION)!;
    expect(variables.POLICY_DECISION_RECORD).toBe('REQUIRED');
    expect(variables.POLICY_VERSION).not.toBe((decisionFunction().Properties.Environment as { Variables: Record<string, string> }).Variables.POLICY_VERSION);
    const [flow] = Object.values(statelessTemplate.findResources('AWS::Connect::ContactFlow')).map(
      (r) => JSON.parse((r as { Properties: { Content: { 'Fn::Sub': [string, unknown] } } }).Properties.Content['Fn::Sub'][0]) as {
        Actions: Array<{ Identifier: string; Transitions: { Conditions?: Array<{ NextAction: string; Condition: { Operands: string[] } }> } }>;
      },
    );
    const checkRecord = flow.Actions.find((a) => a.Identifier === 'check-record')!;
    expect(checkRecord.Transitions.Conditions?.find((c) => c.Condition.Operands.includes('FAILED'))?.NextAction).toBe('mark-not-recorded');
  });

  test('a configured watchlist reaches the function as the only one it trusts, and changes the policy version', () => {
    const watchlistId = 'abcdefghijklmnopqrstuv';
    const { statelessTemplate } = buildTestApp({ connectInstanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666', flowWatchlistId: watchlistId });
    const env = (t: typeof template) => (Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Environment: { Variables: { POLICY_VERSION: Match.anyValue() } } } }))[0] as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment.Variables;
    expect(env(statelessTemplate).POLICY_WATCHLIST_ID).toBe(watchlistId);
    expect(env(template).POLICY_WATCHLIST_ID).toBeUndefined();
    expect(env(statelessTemplate).POLICY_VERSION).not.toBe(env(template).POLICY_VERSION);
  });

  test('policy thresholds from configuration reach the function, and change its policy version', () => {
    const { statelessTemplate } = buildTestApp({ policyMinAuthenticationScore: 95, policyMaxVoiceSpoofingRiskScore: 40 });
    const variables = Object.values(statelessTemplate.findResources('AWS::Lambda::Function'))
      .map((f) => (f as { Properties: { Environment?: { Variables: Record<string, string> } } }).Properties.Environment?.Variables)
      .find((v) => v?.POLICY_VERSION)!;
    expect(variables.POLICY_MIN_AUTHENTICATION_SCORE).toBe('95');
    expect(variables.POLICY_MAX_VOICE_SPOOFING_RISK_SCORE).toBe('40');
    expect(variables.POLICY_VERSION).not.toBe((decisionFunction().Properties.Environment as { Variables: Record<string, string> }).Variables.POLICY_VERSION);
  });

  test('may evaluate sessions of its domain and learn its default watchlist, write decision items, and log: nothing else', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('ContactFlowDecisionRole') } }));
    const statements = (policies[0] as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }).Properties.PolicyDocument.Statement;
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      ['voiceid:DescribeDomain', 'voiceid:EvaluateSession'],
      'kms:Decrypt',
      'dynamodb:PutItem',
      ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    ]);
    expect(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } })).toEqual({});
  });

  test('logs to its own KMS-encrypted log group with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: Match.anyValue() });
  });

  test('alarms on errors, throttles, a p99 duration near the budget, record failures and ERROR decisions, notifying the alarm topic', () => {
    const alarms = decisionAlarms().map((a) => a.Properties as Record<string, unknown>);
    expect(alarms.map((a) => [a.MetricName, a.ExtendedStatistic ?? a.Statistic, a.Threshold])).toEqual([
      ['Errors', 'Sum', 1],
      ['Throttles', 'Sum', 1],
      ['Duration', 'p99', 6000],
      ['RecordFailures', 'Sum', 1],
      ['DecisionErrors', 'Sum', 5],
    ]);
    expect(alarms[3]).toEqual(expect.objectContaining({ Namespace: 'VoiceIdConnect', Dimensions: [{ Name: 'service', Value: 'contact-flow-decision' }] }));
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('names its alarms and log group under the stage\'s prefixes, which the telemetry key and the topic policy name', () => {
    const alarms = decisionAlarms().map((a) => (a.Properties as { AlarmName: string }).AlarmName);
    expect(alarms).toEqual([
      'voice-id-connect-dev_contact-flow-decision-errors',
      'voice-id-connect-dev_contact-flow-decision-throttles',
      'voice-id-connect-dev_contact-flow-decision-duration-near-budget',
      'voice-id-connect-dev_contact-flow-decision-record-failures',
      'voice-id-connect-dev_contact-flow-decision-decision-errors',
    ]);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/voice-id-connect/dev/contact-flow-decision/', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] },
    });
  });
});

describe('telemetry encryption', () => {
  test('log groups and the alarm topic use the telemetry key, not the data key', () => {
    const telemetryKey = { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('TelemetryKey') }) };
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: telemetryKey });
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: telemetryKey, TopicName: 'voice-id-connect-dev_alarms' });
  });
});

describe('key-change notifications', () => {
  test('a rule on CloudTrail\'s record of ScheduleKeyDeletion, DisableKey and PutKeyPolicy on both keys notifies the alarm topic', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.kms'] } } })) as Array<{ Properties: { EventPattern: Record<string, unknown>; Targets: unknown[] } }>;
    expect(rule.Properties.EventPattern).toEqual(
      expect.objectContaining({
        source: ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: expect.objectContaining({ eventSource: ['kms.amazonaws.com'], eventName: ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy'] }),
      }),
    );
    const watched = JSON.stringify(rule.Properties.EventPattern);
    expect(watched).toContain('PublishOutputFnGetAttDataKey');
    expect(watched).toContain('PublishOutputFnGetAttTelemetryKey');
    expect(rule.Properties.Targets).toEqual([{ Arn: { Ref: expect.stringMatching(/^AlarmTopic/) }, Id: 'Target0' }]);
  });
});

test('alarmEmail subscribes that address to the alarm topic', () => {
  const { statelessTemplate } = buildTestApp({ alarmEmail: 'oncall@example.com' });
  statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  expect(template.findResources('AWS::SNS::Subscription')).toEqual({});
});

describe('Amazon Connect wiring', () => {
  test('is absent without an instance', () => {
    expect(template.findResources('AWS::Connect::ContactFlow')).toEqual({});
    expect(template.findResources('AWS::Connect::IntegrationAssociation')).toEqual({});
  });

  test('with an instance: the Lambda association, the Voice ID association and the flow, with the configured thresholds', () => {
    const { statelessTemplate } = buildTestApp({ connectInstanceArn: INSTANCE_ARN, flowAuthenticationThreshold: 92 });
    statelessTemplate.hasResourceProperties('AWS::Connect::IntegrationAssociation', { IntegrationType: 'LAMBDA_FUNCTION', InstanceId: INSTANCE_ARN });
    statelessTemplate.resourceCountIs('Custom::ConnectVoiceIdAssociation', 1);
    statelessTemplate.hasResourceProperties('AWS::Connect::ContactFlow', { InstanceArn: INSTANCE_ARN, Type: 'CONTACT_FLOW' });
    const flow = Object.values(statelessTemplate.findResources('AWS::Connect::ContactFlow'))[0] as { Properties: { Content: unknown } };
    expect(JSON.stringify(flow.Properties.Content)).toContain('\\"VoiceAuthenticationThreshold\\":\\"92\\"');
    // The ARNs a contact center points its numbers and its IVR at.
    expect(Object.keys(statelessTemplate.findOutputs('*')).sort()).toEqual(['AuthenticateFlowArn', 'BatchWorkflowArn', 'ContactFlowArn']);
  });

  test('with an IVR flow: the start-streaming flow too, and its ARN as an output', () => {
    const { statelessTemplate } = buildTestApp({ connectInstanceArn: INSTANCE_ARN, flowIvrFlowArn: `${INSTANCE_ARN}/contact-flow/0a1b2c3d-1111-2222-3333-444455556666` });
    statelessTemplate.resourceCountIs('AWS::Connect::ContactFlow', 3);
    statelessTemplate.hasOutput('StartStreamingFlowArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConnectStartStreamingFlow'), 'ContactFlowArn'] } });
  });
});

test('matches the snapshot (a supplement to the assertions above)', () => {
  expect(scrubbedTemplate(template)).toMatchSnapshot();
});
