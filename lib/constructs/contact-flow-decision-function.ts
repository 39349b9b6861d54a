import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  DEFAULT_DECISION_BUDGET_MS,
  DEFAULT_EVALUATE_POLL_INTERVAL_MS,
  ENV,
  MAX_DECISION_BUDGET_MS,
  MAX_EVALUATE_POLL_INTERVAL_MS,
  MAX_RETENTION_DAYS,
  MIN_DECISION_BUDGET_MS,
  MIN_EVALUATE_POLL_INTERVAL_MS,
  MIN_RETENTION_DAYS,
} from '../../lambda/contact-flow-decision/config';
import {
  DEFAULT_ACCEPTANCE_THRESHOLD,
  DEFAULT_FRAUD_RISK_THRESHOLD,
  DEFAULT_MAX_RESULT_AGE_SECONDS,
  type DeploymentPolicy,
  MAX_RESULT_AGE_SECONDS,
  MAX_SCORE,
  MIN_RESULT_AGE_SECONDS,
  MIN_SCORE,
} from '../../lambda/contact-flow-decision/domain/policy';
import { deploymentLogGroupName, kebabCase } from './telemetry-names';
import { IVoiceIdDomain } from './voice-id-domain';
import { grantTableActions } from './scoped-grants';

const SERVICE_NAME = 'contact-flow-decision';
const METRICS_NAMESPACE = 'VoiceIdConnect';

/** Amazon Connect gives a synchronous Lambda at most 8 seconds. */
const CONNECT_LIMIT = Duration.seconds(8);

/** Whether a caller can be authenticated without a completed fraud screening. */
export enum FraudScreening {
  /** No AUTHENTICATED without a completed, clean fraud check (the shipped flow enables fraud detection). */
  REQUIRED = 'REQUIRED',
  /** The deployment's flows do not screen for fraud; AUTHENTICATED then says so in its reason. */
  OFF = 'OFF',
}

/** Whether AUTHENTICATED needs its decision record written. */
export enum DecisionRecordRequirement {
  /**
   * A failed write keeps the decision (`recordStatus: FAILED`, the `RecordFailures` metric and alarm): a table
   * outage does not send every genuine caller to manual identity checks.
   */
  BEST_EFFORT = 'BEST_EFFORT',
  /** No AUTHENTICATED without a record: the Lambda answers NOT_AUTHENTICATED and the shipped flow checks `recordStatus`. */
  REQUIRED = 'REQUIRED',
}

/**
 * The deployment's decision policy. Flow parameters may tighten it for one flow, never loosen it, and
 * Voice ID's own answer never loosens it either: a result computed under a looser threshold than the
 * deployment's, stale, or incomplete never authenticates.
 */
export interface DecisionPolicy {
  /**
   * The acceptance threshold the deployment's flows set in Voice ID (Set Voice ID). A result Voice ID computed
   * under a lower one (a flow or a console edit lowered it mid-call) never authenticates.
   * @default 90
   */
  readonly acceptanceThreshold?: number;
  /**
   * The fraud risk threshold the deployment's flows set in Voice ID. A result computed under a higher one
   * never authenticates.
   * @default 50
   */
  readonly fraudRiskThreshold?: number;
  /**
   * Lowest authentication score accepted as AUTHENTICATED, on top of Voice ID's own ACCEPT.
   * @default - the acceptance threshold
   */
  readonly minAuthenticationScore?: number;
  /**
   * Known-fraudster risk score at or above which a caller is HIGH_RISK, whatever Voice ID's fraud decision.
   * @default - the fraud risk threshold
   */
  readonly maxKnownFraudsterRiskScore?: number;
  /**
   * Voice-spoofing risk score at or above which a caller is HIGH_RISK, whatever Voice ID's fraud decision.
   * @default - the fraud risk threshold
   */
  readonly maxVoiceSpoofingRiskScore?: number;
  /**
   * Whether authentication needs a completed fraud screening.
   * @default FraudScreening.REQUIRED
   */
  readonly fraudScreening?: FraudScreening;
  /**
   * Results whose audio ended longer ago never authenticate (Voice ID returns cached results of a session
   * until new audio arrives, e.g. for a callback of a contact that ended hours ago). 30 seconds to 30 minutes.
   * @default Duration.minutes(30)
   */
  readonly maxResultAge?: Duration;
  /**
   * Whether an AUTHENTICATED needs its decision record (regulated contact centers keep every biometric
   * authentication on file).
   * @default DecisionRecordRequirement.BEST_EFFORT
   */
  readonly decisionRecord?: DecisionRecordRequirement;
  /**
   * The watchlist (22 letters or digits) the flows screen callers against. A LOW_RISK computed against another
   * one (a flow pointed at an empty watchlist) never authenticates.
   * @default - the domain's default watchlist, which the function learns with DescribeDomain once per environment
   */
  readonly watchlistId?: string;
}

