import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceOnlyKey } from '../../../lib/constructs/service-only-key';

function fixture() {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
  const key = new ServiceOnlyKey(stack, 'Key', { description: 'test' });
  return { app, stack, key };
}

const ROOT = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] };

function keyStatements(stack: Stack): Array<Record<string, unknown>> {
  const [key] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key')) as Array<{ Properties: { KeyPolicy: { Statement: Array<Record<string, unknown>> } } }>;
  return key.Properties.KeyPolicy.Statement;
}

describe('ServiceOnlyKey', () => {
  test('is a rotated symmetric key, retained, with a 30-day deletion window', () => {
    const { stack } = fixture();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', PendingWindowInDays: 30 });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the account administers it through IAM but gets no kms:*, no data actions and no CreateGrant', () => {
    const { stack } = fixture();
    const [administration, ...others] = keyStatements(stack);
    expect(others).toEqual([]);
    expect(administration).toEqual(expect.objectContaining({ Sid: 'AllowKeyAdministrationThroughIam', Effect: 'Allow', Principal: { AWS: ROOT } }));
    const actions = administration.Action as string[];
    expect(actions).toEqual(expect.arrayContaining(['kms:Put*', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:Describe*', 'kms:CreateAlias']));
    for (const forbidden of ['kms:*', 'kms:Create*', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant']) expect(actions).not.toContain(forbidden);
  });

  test('allowUseThrough lets account principals use it only through the named services of this region, for this account', () => {
    const { stack, key } = fixture();
    key.allowUseThrough('ThroughS3', ['s3']);
    key.allowGrantsThrough('Grants', ['dynamodb']);
    expect(keyStatements(stack).slice(1)).toEqual([
      {
        Sid: 'ThroughS3',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com', 'kms:CallerAccount': '123456789012' } },
      },
      {
        Sid: 'Grants',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-2.amazonaws.com', 'kms:CallerAccount': '123456789012' }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ]);
  });

  test('refuses a service principal statement without conditions', () => {
    const { key } = fixture();
    expect(() => key.allowServicePrincipal('Bare', 'events.amazonaws.com', ['kms:Decrypt'], {})).toThrow(/Bare for events.amazonaws.com needs conditions/);
  });

  test.each([
    ['a grant to a service principal that falls back to the key policy', (key: ServiceOnlyKey) => key.grantDecrypt(new iam.ServicePrincipal('events.amazonaws.com')), /lets a service principal use the key without conditions/],
    [
      'an account statement without kms:ViaService',
      (key: ServiceOnlyKey) => key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] })),
      /lets IAM principals use the key \(kms:Decrypt\) without kms:ViaService/,
    ],
    [
      'CreateGrant through a service but not only for AWS resources',
      (key: ServiceOnlyKey) =>
        key.addToResourcePolicy(
          new iam.PolicyStatement({
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:Create*'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com', 'kms:CallerAccount': '123456789012' } },
          }),
        ),
      /allows kms:CreateGrant without kms:GrantIsForAWSResource/,
    ],
    [
      'an account statement whose kms:ViaService matches anything (StringLike *)',
      (key: ServiceOnlyKey) =>
        key.addToResourcePolicy(
          new iam.PolicyStatement({
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:Decrypt'],
            resources: ['*'],
            conditions: { StringLike: { 'kms:ViaService': '*', 'kms:CallerAccount': '*' } },
          }),
        ),
      /without kms:ViaService and kms:CallerAccount under StringEquals/,
    ],
    [
      'an account statement that allows everything but administration (NotAction)',
      (key: ServiceOnlyKey) => key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], notActions: ['kms:PutKeyPolicy'], resources: ['*'] })),
      /lets IAM principals use the key \(kms:Encrypt/,
    ],
    [
      'a service principal statement whose only conditions exclude something',
      (key: ServiceOnlyKey) =>
        key.addToResourcePolicy(
          new iam.PolicyStatement({
            principals: [new iam.ServicePrincipal('events.amazonaws.com')],
            actions: ['kms:Decrypt'],
            resources: ['*'],
            conditions: { StringNotEquals: { 'aws:SourceAccount': '111122223333' } },
          }),
        ),
      /lets a service principal use the key without conditions/,
    ],
    ['any principal', (key: ServiceOnlyKey) => key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] })), /without kms:ViaService/],
  ])('fails synth on %s', (_label, addStatement, message) => {
    const { app, key } = fixture();
    addStatement(key);
    expect(() => app.synth()).toThrow(message);
  });
});
