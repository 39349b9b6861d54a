import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildTestApp } from '../support/app';

const INSTANCE_ARN = 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666';

describe('checks that run on every synth', () => {
  test.each([
    ['without Connect wiring', {}],
    ['with the Connect wiring and an alarm subscription', { connectInstanceArn: INSTANCE_ARN, alarmEmail: 'oncall@example.com' }],
    // A known account and region make the partition a literal too (cdk.json's target partitions): the acknowledgements must still match.
    ['with the Connect wiring in a concrete environment', { connectInstanceArn: INSTANCE_ARN, account: '123456789012', region: 'eu-west-2', flowIvrFlowArn: `${INSTANCE_ARN}/contact-flow/0a1b2c3d-1111-2222-3333-444455556666` }],
  ])('cdk-nag (AwsSolutions, NIST 800-53 rev 5, HIPAA) and CloudFormation validation report no unacknowledged finding, %s', (_label, overrides) => {
    const { app } = buildTestApp(overrides, { validation: true });
    // In a test, a failed validation throws from synth with the findings in its message.
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? []);
    expect(violations).toEqual([]);
  });

  test('cdk-nag does catch a violation, so a clean report means something', () => {
    const { app, stateful } = buildTestApp({ stage: 'nagcheck' });
    new s3.Bucket(stateful, 'CarelessBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});

describe('stacks', () => {
  test('are named after the stage and environment-agnostic unless configured', () => {
    const { stateful, stateless } = buildTestApp({ stage: 'qa' });
    expect([stateful.stackName, stateless.stackName]).toEqual(['VoiceIdConnect-qa-Stateful', 'VoiceIdConnect-qa-Stateless']);
    expect(stateful.environment).toBe('aws://unknown-account/unknown-region');
  });

  test('target the configured account and region', () => {
    const { stateful } = buildTestApp({ account: '123456789012', region: 'eu-west-2' });
    expect(stateful.environment).toBe('aws://123456789012/eu-west-2');
  });

  test('carry the configured tags on every resource', () => {
    const { statefulTemplate } = buildTestApp({ tags: { costCentre: 'cc-42' } });
    statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([
        { Key: 'costCentre', Value: 'cc-42' },
        { Key: 'voice-id-connect:stage', Value: 'dev' },
      ]),
    });
  });
});