/** Properties of a {@link ContactFlowDecisionFunction}. */
export interface ContactFlowDecisionFunctionProps {
  /** The Voice ID domain to evaluate callers against. */
  readonly domain: IVoiceIdDomain;
  /** Table receiving one record per evaluation. */
  readonly decisionsTable: dynamodb.ITable;
  /** Days a decision record is kept; stamped as the record's TTL. */
  readonly decisionRetentionDays: number;
  /**
   * The decision policy.
   * @default - acceptance threshold and minimum score 90, fraud risk threshold and maximum risk scores 50,
   * fraud screening required, results at most 30 minutes old, decision records best effort
   */
  readonly policy?: DecisionPolicy;
  /**
   * Hard deadline for one decision, waiting for speech and retries included. Must leave at least
   * 1.5 s of Connect's 8 s limit.
   * @default Duration.millis(6500)
   */
  readonly decisionBudget?: Duration;
  /**
   * Spacing between two EvaluateSession calls for one contact while speech is still streaming, so
   * that one caller does not spend the account's 60 TPS quota.
   * @default Duration.seconds(1)
   */
  readonly evaluatePollInterval?: Duration;
  /**
   * Memory of the function; more memory also means more CPU and a faster cold start.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Concurrency reserved for the function, so other functions cannot starve calls in progress.
   * @default - unreserved (the account's pool)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key encrypting the function's log group. Its key policy must let CloudWatch Logs use it for the log
   * group (`kms:EncryptionContext:aws:logs:arn`).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Prefix of the log group's name, e.g. so that a key policy can be scoped to it; the name continues with
   * the construct's id and the stack's id (`<prefix>contact-flow-decision/<uuid>` for id `ContactFlowDecision`).
   * @default - a name CloudFormation generates
   */
  readonly logGroupNamePrefix?: string;
  /**
   * Resolve stack traces through the bundled source map at run time. The map ships with the asset either
   * way (stack traces can be mapped offline); resolving at run time adds about 30 ms to every cold start.
   * @default false
   */
  readonly enableSourceMaps?: boolean;
  /**
   * Topic the function's alarms notify.
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Prefix of the alarms' names (`<prefix>contact-flow-decision-errors`, ... for id `ContactFlowDecision`),
   * e.g. so that the topic's and its key's policies can let CloudWatch publish for exactly these alarms.
   * @default - names CloudFormation generates
   */
  readonly alarmNamePrefix?: string;
}

/**
 * The Lambda an Amazon Connect contact flow invokes to decide about a caller with Voice ID:
 * bundled with esbuild (minified, source maps, Node.js 22 on arm64), least privilege through the
 * domain's and the table's grants, a log group with retention, and alarms.
 */
