import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmArnPattern } from './telemetry-names';

/** Properties of an {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * Customer-managed key encrypting messages at rest. Its key policy must let `cloudwatch.amazonaws.com`
   * (and `events.amazonaws.com`, for rules) use it for this topic; SNS's AWS-managed key cannot.
   */
  readonly masterKey: kms.IKey;
  /**
   * Name of the topic.
   * @default - a name CloudFormation generates
   */
  readonly topicName?: string;
  /**
   * Display name (the sender of e-mail notifications).
   * @default - none
   */
  readonly displayName?: string;
  /**
   * CloudWatch may publish only for alarms of this account and region whose names start with this prefix.
   * @default '' (any alarm of this account in this region)
   */
  readonly alarmNamePrefix?: string;
}

/**
 * An SNS topic that alarms and EventBridge rules can actually deliver to: KMS-encrypted, TLS-only, and a
 * topic policy that lets CloudWatch publish for this account's alarms (`aws:SourceAccount`, `aws:SourceArn`)
 * and EventBridge publish for exactly the rules that target it.
 *
 * `enforceSSL` alone writes a topic policy holding only the TLS deny; once a topic has a policy, nothing it
 * does not allow may publish, so alarms on such a topic never notify anyone.
 */
export class AlarmTopic extends sns.Topic {
  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id, { topicName: props.topicName, displayName: props.displayName, masterKey: props.masterKey, enforceSSL: true });
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': alarmArnPattern(this, props.alarmNamePrefix ?? '') },
        },
      }),
    );
  }

  /**
   * This topic as the target of an EventBridge rule, allowed to receive from that rule only. Use it instead of
   * `aws-events-targets.SnsTopic`, whose grant has no source condition and would also add an unconditioned
   * statement to the key policy.
   */
  asRuleTarget(): events.IRuleTarget {
    return {
      bind: (rule: Parameters<events.IRuleTarget['bind']>[0]) => {
        this.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: `AllowEventBridgeRule${rule.node.addr.slice(0, 8)}`,
            principals: [new iam.ServicePrincipal('events.amazonaws.com')],
            actions: ['sns:Publish'],
            resources: [this.topicArn],
            conditions: {
              StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
              ArnEquals: { 'aws:SourceArn': rule.ruleRef.ruleArn },
            },
          }),
        );
        return { arn: this.topicArn, targetResource: this };
      },
    };
  }
}
