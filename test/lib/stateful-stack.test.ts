import { Match } from 'aws-cdk-lib/assertions';
import { buildTestApp } from '../support/app';
import { scrubbedTemplate } from '../support/snapshot';

// One synthesized app serves every test in this file.
const { statefulTemplate: template } = buildTestApp();

function resourcesOfType(type: string): Record<string, { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }> {
  return template.findResources(type) as unknown as ReturnType<typeof resourcesOfType>;
}

/** The key that protects voice data (its logical id is pinned below). */
function dataKeyId(): string {
  return Object.keys(resourcesOfType('AWS::KMS::Key')).find((id) => id.startsWith('DataKey'))!;
}

describe('KMS keys', () => {
  test('are symmetric customer-managed keys with rotation and an alias: one for voice data, one for telemetry', () => {
    template.allResourcesProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/voice-id-connect/VoiceIdConnect-dev-Stateful', TargetKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/voice-id-connect/VoiceIdConnect-dev-Stateful/telemetry' });
  });

  test('the data key lets S3 and DynamoDB use it for callers of this account, and DynamoDB create grants only for itself', () => {
    const statements = (resourcesOfType('AWS::KMS::Key')[dataKeyId()].Properties.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    const through = (...services: string[]) => {
      const endpoints = services.map((s) => ({ 'Fn::Join': ['', [`${s}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] }));
      return endpoints.length === 1 ? endpoints[0] : endpoints;
    };
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'AllowUseThroughS3AndDynamoDb',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Condition: { StringEquals: { 'kms:ViaService': through('s3', 'dynamodb'), 'kms:CallerAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'AllowDynamoDbTableGrants',
        Action: 'kms:CreateGrant',
        Condition: { StringEquals: { 'kms:ViaService': through('dynamodb'), 'kms:CallerAccount': { Ref: 'AWS::AccountId' } }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  });

  test('lets principals of the account use it for Voice ID only through Voice ID', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowVoiceIdDomainGrantThroughVoiceId',
            Action: 'kms:CreateGrant',
            Condition: {
              StringEquals: {
                'kms:ViaService': { 'Fn::Join': ['', ['voiceid.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
                'kms:CallerAccount': { Ref: 'AWS::AccountId' },
              },
              Bool: { 'kms:GrantIsForAWSResource': 'true' },
            },
          }),
        ]),
      },
    });
  });
});

describe('Voice ID domain', () => {
  test('is encrypted with the customer-managed key', () => {
    const keyId = dataKeyId();
    template.hasResourceProperties('AWS::VoiceID::Domain', {
      Name: 'voice-id-connect',
      ServerSideEncryptionConfiguration: { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });
});

describe('S3 buckets', () => {
  const buckets = resourcesOfType('AWS::S3::Bucket');
  const policies = Object.values(resourcesOfType('AWS::S3::BucketPolicy'));

  test('there are three: batch input, job output and access logs', () => {
    expect(Object.keys(buckets).sort()).toEqual([
      expect.stringMatching(/^AccessLogsBucket/),
      expect.stringMatching(/^BatchInputBucket/),
      expect.stringMatching(/^BatchOutputBucket/),
    ]);
  });

  test.each(Object.keys(buckets))('%s blocks public access, is versioned and expires noncurrent versions', (id) => {
    const props = buckets[id].Properties;
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(props.LifecycleConfiguration)).toContain('NoncurrentDays');
  });

  test.each(Object.keys(buckets))('%s denies any request not made over TLS 1.2+', (id) => {
    const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket).includes(id));
    const statements = (policy?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });

  test('batch buckets are encrypted with the customer-managed key and log to the log bucket', () => {
    const keyId = dataKeyId();
    const logBucketId = Object.keys(buckets).find((id) => id.startsWith('AccessLogsBucket'));
    for (const id of Object.keys(buckets).filter((b) => b.startsWith('Batch'))) {
      expect(buckets[id].Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
        ],
      });
      expect(buckets[id].Properties.LoggingConfiguration).toEqual(
        expect.objectContaining({ DestinationBucketName: { Ref: logBucketId } }),
      );
    }
  });
});

describe('Voice ID data-access role', () => {
  test('trusts only Voice ID acting for this account and this domain', () => {
    const [domainId] = Object.keys(resourcesOfType('AWS::VoiceID::Domain'));
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'voiceid.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: {
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':voiceid:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':domain/', { 'Fn::GetAtt': [domainId, 'DomainId'] }]],
                },
              },
            },
          },
        ],
      },
    });
  });

  test('may read input objects, write output objects and use the key through S3 only, nothing wider', () => {
    const policies = Object.values(resourcesOfType('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const statements = (policies[0].Properties.PolicyDocument as { Statement: Array<{ Sid: string; Action: unknown; Effect: string; Condition?: unknown }> }).Statement;
    const throughS3 = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } };
    expect(statements.map((s) => [s.Sid, s.Effect, s.Action, s.Condition])).toEqual([
      ['ReadBatchInput', 'Allow', 's3:GetObject', undefined],
      ['WriteJobOutput', 'Allow', 's3:PutObject', undefined],
      ['DecryptBatchInput', 'Allow', 'kms:Decrypt', throughS3],
      ['EncryptJobOutput', 'Allow', ['kms:Decrypt', 'kms:GenerateDataKey'], throughS3],
    ]);
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
  });
});

describe('DynamoDB tables', () => {
  const tables = resourcesOfType('AWS::DynamoDB::Table');

  test.each(Object.keys(tables))('%s is on-demand, KMS-encrypted with the key, with PITR, TTL and deletion protection', (id) => {
    const keyId = dataKeyId();
    expect(tables[id].Properties).toEqual(
      expect.objectContaining({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
      }),
    );
  });

  test('the decisions table serves its three access patterns', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'contactId', KeyType: 'HASH' },
        { AttributeName: 'recordKey', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'bySpeaker', KeySchema: [{ AttributeName: 'generatedSpeakerId', KeyType: 'HASH' }, { AttributeName: 'evaluatedAt', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'highRiskByDay', KeySchema: [{ AttributeName: 'highRiskDay', KeyType: 'HASH' }, { AttributeName: 'evaluatedAt', KeyType: 'RANGE' }] }),
      ],
    });
  });
});

describe('retention', () => {
  test('every stateful resource is retained on stack deletion by default', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::VoiceID::Domain', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table']) {
      for (const resource of Object.values(resourcesOfType(type))) {
        expect([type, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([type, 'Retain', 'Retain']);
      }
    }
  });

  test('the stack is termination-protected when resources are retained', () => {
    const { stateful } = buildTestApp();
    expect(stateful.terminationProtection).toBe(true);
  });

  test('removalPolicy=destroy makes a throw-away stage removable and lifts deletion protection', () => {
    const { statefulTemplate, stateful } = buildTestApp({ stage: 'sandbox', removalPolicy: 'destroy' });
    for (const type of ['AWS::KMS::Key', 'AWS::VoiceID::Domain', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table']) {
      for (const resource of Object.values(statefulTemplate.findResources(type))) expect(resource.DeletionPolicy).toBe('Delete');
    }
    statefulTemplate.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    expect(stateful.terminationProtection).toBe(false);
  });
});

describe('logical ids of stateful resources', () => {
  // Renaming one of these makes CloudFormation replace the resource: a new, empty domain, bucket or table, or
  // a new data key (the domain cannot move to another key in place). TelemetryKey is new with issue 10.
  test('are stable', () => {
    const ids = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>)
      .filter(([, r]) => ['AWS::KMS::Key', 'AWS::VoiceID::Domain', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::IAM::Role'].includes(r.Type))
      .map(([id, r]) => `${r.Type} ${id}`)
      .sort();
    expect(ids).toEqual([
      'AWS::DynamoDB::Table TablesBatchJobsTableC0A3F611',
      'AWS::DynamoDB::Table TablesDecisionsTableBF04E045',
      'AWS::IAM::Role VoiceIdDataAccessRole165679AF',
      'AWS::KMS::Key DataKey17AFBB84',
      'AWS::KMS::Key TelemetryKey5C3BC4DC',
      'AWS::S3::Bucket AccessLogsBucket83982689',
      'AWS::S3::Bucket BatchInputBucket40AFE905',
      'AWS::S3::Bucket BatchOutputBucket29A727A3',
      'AWS::VoiceID::Domain Domain66AC69E0',
    ]);
  });
});

test('matches the snapshot (a supplement to the assertions above)', () => {
  expect(scrubbedTemplate(template)).toMatchSnapshot();
});