export class ContactFlowDecisionFunction extends Construct {
  readonly function: lambda.IFunction;
  /** Version of the decision policy, recorded with every decision. */
  readonly policyVersion: string;
  /** The decision policy in force, defaults filled in. */
  readonly policy: ResolvedDecisionPolicy;
  readonly alarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: ContactFlowDecisionFunctionProps) {
    super(scope, id);
    const budget = props.decisionBudget ?? Duration.millis(DEFAULT_DECISION_BUDGET_MS);
    const pollInterval = props.evaluatePollInterval ?? Duration.millis(DEFAULT_EVALUATE_POLL_INTERVAL_MS);
    validate(props, budget, pollInterval);

    const policy = resolvePolicy(props.policy ?? {});
    this.policy = policy;
    this.policyVersion = policyVersionOf(policy);

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupNamePrefix === undefined ? undefined : deploymentLogGroupName(this, props.logGroupNamePrefix, kebabCase(this.node.id)),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
    });

    // Its own role rather than the AWS-managed basic execution policy: logs go to this one log group only.
    const role = new iam.Role(this, 'Role', {
      description: 'Runs the Amazon Connect contact-flow decision function',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, 'Function', {
      role,
      description: 'Decides about a caller from Voice ID EvaluateSession for an Amazon Connect contact flow',
      entry: path.join(__dirname, '..', '..', 'lambda', 'contact-flow-decision', 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      // Connect stops waiting at 8 s; the handler answers before its own budget, well inside this.
      timeout: CONNECT_LIMIT,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        // Names from the function's own configuration module: the two cannot drift apart.
        [ENV.voiceIdDomainId]: props.domain.domainId,
        [ENV.decisionsTableName]: props.decisionsTable.tableName,
        [ENV.decisionRetentionDays]: String(props.decisionRetentionDays),
        [ENV.decisionBudgetMs]: String(budget.toMilliseconds()),
        [ENV.evaluatePollIntervalMs]: String(pollInterval.toMilliseconds()),
        [ENV.policyVersion]: this.policyVersion,
        // Every threshold written out, so that the deployed function never falls back on a default of its own.
        [ENV.policyAcceptanceThreshold]: String(policy.acceptanceThreshold),
        [ENV.policyFraudRiskThreshold]: String(policy.fraudRiskThreshold),
        [ENV.policyMinAuthenticationScore]: String(policy.minAuthenticationScore),
        [ENV.policyMaxKnownFraudsterRiskScore]: String(policy.maxKnownFraudsterRiskScore),
        [ENV.policyMaxVoiceSpoofingRiskScore]: String(policy.maxVoiceSpoofingRiskScore),
        [ENV.policyFraudScreening]: policy.fraudScreening,
        [ENV.policyMaxResultAgeSeconds]: String(policy.maxResultAgeSeconds),
        [ENV.policyDecisionRecord]: policy.decisionRecord,
        ...(policy.watchlistId !== undefined && { [ENV.policyWatchlistId]: policy.watchlistId }),
        [ENV.powertoolsServiceName]: SERVICE_NAME,
        [ENV.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
        ...(props.enableSourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      bundling: BUNDLING,
    });
    this.function = fn;

    props.domain.grantEvaluate(fn);
    // The domain's default watchlist: the one a LOW_RISK must come from unless a watchlist is configured.
    props.domain.grantDescribe(fn);
    // Exactly what recording needs (a conditional PutItem), with the key used only through DynamoDB.
    grantTableActions(fn, props.decisionsTable, ['dynamodb:PutItem']);

    const inlineReason = 'The role is this function\'s alone and its policy is generated from scoped grants (domain, table, log group); nothing else attaches it.';
    Validations.of(role).acknowledge(
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inlineReason },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inlineReason },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.' },
    );
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason: 'Pinned to Node.js 22, the runtime the bundle targets and the tests run against; move with the bundle target, not silently.',
      },
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason: 'Invoked synchronously by Amazon Connect and calls only Voice ID and DynamoDB public endpoints; a VPC adds network hops inside an 8-second phone-call budget and stores no data.',
      },
      {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason: 'Invoked synchronously by Amazon Connect and calls only Voice ID and DynamoDB public endpoints; a VPC adds network hops inside an 8-second phone-call budget and stores no data.',
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason: 'Invoked synchronously by Amazon Connect, which takes the flow\'s error branch on failure; there are no asynchronous events to dead-letter.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason: 'Invoked synchronously by Amazon Connect, which takes the flow\'s error branch on failure; there are no asynchronous events to dead-letter.',
      },
    );
    if (props.reservedConcurrentExecutions === undefined) {
      const reason = 'Reserving concurrency caps simultaneous calls at peak; it is sized per contact center with the reservedConcurrentExecutions prop.';
      Validations.of(fn).acknowledge(
        { id: 'NIST.800.53.R5-LambdaConcurrency', reason },
        { id: 'HIPAA.Security-LambdaConcurrency', reason },
      );
    }

    this.alarms = this.createAlarms(fn, budget, props.alarmTopic, props.alarmNamePrefix);
  }

  /** A metric the handler publishes (Powertools EMF: namespace and `service` dimension from its environment). */
  private decisionMetric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }

  private createAlarms(fn: lambda.Function, budget: Duration, topic?: sns.ITopic, namePrefix?: string): cloudwatch.IAlarm[] {
    const period = Duration.minutes(1);
    const alarmName = (name: string) => (namePrefix === undefined ? undefined : `${namePrefix}${kebabCase(this.node.id)}-${name}`);
    const alarms = [
      fn.metricErrors({ period, statistic: 'Sum' }).createAlarm(this, 'ErrorsAlarm', {
        alarmName: alarmName('errors'),
        alarmDescription: 'The decision function failed: Connect took the flow\'s error branch for these calls.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      fn.metricThrottles({ period, statistic: 'Sum' }).createAlarm(this, 'ThrottlesAlarm', {
        alarmName: alarmName('throttles'),
        alarmDescription: 'The decision function was throttled: calls went unevaluated.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      fn.metricDuration({ period: Duration.minutes(5), statistic: 'p99' }).createAlarm(this, 'DurationNearBudgetAlarm', {
        alarmName: alarmName('duration-near-budget'),
        alarmDescription: 'p99 duration is within 500 ms of the decision budget: callers are about to get RETRY or ERROR for lack of time.',
        threshold: budget.toMilliseconds() - 500,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      this.decisionMetric('RecordFailures').createAlarm(this, 'RecordFailuresAlarm', {
        alarmName: alarmName('record-failures'),
        alarmDescription: 'Decisions were answered but not recorded in the decisions table: the audit trail has gaps.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      this.decisionMetric('DecisionErrors').createAlarm(this, 'DecisionErrorsAlarm', {
        alarmName: alarmName('decision-errors'),
        alarmDescription: 'Calls got decision ERROR (Voice ID failing, throttling past the budget, invalid events): they went down the flow\'s error path.',
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (topic) for (const alarm of alarms) alarm.addAlarmAction(new cwActions.SnsAction(topic));
    return alarms;
  }
}

/** Shared by the CDK asset and the benchmarks, so both measure what is deployed. */
export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.CJS,
  // The SDK's ES module builds tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
  // Bundle the SDK instead of using the runtime's copy: versions are pinned and only what is used is loaded.
  externalModules: [],
  // In Lambda, credentials come from the environment: bundle that step of the provider chain only.
  esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': './lambda/shared/lambda-credentials.ts' },
};


/** The policy with every default filled in: what the function's environment carries. */
export type ResolvedDecisionPolicy = DeploymentPolicy;

function resolvePolicy(policy: DecisionPolicy): ResolvedDecisionPolicy {
  const acceptanceThreshold = policy.acceptanceThreshold ?? DEFAULT_ACCEPTANCE_THRESHOLD;
  const fraudRiskThreshold = policy.fraudRiskThreshold ?? DEFAULT_FRAUD_RISK_THRESHOLD;
  return {
    acceptanceThreshold,
    fraudRiskThreshold,
    minAuthenticationScore: policy.minAuthenticationScore ?? acceptanceThreshold,
    maxKnownFraudsterRiskScore: policy.maxKnownFraudsterRiskScore ?? fraudRiskThreshold,
    maxVoiceSpoofingRiskScore: policy.maxVoiceSpoofingRiskScore ?? fraudRiskThreshold,
    fraudScreening: policy.fraudScreening ?? FraudScreening.REQUIRED,
    maxResultAgeSeconds: (policy.maxResultAge ?? Duration.seconds(DEFAULT_MAX_RESULT_AGE_SECONDS)).toSeconds(),
    decisionRecord: policy.decisionRecord ?? DecisionRecordRequirement.BEST_EFFORT,
    watchlistId: policy.watchlistId,
  };
}

/** A short, stable digest of the policy: changes whenever any of its settings does. */
function policyVersionOf(policy: ResolvedDecisionPolicy): string {
  const canonical = JSON.stringify([
    policy.acceptanceThreshold,
    policy.fraudRiskThreshold,
    policy.minAuthenticationScore,
    policy.maxKnownFraudsterRiskScore,
    policy.maxVoiceSpoofingRiskScore,
    policy.fraudScreening,
    policy.maxResultAgeSeconds,
    // Appended only when set, so that versions of existing deployments stay what they were.
    ...(policy.decisionRecord === DecisionRecordRequirement.REQUIRED ? [policy.decisionRecord] : []),
    ...(policy.watchlistId !== undefined ? [`watchlist:${policy.watchlistId}`] : []),
  ]);
  return `p-${crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 10)}`;
}

function validate(props: ContactFlowDecisionFunctionProps, budget: Duration, pollInterval: Duration): void {
  const scores: Array<[string, number | undefined]> = [
    ['policy.acceptanceThreshold', props.policy?.acceptanceThreshold],
    ['policy.fraudRiskThreshold', props.policy?.fraudRiskThreshold],
    ['policy.minAuthenticationScore', props.policy?.minAuthenticationScore],
    ['policy.maxKnownFraudsterRiskScore', props.policy?.maxKnownFraudsterRiskScore],
    ['policy.maxVoiceSpoofingRiskScore', props.policy?.maxVoiceSpoofingRiskScore],
  ];
  for (const [name, value] of scores) {
    if (value !== undefined && (!Number.isInteger(value) || value < MIN_SCORE || value > MAX_SCORE)) {
      throw new Error(`ContactFlowDecisionFunction: ${name} must be a whole number from ${MIN_SCORE} to ${MAX_SCORE}, got ${value}`);
    }
  }
  const maxAge = props.policy?.maxResultAge;
  if (maxAge !== undefined && !Token.isUnresolved(maxAge.toSeconds({ integral: false }))) {
    const seconds = maxAge.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < MIN_RESULT_AGE_SECONDS || seconds > MAX_RESULT_AGE_SECONDS) {
      throw new Error(`ContactFlowDecisionFunction: policy.maxResultAge must be whole seconds from ${MIN_RESULT_AGE_SECONDS} to ${MAX_RESULT_AGE_SECONDS}, got ${seconds} s`);
    }
  }
  // The limits the function applies to its own environment: a value accepted here and refused there would
  // make every call answer ERROR.
  const ms = budget.toMilliseconds();
  if (!Token.isUnresolved(ms) && (ms < MIN_DECISION_BUDGET_MS || ms > MAX_DECISION_BUDGET_MS)) {
    throw new Error(`ContactFlowDecisionFunction: decisionBudget must be from ${MIN_DECISION_BUDGET_MS} ms to ${MAX_DECISION_BUDGET_MS} ms (leaving 1.5 s of Connect's 8 s), got ${ms} ms`);
  }
  const poll = pollInterval.toMilliseconds();
  if (poll < MIN_EVALUATE_POLL_INTERVAL_MS || poll > MAX_EVALUATE_POLL_INTERVAL_MS || poll >= ms) {
    throw new Error(`ContactFlowDecisionFunction: evaluatePollInterval must be from ${MIN_EVALUATE_POLL_INTERVAL_MS} to ${MAX_EVALUATE_POLL_INTERVAL_MS} ms and shorter than decisionBudget, got ${poll} ms`);
  }
  const days = props.decisionRetentionDays;
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new Error(`ContactFlowDecisionFunction: decisionRetentionDays must be a whole number from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}, got ${days}`);
  }
  if (props.memorySize !== undefined && (props.memorySize < 128 || props.memorySize > 10240)) {
    throw new Error(`ContactFlowDecisionFunction: memorySize must be from 128 to 10240 MB, got ${props.memorySize}`);
  }
  const watchlistId = props.policy?.watchlistId;
  if (watchlistId !== undefined && !Token.isUnresolved(watchlistId) && !/^[a-zA-Z0-9]{22}$/.test(watchlistId)) {
    throw new Error(`ContactFlowDecisionFunction: policy.watchlistId must be a Voice ID watchlist id (22 letters or digits), got '${watchlistId}'`);
  }
}
