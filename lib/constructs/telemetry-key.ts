import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ServiceOnlyKey } from './service-only-key';
import { alarmArnPattern, logGroupArnPattern, TelemetryNames, topicArnPattern } from './telemetry-names';

/** Properties of a {@link TelemetryKey}. */
export interface TelemetryKeyProps {
  /** Name prefixes of the log groups, alarms and topics the key is for. */
  readonly names: TelemetryNames;
  /**
   * Alias of the key.
   * @default - no alias
   */
  readonly alias?: string;
  /**
   * What happens to the key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The key of operational telemetry (log groups, alarm topics), apart from the key of voice data so that
 * neither the services nor the people reading telemetry get anywhere near voiceprints.
 *
 * No principal of the account may use it directly or through a service; the services that write telemetry
 * use it in their own name, each only for this app's resources as named by {@link TelemetryNames}:
 * CloudWatch Logs for the app's log groups (by the encryption context it sends), CloudWatch for the app's
 * alarms publishing to the app's topics, EventBridge for the app's topics. EventBridge's statement cannot
 * name the rule: SNS documents that `aws:SourceArn` and `aws:SourceAccount` are not supported in a key
 * policy for EventBridge-to-encrypted-topic delivery, so the topic ARN in the encryption context scopes it.
 */
export class TelemetryKey extends ServiceOnlyKey {
  constructor(scope: Construct, id: string, props: TelemetryKeyProps) {
    super(scope, id, {
      description: 'Encrypts the log groups and alarm topics of voice-id-connect',
      alias: props.alias,
      removalPolicy: props.removalPolicy,
    });
    const stack = Stack.of(this);
    const appTopics = { 'kms:EncryptionContext:aws:sns:topicArn': topicArnPattern(this, props.names.resourceNamePrefix) };
    // The actions CloudWatch Logs documents for a log group key, Describe* included under the same condition.
    this.allowServicePrincipal(
      'AllowCloudWatchLogsForTheAppsLogGroups',
      `logs.${stack.region}.amazonaws.com`,
      ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnPattern(this, props.names.logGroupNamePrefix) } },
    );
    this.allowServicePrincipal('AllowCloudWatchAlarmsToPublishToTheAppsTopics', 'cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': alarmArnPattern(this, props.names.resourceNamePrefix), ...appTopics },
    });
    this.allowServicePrincipal('AllowEventBridgeToPublishToTheAppsTopics', 'events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], { ArnLike: appTopics });
  }
}
