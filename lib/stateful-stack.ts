import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BatchDataAccessRole } from './constructs/batch-data-access-role';
import { DataTables } from './constructs/data-tables';
import { secureBucketProps } from './constructs/secure-bucket-defaults';
import { IVoiceIdDomain, VoiceIdDomain } from './constructs/voice-id-domain';

/** Properties of the {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** Name of the Voice ID domain. */
  readonly domainName: string;
  /**
   * Description of the Voice ID domain.
   * @default - no description
   */
  readonly domainDescription?: string;
  /**
   * Removal policy of every stateful resource; DESTROY also lifts the tables' deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Days an old version of a batch input or output object is kept after it is overwritten or deleted.
   * @default 30
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days server access logs are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
}

/**
 * Everything that holds data: the key, the Voice ID domain, the batch buckets, the data-access role
 * Voice ID assumes and the tables. Kept apart from the stateless stack so that code can be redeployed
 * or replaced without touching voiceprints and audit records.
 */
export class StatefulStack extends Stack {
  readonly key: kms.IKey;
  readonly domain: IVoiceIdDomain;
  readonly batchInputBucket: s3.IBucket;
  readonly batchOutputBucket: s3.IBucket;
  readonly dataAccessRole: iam.IRole;
  readonly decisionsTable: dynamodb.ITable;
  readonly batchJobsTable: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const noncurrentVersionRetentionDays = props.noncurrentVersionRetentionDays ?? 30;

    const key = new kms.Key(this, 'DataKey', {
      description: 'Encrypts Voice ID voiceprints and audio, batch files and decision records of voice-id-connect',
      alias: `alias/voice-id-connect/${this.stackName}`,
      enableKeyRotation: true,
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    this.key = key;
    // The stateless stack's log groups and alarm topic are encrypted with this key too; the services that
    // write to them may use it only for this account's resources.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );

    this.domain = new VoiceIdDomain(this, 'Domain', {
      domainName: props.domainName,
      description: props.domainDescription,
      encryptionKey: key,
      removalPolicy,
    });

    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      ...secureBucketProps({ noncurrentVersionRetentionDays, removalPolicy }),
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.accessLogRetentionDays ?? 365),
          noncurrentVersionExpiration: Duration.days(noncurrentVersionRetentionDays),
        },
      ],
    });
    Validations.of(accessLogs).acknowledge(
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: 'S3 server access logging delivers only to buckets encrypted with SSE-S3, not SSE-KMS.' },
      { id: 'HIPAA.Security-S3DefaultEncryptionKMS', reason: 'S3 server access logging delivers only to buckets encrypted with SSE-S3, not SSE-KMS.' },
    );

    this.batchInputBucket = new s3.Bucket(this, 'BatchInputBucket', {
      ...secureBucketProps({ encryptionKey: key, serverAccessLogsBucket: accessLogs, serverAccessLogsPrefix: 'batch-input/', noncurrentVersionRetentionDays, removalPolicy }),
    });
    this.batchOutputBucket = new s3.Bucket(this, 'BatchOutputBucket', {
      ...secureBucketProps({ encryptionKey: key, serverAccessLogsBucket: accessLogs, serverAccessLogsPrefix: 'batch-output/', noncurrentVersionRetentionDays, removalPolicy }),
    });

    const noReplication =
      'Replicating would copy callers\' voice audio and enrollment results to a second region, widening where biometric data lives; versioning protects objects in place.';
    for (const bucket of [accessLogs, this.batchInputBucket, this.batchOutputBucket]) {
      Validations.of(bucket).acknowledge(
        { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: noReplication },
        { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: noReplication },
      );
    }

    const dataAccess = new BatchDataAccessRole(this, 'VoiceIdDataAccessRole', {
      domain: this.domain,
      inputBucket: this.batchInputBucket,
      outputBucket: this.batchOutputBucket,
    });
    this.dataAccessRole = dataAccess.role;

    const tables = new DataTables(this, 'Tables', {
      encryptionKey: key,
      removalPolicy,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
    });
    this.decisionsTable = tables.decisions;
    this.batchJobsTable = tables.batchJobs;
  }
}
