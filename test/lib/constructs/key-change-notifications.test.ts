import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopic } from '../../../lib/constructs/alarm-topic';
import { KeyChangeNotifications } from '../../../lib/constructs/key-change-notifications';
import { ACCOUNT, CfnTemplate, eventPatternMatches, REGION, TemplateResolver } from '../../support/template-eval';

const app = new App({ builtinCloudFormationValidation: false });
const stack = new Stack(app, 'Test');
const watched = new kms.Key(stack, 'Watched');
const other = new kms.Key(stack, 'Other');
const topic = new AlarmTopic(stack, 'Topic', { masterKey: other });
new KeyChangeNotifications(stack, 'KeyChanges', { keys: [watched], topic });
const template = Template.fromStack(stack);
const resolver = new TemplateResolver({ Test: template.toJSON() as CfnTemplate });
const [[ruleId, rule]] = Object.entries(template.findResources('AWS::Events::Rule')) as Array<[string, { Properties: { EventPattern: unknown } }]>;
const pattern = resolver.resolve('Test', rule.Properties.EventPattern) as Record<string, unknown>;
const watchedArn = resolver.arnOf('Test', stack.getLogicalId(watched.node.defaultChild as kms.CfnKey));
const otherArn = resolver.arnOf('Test', stack.getLogicalId(other.node.defaultChild as kms.CfnKey));

/** An event as EventBridge delivers CloudTrail's record of a KMS call (shape of CloudTrail's KMS log entries). */
function cloudTrailEvent(eventName: string, keyArn: string, keyIdAsGiven: string): Record<string, unknown> {
  return {
    source: 'aws.kms',
    'detail-type': 'AWS API Call via CloudTrail',
    account: ACCOUNT,
    region: REGION,
    detail: {
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: REGION,
      requestParameters: { keyId: keyIdAsGiven, ...(eventName === 'ScheduleKeyDeletion' ? { pendingWindowInDays: 7 } : {}) },
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }],
      readOnly: false,
      managementEvent: true,
    },
  };
}

describe('KeyChangeNotifications', () => {
  test.each(['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy'])('matches %s on the watched key, whether the caller named it by ARN or by id', (eventName) => {
    const keyId = watchedArn.split('/')[1];
    expect(eventPatternMatches(pattern, cloudTrailEvent(eventName, watchedArn, watchedArn))).toBe(true);
    expect(eventPatternMatches(pattern, cloudTrailEvent(eventName, watchedArn, keyId))).toBe(true);
  });

  test('matches the call even when CloudTrail leaves out resources', () => {
    const event = cloudTrailEvent('DisableKey', watchedArn, watchedArn.split('/')[1]);
    delete (event.detail as Record<string, unknown>).resources;
    expect(eventPatternMatches(pattern, event)).toBe(true);
  });

  test('ignores other keys and other calls', () => {
    expect(eventPatternMatches(pattern, cloudTrailEvent('DisableKey', otherArn, otherArn))).toBe(false);
    expect(eventPatternMatches(pattern, cloudTrailEvent('Decrypt', watchedArn, watchedArn))).toBe(false);
    expect(eventPatternMatches(pattern, cloudTrailEvent('EnableKey', watchedArn, watchedArn))).toBe(false);
  });

  test('notifies the topic, which lets EventBridge publish for this rule only', () => {
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [{ Arn: { Ref: stack.getLogicalId(topic.node.defaultChild as never) }, Id: 'Target0' }] });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  test('refuses to watch no key', () => {
    const scope = new Stack(new App(), 'Empty');
    const emptyTopic = new AlarmTopic(scope, 'Topic', { masterKey: new kms.Key(scope, 'Key') });
    expect(() => new KeyChangeNotifications(scope, 'Nothing', { keys: [], topic: emptyTopic })).toThrow(/keys must name at least one key/);
  });
});
