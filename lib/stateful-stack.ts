import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BatchDataAccessRole } from './constructs/batch-data-access-role';
import { DataTables } from './constructs/data-tables';
import { denyWritesAroundTheKey, secureBucketProps } from './constructs/secure-bucket-defaults';
import { ServiceOnlyKey } from './constructs/service-only-key';
import { TelemetryKey } from './constructs/telemetry-key';
import { TelemetryNames } from './constructs/telemetry-names';
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
  /**
   * Name prefixes of the log groups, alarms and topics the telemetry key may encrypt; the stacks that create
   * them must use the same.
   */
  readonly telemetryNames: TelemetryNames;
}

/**
 * Everything that holds data: the keys, the Voice ID domain, the batch buckets, the data-access role
 * Voice ID assumes and the tables. Kept apart from the stateless stack so that code can be redeployed
 * or replaced without touching voiceprints and audit records.
 */
export class StatefulStack extends Stack {
  /** Encrypts voice data, batch files and records, and nothing else. */
  readonly key: kms.IKey;
  /**
   * Encrypts operational telemetry: the app's log groups and alarm topics. Here rather than with them, so that
   * it outlives a redeployed stateless stack as the retained log groups it encrypts do.
   */
  readonly telemetryKey: kms.IKey;
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

    // The logical id is a contract: the domain cannot move to another key in place.
    const key = new ServiceOnlyKey(this, 'DataKey', {
      description: 'Encrypts Voice ID voiceprints and audio, batch files and decision records of voice-id-connect',
      alias: `alias/voice-id-connect/${this.stackName}`,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    this.key = key;
    // Voice ID's statements come with the domain; S3 (batch files) and DynamoDB (records) use the key for
    // their callers, and DynamoDB keeps a grant per table.
    key.allowUseThrough('AllowUseThroughS3AndDynamoDb', ['s3', 'dynamodb']);
    key.allowGrantsThrough('AllowDynamoDbTableGrants', ['dynamodb']);

    this.telemetryKey = new TelemetryKey(this, 'TelemetryKey', {
      names: props.telemetryNames,
      alias: `alias/voice-id-connect/${this.stackName}/telemetry`,
      removalPolicy,
    });

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
    // Uploads start the batch workflow through EventBridge rules of the stateless stack. Set on the resource, not with
    // `eventBridgeEnabled`, which deploys a custom-resource Lambda to do what CloudFormation does natively.
    (this.batchInputBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    this.batchOutputBucket = new s3.Bucket(this, 'BatchOutputBucket', {
      ...secureBucketProps({ encryptionKey: key, serverAccessLogsBucket: accessLogs, serverAccessLogsPrefix: 'batch-output/', noncurrentVersionRetentionDays, removalPolicy }),
    });

    const noReplication =
      'Replicating would copy callers\' voice audio and enrollment results to a second region, widening where biometric data lives; versioning protects objects in place.';
    for (const bucket of [this.batchInputBucket, this.batchOutputBucket]) denyWritesAroundTheKey(bucket);
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
