import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

/** KMS management calls after which the data a key protects becomes unreadable, or its policy is no longer the reviewed one. */
export const DEFAULT_WATCHED_KEY_EVENTS = ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy'];

/** Properties of {@link KeyChangeNotifications}. */
export interface KeyChangeNotificationsProps {
  /** The keys to watch. */
  readonly keys: kms.IKey[];
  /** Topic notified of each matching call. */
  readonly topic: AlarmTopic;
  /**
   * The KMS API calls that notify.
   * @default DEFAULT_WATCHED_KEY_EVENTS (ScheduleKeyDeletion, DisableKey, PutKeyPolicy)
   */
  readonly eventNames?: string[];
}

/**
 * An EventBridge rule on CloudTrail's record of KMS management calls on the given keys, notifying a topic.
 *
 * EventBridge receives `AWS API Call via CloudTrail` events only while a CloudTrail trail with logging is
 * enabled in the account and region; without one this rule matches nothing.
 */
export class KeyChangeNotifications extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: KeyChangeNotificationsProps) {
    super(scope, id);
    if (props.keys.length === 0) throw new Error('KeyChangeNotifications: keys must name at least one key');
    const eventNames = props.eventNames ?? DEFAULT_WATCHED_KEY_EVENTS;
    if (eventNames.length === 0) throw new Error('KeyChangeNotifications: eventNames must name at least one KMS API call');

    this.rule = new events.Rule(this, 'Rule', {
      description: `Notifies ${eventNames.join(', ')} on the app's KMS keys`,
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: eventNames,
          // CloudTrail names the key it acted on in resources[].ARN; requestParameters.keyId holds whatever the
          // caller passed (key id or key ARN). Either identifies the call.
          $or: [
            { resources: { ARN: props.keys.map((k) => k.keyArn) } },
            { requestParameters: { keyId: props.keys.flatMap((k) => [k.keyArn, k.keyId]) } },
          ],
        },
      },
    });
    this.rule.addTarget(props.topic.asRuleTarget());
  }
}
