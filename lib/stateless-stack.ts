import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AlarmTopic } from './constructs/alarm-topic';
import { BatchWorkflow } from './constructs/batch-workflow';
import { ContactFlowDecisionFunction, DecisionPolicy, ResolvedDecisionPolicy } from './constructs/contact-flow-decision-function';
import { ConnectVoiceIdIntegration } from './constructs/connect-integration';
import { KeyChangeNotifications } from './constructs/key-change-notifications';
import { TelemetryNames } from './constructs/telemetry-names';
import { IVoiceIdDomain } from './constructs/voice-id-domain';
import { ContactFlowConfig } from './config';

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
  /** Customer-managed key of the app's data; its deletion, disabling and policy changes notify the alarm topic. */
  readonly dataKey: kms.IKey;
  /**
   * Customer-managed key of the log groups and the alarm topic. Its policy must let CloudWatch Logs,
   * CloudWatch and EventBridge use it for the resources named by `telemetryNames` (see TelemetryKey).
   */
  readonly telemetryKey: kms.IKey;
  /** Name prefixes of the log groups, alarms and topics; the ones the telemetry key's policy names. */
  readonly telemetryNames: TelemetryNames;
  /** Days a decision record is kept (the Lambda stamps the TTL). */
  readonly decisionRetentionDays: number;
  /**
   * Days the batch workflow's per-speaker outcomes and job records are kept.
   * @default 365
   */
  readonly batchRecordRetentionDays?: number;
  /**
   * The decision policy of the contact-flow Lambda; its thresholds are also the ones the shipped flow sets.
   * @default - the ContactFlowDecisionFunction defaults (thresholds 90 and 50, fraud screening required)
   */
  readonly decisionPolicy?: DecisionPolicy;
  /**
   * Hard deadline of one decision.
   * @default Duration.millis(6500)
   */
  readonly decisionBudget?: Duration;
  /**
   * Amazon Connect instance to wire the contact-flow Lambda, the Voice ID domain and the flow into.
   * @default - no Amazon Connect wiring
   */
  readonly connectInstanceArn?: string;
  /**
   * Settings of the contact flow deployed into the Connect instance.
   * @default - the ConnectVoiceIdIntegration defaults (threshold 90, fraud threshold 50, 2 retries)
   */
  readonly flow?: ContactFlowConfig;
  /**
   * E-mail address subscribed to the alarm topic (the address must confirm the subscription).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
}

/**
 * The code: Lambdas, workflows and alarms. Safe to destroy and redeploy at any time; everything it
 * needs to remember lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  /** Topic every alarm of the app notifies; subscribe the on-call channel to it. */
  readonly alarmTopic: sns.ITopic;
  /** The Lambda Amazon Connect contact flows invoke. */
  readonly decisionFunction: ContactFlowDecisionFunction;
  /** The batch enrollment and fraudster registration workflow. */
  readonly batchWorkflow: BatchWorkflow;
  /** The Amazon Connect wiring and contact flow, when an instance is configured. */
  readonly connect?: ConnectVoiceIdIntegration;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    const { logGroupNamePrefix, resourceNamePrefix } = props.telemetryNames;
    const alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: `${resourceNamePrefix}alarms`,
      displayName: 'voice-id-connect alarms',
      masterKey: props.telemetryKey,
      alarmNamePrefix: resourceNamePrefix,
    });
    if (props.alarmEmail) alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.alarmTopic = alarmTopic;

    // Scheduling the keys' deletion, disabling them or replacing their policies is never routine.
    new KeyChangeNotifications(this, 'KeyChanges', { keys: [props.dataKey, props.telemetryKey], topic: alarmTopic });

    this.decisionFunction = new ContactFlowDecisionFunction(this, 'ContactFlowDecision', {
      domain: props.domain,
      decisionsTable: props.decisionsTable,
      decisionRetentionDays: props.decisionRetentionDays,
      policy: props.decisionPolicy,
      decisionBudget: props.decisionBudget,
      logEncryptionKey: props.telemetryKey,
      logGroupNamePrefix,
      alarmTopic,
      alarmNamePrefix: resourceNamePrefix,
    });

    this.batchWorkflow = new BatchWorkflow(this, 'BatchWorkflow', {
      domain: props.domain,
      inputBucket: props.batchInputBucket,
      outputBucket: props.batchOutputBucket,
      dataAccessRole: props.dataAccessRole,
      outputKey: props.dataKey,
      batchJobsTable: props.batchJobsTable,
      recordRetentionDays: props.batchRecordRetentionDays,
      stateMachineName: `${resourceNamePrefix}batch-workflow`,
      logEncryptionKey: props.telemetryKey,
      logGroupNamePrefix,
      alarmTopic,
      alarmNamePrefix: resourceNamePrefix,
    });
    new CfnOutput(this, 'BatchWorkflowArn', { value: this.batchWorkflow.stateMachine.stateMachineArn, description: 'Start it directly with { bucket, key, jobType, options? }, or upload under enrollment/ or fraudsters/' });

    if (props.connectInstanceArn) {
      this.connect = new ConnectVoiceIdIntegration(this, 'Connect', {
        instanceArn: props.connectInstanceArn,
        decisionFunction: this.decisionFunction.function,
        domain: props.domain,
        logEncryptionKey: props.telemetryKey,
        logGroupNamePrefix,
        ...props.flow,
        ...flowThresholdsFor(this.decisionFunction.policy, props.flow),
        decisionRecordRequired: this.decisionFunction.policy.decisionRecord === 'REQUIRED',
      });
      // What a contact center points its numbers and its own flows at.
      new CfnOutput(this, 'ContactFlowArn', { value: this.connect.contactFlowArn, description: 'The all-in-one Voice ID flow' });
      new CfnOutput(this, 'AuthenticateFlowArn', { value: this.connect.authenticateFlowArn, description: 'The flow your IVR transfers to once it has set customerId' });
      if (this.connect.startStreamingFlowArn !== undefined) {
        new CfnOutput(this, 'StartStreamingFlowArn', { value: this.connect.startStreamingFlowArn, description: 'The flow at the top of your inbound flow: starts Voice ID streaming, then transfers to your IVR' });
      }
    }
  }
}

/**
 * The thresholds the shipped flow sets: the ones the decision policy trusts, unless set otherwise. A flow
 * looser than the policy would have every result refused, so it is refused at synth instead.
 */
function flowThresholdsFor(policy: ResolvedDecisionPolicy, flow: ContactFlowConfig | undefined): Pick<ContactFlowConfig, 'authenticationThreshold' | 'fraudThreshold'> {
  const authenticationThreshold = flow?.authenticationThreshold ?? policy.acceptanceThreshold;
  const fraudThreshold = flow?.fraudThreshold ?? policy.fraudRiskThreshold;
  if (authenticationThreshold < policy.acceptanceThreshold) {
    throw new Error(
      `StatelessStack: flow.authenticationThreshold (${authenticationThreshold}) is below the decision policy's acceptanceThreshold (${policy.acceptanceThreshold}): the Lambda would refuse every result of the flow`,
    );
  }
  if (fraudThreshold > policy.fraudRiskThreshold) {
    throw new Error(`StatelessStack: flow.fraudThreshold (${fraudThreshold}) is above the decision policy's fraudRiskThreshold (${policy.fraudRiskThreshold}): the Lambda would refuse every result of the flow`);
  }
  return { authenticationThreshold, fraudThreshold };
}
