import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { VoiceIdDomain } from '../../../lib/constructs/voice-id-domain';

function fixture() {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
  const key = new kms.Key(stack, 'Key');
  const domain = new VoiceIdDomain(stack, 'Domain', { domainName: 'callers', encryptionKey: key });
  const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, key, domain, role };
}

function policyStatements(stack: Stack): Array<Record<string, unknown>> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement);
}

const DOMAIN_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':voiceid:eu-west-2:123456789012:domain/', { 'Fn::GetAtt': ['Domain66AC69E0', 'DomainId'] }]] };
const KMS_VIA_VOICE_ID = {
  Effect: 'Allow',
  Action: 'kms:Decrypt',
  Resource: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] },
  Condition: { StringEquals: { 'kms:ViaService': 'voiceid.eu-west-2.amazonaws.com' } },
};

describe('VoiceIdDomain', () => {
  test('builds the domain ARN from the id CloudFormation returns', () => {
    const { stack, domain } = fixture();
    expect(stack.resolve(domain.domainArn)).toEqual(DOMAIN_ARN);
    expect(stack.resolve(domain.domainId)).toEqual({ 'Fn::GetAtt': ['Domain66AC69E0', 'DomainId'] });
  });

  test('grantEvaluate allows EvaluateSession on this domain only, with kms:Decrypt through Voice ID', () => {
    const { stack, domain, role } = fixture();
    domain.grantEvaluate(role);
    expect(policyStatements(stack)).toEqual([
      { Effect: 'Allow', Action: 'voiceid:EvaluateSession', Resource: DOMAIN_ARN },
      KMS_VIA_VOICE_ID,
    ]);
  });

  test('grantBatchJobs allows the job actions and passing the data-access role to Voice ID only', () => {
    const { stack, domain, role } = fixture();
    const dataAccessRole = new iam.Role(stack, 'DataAccess', { assumedBy: new iam.ServicePrincipal('voiceid.amazonaws.com') });
    domain.grantBatchJobs(role, dataAccessRole);
    const statements = policyStatements(stack);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['voiceid:StartSpeakerEnrollmentJob', 'voiceid:StartFraudsterRegistrationJob', 'voiceid:DescribeSpeakerEnrollmentJob']), Resource: DOMAIN_ARN }),
    );
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataAccess/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'voiceid.amazonaws.com' } },
    });
    expect(statements).toContainEqual(KMS_VIA_VOICE_ID);
  });

  test('grantDescribe allows DescribeDomain alone, with kms:Decrypt through Voice ID', () => {
    const { stack, domain, role } = fixture();
    domain.grantDescribe(role);
    expect(policyStatements(stack)).toEqual([{ Effect: 'Allow', Action: 'voiceid:DescribeDomain', Resource: DOMAIN_ARN }, KMS_VIA_VOICE_ID]);
  });

  test('grantSpeakerAdmin allows speaker and fraudster management but not evaluation or jobs', () => {
    const { stack, domain, role } = fixture();
    domain.grantSpeakerAdmin(role);
    const actions = policyStatements(stack).flatMap((s) => s.Action as string[] | string);
    expect(actions).toEqual(expect.arrayContaining(['voiceid:OptOutSpeaker', 'voiceid:DeleteSpeaker', 'voiceid:DeleteFraudster', 'kms:Decrypt']));
    expect(actions).not.toContain('voiceid:EvaluateSession');
    expect(actions).not.toContain('voiceid:StartSpeakerEnrollmentJob');
  });

  test('adds to the key policy what CreateDomain needs, usable only through Voice ID', () => {
    const { stack } = fixture();
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'kms:CreateGrant',
            Condition: {
              StringEquals: { 'kms:ViaService': 'voiceid.eu-west-2.amazonaws.com', 'kms:CallerAccount': '123456789012' },
              Bool: { 'kms:GrantIsForAWSResource': 'true' },
            },
          }),
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:DescribeKey'],
            Condition: { StringEquals: { 'kms:ViaService': 'voiceid.eu-west-2.amazonaws.com', 'kms:CallerAccount': '123456789012' } },
          }),
        ]),
      },
    });
  });

  test('is retained by default', () => {
    const { stack } = fixture();
    Template.fromStack(stack).hasResource('AWS::VoiceID::Domain', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test.each([
    ['a name with a space', { domainName: 'my domain' }, /domainName 'my domain'/],
    ['an empty name', { domainName: '' }, /domainName ''/],
    ['a name over 256 characters', { domainName: 'a'.repeat(257) }, /domainName/],
    ['a description with markup', { domainName: 'ok', description: '<b>' }, /description/],
  ])('rejects %s, naming the prop', (_label, props, message) => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }));
    const encryptionKey = new kms.Key(stack, 'Key');
    expect(() => new VoiceIdDomain(stack, 'Domain', { encryptionKey, ...props })).toThrow(message);
  });

  test('imports an existing domain with grants that work the same', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Imported', { env: { account: '123456789012', region: 'eu-west-2' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555');
    const domain = VoiceIdDomain.fromDomainAttributes(stack, 'Domain', { domainId: 'abcdefghijklmnopqrstuv', encryptionKey: key });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    domain.grantEvaluate(role);
    expect(policyStatements(stack)[0]).toEqual(
      expect.objectContaining({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':voiceid:eu-west-2:123456789012:domain/abcdefghijklmnopqrstuv']] } }),
    );
  });
});
