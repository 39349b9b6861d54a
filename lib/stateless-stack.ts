import { Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IVoiceIdDomain } from './constructs/voice-id-domain';

/** Properties of the {@link StatelessStack}. */
export interface StatelessStackProps extends StackProps {
  /** The Voice ID domain the code evaluates callers against and runs batch jobs in. */
  readonly domain: IVoiceIdDomain;
  /** Table receiving one record per contact evaluation. */
  readonly decisionsTable: dynamodb.ITable;
  /** Table tracking batch jobs and their per-request outcomes. */
  readonly batchJobsTable: dynamodb.ITable;
  /** Bucket holding batch manifests and audio. */
  readonly batchInputBucket: s3.IBucket;
  /** Bucket receiving batch job output. */
  readonly batchOutputBucket: s3.IBucket;
  /** Role Voice ID assumes to read batch input and write job output. */
  readonly dataAccessRole: iam.IRole;
  /** Customer-managed key of the app's data, also used for the alarm topic. */
  readonly encryptionKey: kms.IKey;
  /** Days a decision record is kept (the Lambda stamps the TTL). */
  readonly decisionRetentionDays: number;
  /**
   * Amazon Connect instance to wire the contact-flow Lambda, the Voice ID domain and the flow into.
   * @default - no Amazon Connect wiring
   */
  readonly connectInstanceArn?: string;
}

/**
 * The code: Lambdas, workflows and alarms. Safe to destroy and redeploy at any time; everything it
 * needs to remember lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  /** Topic every alarm of the app notifies; subscribe the on-call channel to it. */
  readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    const alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'voice-id-connect alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // CloudWatch encrypts what it publishes to the topic with the key; only alarms of this account may.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = alarmTopic;
  }
}
