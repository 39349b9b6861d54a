import * as path from 'node:path';
import { ArnFormat, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { Construct } from 'constructs';
import { BATCH_ENV, BATCH_EVENT_ACTIONS, COMPLETION_EVENT, JOB_OUTPUT_PREFIX, SUMMARY_SUFFIX, UPLOAD_PREFIXES, UPLOAD_SUFFIXES } from '../../lambda/batch-workflow/config';
import { JOBS_PREFIX, VALIDATION_REPORT_SUFFIX } from '../../lambda/batch-workflow/use-case/prepare-batch';
import { BUNDLING } from './contact-flow-decision-function';
import { acknowledgeLambdaPlacement } from '../nag/lambda-acknowledgements';
import { grantObjects, grantTableActions } from './scoped-grants';
import { deploymentLogGroupName, kebabCase } from './telemetry-names';
import { IVoiceIdDomain } from './voice-id-domain';

/** Properties of a {@link BatchWorkflow}. */
export interface BatchWorkflowProps {
  /** The Voice ID domain the jobs run in. */
  readonly domain: IVoiceIdDomain;
  /** Bucket of manifests and audio; uploads under its prefixes start the workflow. It must send events to EventBridge. */
  readonly inputBucket: s3.IBucket;
  /** Bucket Voice ID writes job output (`.out` files) to. */
  readonly outputBucket: s3.IBucket;
  /** Role Voice ID assumes to read the input and write the output. */
  readonly dataAccessRole: iam.IRole;
  /** Key Voice ID encrypts job output with (the output bucket's key). */
  readonly outputKey: kms.IKey;
  /** Table of jobs, per-request outcomes, the job lock and waiting task tokens. */
  readonly batchJobsTable: dynamodb.ITable;
  /**
   * How often a schedule looks at the jobs executions wait for: the polling fallback for Voice ID events that never
   * arrive (they are best effort). A job none of whose events arrived within an interval of the wait's start is
   * described once per interval; a job whose events arrive is left to them. Nothing runs in the executions.
   * @default Duration.minutes(5)
   */
  readonly pollInterval?: Duration;
  /**
   * Longest a wait task waits for its token before it waits again with a new one (which describes the job): it only
   * matters when a token was lost. Executions pay two state transitions per timeout, so keep it long.
   * @default Duration.hours(12)
   */
  readonly jobWaitTimeout?: Duration;
  /**
   * Days the per-request outcomes and job items are kept.
   * @default 365
   */
  readonly recordRetentionDays?: number;
  /**
   * Longest an execution runs (validation, queueing behind other uploads, every job of the file).
   * @default Duration.days(3)
   */
  readonly executionTimeout?: Duration;
  /** Name of the state machine. @default - generated */
  readonly stateMachineName?: string;
  /** Key of the log groups. @default - CloudWatch Logs' own encryption */
  readonly logEncryptionKey?: kms.IKey;
  /** Prefix of the log group names (the one the telemetry key's policy names). @default - generated names */
  readonly logGroupNamePrefix?: string;
  /** Topic the workflow's alarms notify. @default - alarms without actions */
  readonly alarmTopic?: sns.ITopic;
  /** Prefix of the alarm names. @default '' */
  readonly alarmNamePrefix?: string;
}

/** The default `pollInterval`: events normally finish the wait; this bounds how late a lost event makes it. */
const DEFAULT_POLL_INTERVAL = Duration.minutes(5);
const DEFAULT_JOB_WAIT_TIMEOUT = Duration.hours(12);
const DEFAULT_RECORD_RETENTION_DAYS = 365;
const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda', 'batch-workflow');

/**
 * Batch speaker enrollment and fraudster registration as a Step Functions workflow: an upload to the input
 * bucket (or a direct start) is validated, split into Voice ID jobs, each started when no other job of its type
 * runs, waited for without paying per minute, and its per-request outcomes recorded; a summary is written next
 * to the input and a completion event published.
 */
export class BatchWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** The functions of the workflow's steps, by step. */
  readonly functions: { readonly prepare: lambda.IFunction; readonly lock: lambda.IFunction; readonly wait: lambda.IFunction; readonly record: lambda.IFunction; readonly finish: lambda.IFunction };
  readonly alarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: BatchWorkflowProps) {
    super(scope, id);
    const pollInterval = props.pollInterval ?? DEFAULT_POLL_INTERVAL;
    const jobWaitTimeout = props.jobWaitTimeout ?? DEFAULT_JOB_WAIT_TIMEOUT;
    const retentionDays = props.recordRetentionDays ?? DEFAULT_RECORD_RETENTION_DAYS;
    const executionTimeout = props.executionTimeout ?? Duration.days(3);
    validate(pollInterval, jobWaitTimeout, retentionDays, executionTimeout);
    const stack = Stack.of(this);
    const stateMachineName = props.stateMachineName ?? `${stack.stackName}-batch-workflow`.slice(0, 80);
    // Built from the name, not referenced: the wait function must be allowed to answer the state machine that invokes it.
    const stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    const table = props.batchJobsTable;
    const step = (name: string, handlerFile: string, description: string, timeout: Duration, environment: Record<string, string>) =>
      stepFunction(this, name, { handlerFile, description, timeout, environment, logEncryptionKey: props.logEncryptionKey, logGroupNamePrefix: props.logGroupNamePrefix });

    const prepare = step('Prepare', 'prepare-handler.ts', 'Validates an uploaded batch manifest and its audio; writes Voice ID manifests or a validation report', Duration.minutes(5), {
      [BATCH_ENV.inputBucket]: props.inputBucket.bucketName,
    });
    // Any key: a manifest names its audio by key, and manifests may be uploaded anywhere a direct start points.
    // The version an upload event names (the bucket is versioned), and ListBucket so a missing audio key is a 404 to report.
    grantObjects(prepare, props.inputBucket, { read: true, readVersions: true, list: true }, ['*'], 'Validation reads the uploaded manifest (the version its event names) and the first 4 KB of every audio object it names, which may have any key; only s3:GetObject and s3:GetObjectVersion.');
    grantObjects(prepare, props.inputBucket, { write: true }, [`${JOBS_PREFIX}*`, `*${VALIDATION_REPORT_SUFFIX}`], `Writes Voice ID's manifests under ${JOBS_PREFIX} and a validation report next to any input; only s3:PutObject, and only those keys.`);

    const lock = step('JobLock', 'job-lock-handler.ts', 'Takes and releases the one-active-job-per-type lock of the Voice ID domain', Duration.seconds(20), {
      [BATCH_ENV.batchJobsTableName]: table.tableName,
      [BATCH_ENV.voiceIdDomainId]: props.domain.domainId,
      // Held at most as long as an execution may run; an execution that ends holding it has it released by a rule below.
      [BATCH_ENV.lockLeaseSeconds]: String(executionTimeout.toSeconds()),
    });
    grantTableActions(lock, table, ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem']);
    // Whether a lock holder's execution still runs: only executions of this state machine.
    const executionsArn = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    iam.Grant.addToPrincipal({ grantee: lock, actions: ['states:DescribeExecution'], resourceArns: [executionsArn] });
    Validations.of(lock.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(executionsArn))}]`,
      reason: 'states:DescribeExecution on the executions of this state machine only (execution names are generated): the lock step checks whether a holder still runs.',
    });

    const wait = step('JobWait', 'job-wait-handler.ts', 'Completes the workflow task waiting for a Voice ID batch job once the job ended (events and polling)', Duration.seconds(60), {
      [BATCH_ENV.batchJobsTableName]: table.tableName,
      [BATCH_ENV.voiceIdDomainId]: props.domain.domainId,
      [BATCH_ENV.pollIntervalSeconds]: String(pollInterval.toSeconds()),
    });
    grantTableActions(wait, table, ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem']);
    props.domain.grantDescribeJobs(wait);
    iam.Grant.addToPrincipal({ grantee: wait, actions: ['states:SendTaskSuccess'], resourceArns: [stateMachineArn] });

    const record = step('RecordJob', 'record-handler.ts', 'Records the per-request outcomes of a Voice ID batch job from its output file', Duration.minutes(5), {
      [BATCH_ENV.inputBucket]: props.inputBucket.bucketName,
      [BATCH_ENV.outputBucket]: props.outputBucket.bucketName,
      [BATCH_ENV.batchJobsTableName]: table.tableName,
      [BATCH_ENV.recordRetentionDays]: String(retentionDays),
    });
    grantObjects(record, props.inputBucket, { read: true }, [`${JOBS_PREFIX}*`], `Reads the Voice ID manifests the workflow wrote under ${JOBS_PREFIX}; only s3:GetObject.`);
    grantObjects(record, props.outputBucket, { read: true, list: true }, [`${JOB_OUTPUT_PREFIX}/*`], `Reads Voice ID's output files, named <job id>/<manifest>.out under ${JOB_OUTPUT_PREFIX}/; only s3:GetObject.`);
    grantTableActions(record, table, ['dynamodb:BatchWriteItem']);

    const finish = step('FinishBatch', 'finish-handler.ts', 'Writes the summary of a batch next to its input', Duration.minutes(2), {
      [BATCH_ENV.inputBucket]: props.inputBucket.bucketName,
      [BATCH_ENV.batchJobsTableName]: table.tableName,
    });
    grantTableActions(finish, table, ['dynamodb:Query']);
    grantObjects(finish, props.inputBucket, { write: true }, [`*${SUMMARY_SUFFIX}`], 'Writes the summary next to any input; only s3:PutObject, and only keys ending in the summary suffix.');
    this.functions = { prepare, lock, wait, record, finish };

    const definition = this.definition(props, { jobWaitTimeout });
    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: props.logGroupNamePrefix === undefined ? undefined : deploymentLogGroupName(this, props.logGroupNamePrefix, 'batch-workflow'),
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: executionTimeout,
      tracingEnabled: true,
      // Every event, without the states' data: keys and counts only pass through it, but the history is enough to read them.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    props.domain.grantBatchJobs(this.stateMachine, props.dataAccessRole);
    // No grant on the output key: Voice ID encrypts the output as the data-access role, which holds that permission.

    this.startOnUpload(props.inputBucket);
    new events.Rule(this, 'VoiceIdJobEvents', {
      description: 'Voice ID batch job events: a trigger to describe the job the workflow waits for',
      // Not detail-type: the documents spell it both "VoiceID" and "VoiceId".
      eventPattern: { source: ['aws.voiceid'], detail: { action: [BATCH_EVENT_ACTIONS.SPEAKER_ENROLLMENT, BATCH_EVENT_ACTIONS.FRAUDSTER_REGISTRATION] } },
      // Retries are few and short: the poll schedule covers an event lost for good.
      targets: [new targets.LambdaFunction(wait, { retryAttempts: 4, maxEventAge: Duration.hours(1) })],
    });
    // An execution aborted, timed out or failed holding a job lock must not block every later upload until the lease ends.
    new events.Rule(this, 'ReleaseLocksOfEndedExecutions', {
      description: 'Releases the job lock of a batch execution that ended without releasing it',
      eventPattern: { source: ['aws.states'], detailType: ['Step Functions Execution Status Change'], detail: { stateMachineArn: [stateMachineArn], status: ['ABORTED', 'TIMED_OUT', 'FAILED'] } },
      targets: [new targets.LambdaFunction(lock, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
    new events.Rule(this, 'PollWaitingJobs', {
      description: 'The polling fallback: describes the Voice ID jobs executions wait for, once per interval',
      schedule: events.Schedule.rate(pollInterval),
      targets: [new targets.LambdaFunction(wait, { retryAttempts: 0 })],
    });

    this.alarms = this.createAlarms(props.alarmTopic, props.alarmNamePrefix ?? '');
    this.acknowledge();
  }

  /** One rule per job type: an object created under its prefix, ending in a manifest suffix, starts an execution. */
  private startOnUpload(bucket: s3.IBucket): void {
    // One role for both rules, allowed to start this state machine only.
    const role = new iam.Role(this, 'StartOnUploadRole', { description: 'Lets EventBridge start the batch workflow for an upload', assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    const inlineReason = 'EventBridge\'s own role for the upload rules; its policy is states:StartExecution on this state machine alone.';
    Validations.of(role).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inlineReason }, { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inlineReason });
    for (const [jobType, prefix] of Object.entries(UPLOAD_PREFIXES)) {
      new events.Rule(this, `Start${jobType === 'SPEAKER_ENROLLMENT' ? 'Enrollment' : 'Registration'}OnUpload`, {
        description: `Starts the batch workflow for a ${jobType} manifest uploaded under ${prefix}`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: {
            bucket: { name: [bucket.bucketName] },
            // Suffixes, so the reports and summaries written next to an input start nothing.
            object: { key: UPLOAD_SUFFIXES.flatMap((suffix) => events.Match.wildcard(`${prefix}*${suffix}`)) },
          },
        },
        targets: [
          new targets.SfnStateMachine(this.stateMachine, {
            input: events.RuleTargetInput.fromObject({
              bucket: events.EventField.fromPath('$.detail.bucket.name'),
              key: events.EventField.fromPath('$.detail.object.key'),
              versionId: events.EventField.fromPath('$.detail.object.version-id'),
              jobType,
            }),
            role,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }
  }

  private definition(props: BatchWorkflowProps, timing: { jobWaitTimeout: Duration }): sfn.IChainable {
    const { prepare, lock, wait, record, finish } = this.functions;
    const invoke = (id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultSelector: Record<string, unknown>, resultPath: string | undefined, timeout: Duration) => {
      const task = new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        resultSelector,
        resultPath,
        taskTimeout: sfn.Timeout.duration(timeout),
        retryOnServiceExceptions: true,
      });
      // Lambda's own throttling is not among the service exceptions the integration retries by default.
      task.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
      return task;
    };

    // Per job (one at a time): the lock, the start, the wait, the record, the release.
    const takeLock = invoke(
      'TakeLock',
      lock,
      { action: 'acquire', 'jobType.$': '$.jobType', 'owner.$': '$.chunk.clientToken', 'executionArn.$': '$$.Execution.Id' },
      { 'lock.$': '$.Payload.lock', 'retryAfterSeconds.$': '$.Payload.retryAfterSeconds' },
      '$.lock',
      Duration.seconds(30),
    );
    // Queued behind another job: ask again after a quarter of the time it has run (1 to 15 minutes), so a long queue
    // costs few transitions and stays far from the execution history's 25,000 events.
    const waitForLock = new sfn.Wait(this, 'WaitForLock', { time: sfn.WaitTime.secondsPath('$.lock.retryAfterSeconds') });
    const releaseLock = invoke('ReleaseLock', lock, { action: 'release', 'jobType.$': '$.jobType', 'owner.$': '$.chunk.clientToken' }, {}, sfn.JsonPath.DISCARD, Duration.seconds(30));
    const releaseLockAfterError = invoke('ReleaseLockAfterError', lock, { action: 'release', 'jobType.$': '$.jobType', 'owner.$': '$.chunk.clientToken' }, {}, sfn.JsonPath.DISCARD, Duration.seconds(30));
    // Taking and releasing are idempotent: a failing lock step (DynamoDB throttled) is simply asked again.
    for (const step of [takeLock, releaseLock, releaseLockAfterError]) {
      step.addRetry({ errors: ['States.TaskFailed', 'States.Timeout'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 5, jitterStrategy: sfn.JitterType.FULL });
    }
    // The chunk's result says it failed; the other chunks still run, and the summary and the execution report it.
    const jobStepFailed = new sfn.Pass(this, 'JobStepFailed', { parameters: { jobStatus: 'WORKFLOW_ERROR', 'chunk.$': '$.chunk.index', 'error.$': '$.error' } });
    takeLock.addCatch(jobStepFailed, { resultPath: '$.error' });
    releaseLockAfterError.addCatch(jobStepFailed, { resultPath: sfn.JsonPath.DISCARD });

    const startJob = (id: string, action: 'startSpeakerEnrollmentJob' | 'startFraudsterRegistrationJob', config: Record<string, unknown>) => {
      const task = new tasks.CallAwsService(this, id, {
        service: 'voiceid',
        action,
        // CallAwsService would derive the camelCase action name, which IAM does not know.
        iamAction: `voiceid:${action.charAt(0).toUpperCase()}${action.slice(1)}`,
        iamResources: [props.domain.domainArn],
        parameters: {
          DomainId: props.domain.domainId,
          // From the upload's identity and the chunk: a re-delivered upload event starts no second job.
          'ClientToken.$': '$.chunk.clientToken',
          'JobName.$': '$.chunk.clientToken',
          DataAccessRoleArn: props.dataAccessRole.roleArn,
          InputDataConfig: { 'S3Uri.$': `States.Format('s3://${props.inputBucket.bucketName}/{}', $.chunk.manifestKey)` },
          OutputDataConfig: { S3Uri: `s3://${props.outputBucket.bucketName}/${JOB_OUTPUT_PREFIX}`, KmsKeyId: props.outputKey.keyArn },
          ...config,
        },
        resultSelector: { 'jobId.$': '$.Job.JobId' },
        resultPath: '$.started',
        taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
      });
      // A timed-out start is safe to repeat: the ClientToken makes Voice ID answer with the job it may have created.
      task.addRetry({ errors: ['VoiceId.ThrottlingException', 'VoiceId.InternalServerException', 'States.Timeout'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.seconds(60), jitterStrategy: sfn.JitterType.FULL });
      // Another job of the type is active (started outside this workflow, or a lock that expired): try again later.
      task.addRetry({ errors: ['VoiceId.ServiceQuotaExceededException', 'VoiceId.ConflictException'], interval: Duration.minutes(1), backoffRate: 1.5, maxAttempts: 20, maxDelay: Duration.minutes(10), jitterStrategy: sfn.JitterType.FULL });
      task.addCatch(releaseLockAfterError, { resultPath: '$.error' });
      return task;
    };
    const startEnrollment = startJob('StartSpeakerEnrollmentJob', 'startSpeakerEnrollmentJob', { 'EnrollmentConfig.$': '$.config.enrollmentConfig' });
    const startRegistration = startJob('StartFraudsterRegistrationJob', 'startFraudsterRegistrationJob', { 'RegistrationConfig.$': '$.config.registrationConfig' });

    const waitForJob = new tasks.LambdaInvoke(this, 'WaitForJob', {
      lambdaFunction: wait,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ taskToken: sfn.JsonPath.taskToken, 'jobId.$': '$.started.jobId', 'jobType.$': '$.jobType' }),
      resultPath: '$.job',
      // Only for a token lost for good (the event path and the poll schedule complete it): wait again, which describes the job.
      taskTimeout: sfn.Timeout.duration(timing.jobWaitTimeout),
    });
    // A failing wait function (DynamoDB, Step Functions) is retried before the chunk is given up with its job still running.
    // Retried for about half an hour (full jitter): giving up releases the lock while the job may still run.
    waitForJob.addRetry({ errors: ['States.TaskFailed', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException'], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 10, maxDelay: Duration.minutes(10), jitterStrategy: sfn.JitterType.FULL });
    waitForJob.addCatch(waitForJob, { errors: ['States.Timeout'], resultPath: sfn.JsonPath.DISCARD });
    waitForJob.addCatch(releaseLockAfterError, { resultPath: '$.error' });

    const recordJob = invoke(
      'RecordJob',
      record,
      { 'jobType.$': '$.jobType', 'inputKey.$': '$.inputKey', 'manifestKey.$': '$.chunk.manifestKey', 'job.$': '$.job' },
      { 'jobId.$': '$.Payload.jobId', 'jobStatus.$': '$.Payload.jobStatus', 'counts.$': '$.Payload.counts' },
      '$.recorded',
      Duration.minutes(6),
    );
    recordJob.addCatch(releaseLockAfterError, { resultPath: '$.error' });
    const jobDone = new sfn.Pass(this, 'JobDone', { parameters: { 'jobId.$': '$.recorded.jobId', 'jobStatus.$': '$.recorded.jobStatus', 'counts.$': '$.recorded.counts' } });
    // The job is recorded: a lock that could not be released is taken over by this execution's next chunk, or by another
    // execution once this one has ended, and at worst ends with its lease.
    releaseLock.addCatch(jobDone, { resultPath: sfn.JsonPath.DISCARD });

    releaseLockAfterError.next(jobStepFailed);
    const afterStart = waitForJob.next(recordJob).next(releaseLock).next(jobDone);
    startEnrollment.next(afterStart);
    startRegistration.next(afterStart);
    const startByType = new sfn.Choice(this, 'JobTypeIs')
      .when(sfn.Condition.stringEquals('$.jobType', 'SPEAKER_ENROLLMENT'), startEnrollment)
      .otherwise(startRegistration);
    const perJob = takeLock.next(
      new sfn.Choice(this, 'LockTaken').when(sfn.Condition.stringEquals('$.lock.lock', 'ACQUIRED'), startByType).otherwise(waitForLock.next(takeLock)),
    );

    const runJobs = new sfn.Map(this, 'RunJobs', {
      itemsPath: '$.prepared.jobs',
      // Voice ID runs one job of a type per domain: the chunks of a file go one after the other.
      maxConcurrency: 1,
      itemSelector: { 'jobType.$': '$.jobType', 'inputKey.$': '$.key', 'config.$': '$.prepared.config', 'chunk.$': '$$.Map.Item.Value' },
      resultPath: '$.jobs',
    });
    runJobs.itemProcessor(perJob);

    const prepareStep = invoke(
      'Prepare',
      prepare,
      { 'bucket.$': '$.bucket', 'key.$': '$.key', 'versionId.$': '$.versionId', 'jobType.$': '$.jobType', 'options.$': '$.options' },
      { 'valid.$': '$.Payload.valid', 'result.$': '$.Payload' },
      '$.validation',
      Duration.minutes(6),
    );
    const publish = (id: string, detail: Record<string, unknown>) => {
      const task = new tasks.EventBridgePutEvents(this, id, {
        entries: [{ source: COMPLETION_EVENT.source, detailType: COMPLETION_EVENT.detailType, detail: sfn.TaskInput.fromObject(detail) }],
        resultPath: sfn.JsonPath.DISCARD,
        taskTimeout: sfn.Timeout.duration(Duration.seconds(30)),
      });
      task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4, jitterStrategy: sfn.JitterType.FULL });
      return task;
    };
    const publishRefusal = publish('PublishRefusal', { status: 'INVALID', 'bucket.$': '$.bucket', 'key.$': '$.key', 'jobType.$': '$.jobType', 'reportKey.$': '$.validation.result.reportKey', 'problems.$': '$.validation.result.problems' });
    const manifestInvalid = new sfn.Fail(this, 'ManifestInvalid', { error: 'BatchManifestInvalid', cause: `The manifest or its audio broke Voice ID's rules; no job was started. Read the validation report next to the input (<key>${VALIDATION_REPORT_SUFFIX}).` });

    const summarize = (id: string, jobsPath: string, withError: boolean) =>
      invoke(
        id,
        finish,
        { 'inputKey.$': '$.key', 'jobType.$': '$.jobType', 'jobs.$': jobsPath, ...(withError && { 'error.$': '$.error' }) },
        { 'status.$': '$.Payload.status', 'summaryKey.$': '$.Payload.summaryKey', 'jobs.$': '$.Payload.jobs', 'counts.$': '$.Payload.counts' },
        '$.summary',
        Duration.minutes(3),
      );
    const finishBatch = summarize('FinishBatch', '$.jobs', false);
    const finishAfterError = summarize('FinishAfterError', '$.noJobs', true);
    const publishCompletion = publish('PublishCompletion', { 'status.$': '$.summary.status', 'bucket.$': '$.bucket', 'key.$': '$.key', 'jobType.$': '$.jobType', 'summaryKey.$': '$.summary.summaryKey', 'jobs.$': '$.summary.jobs', 'counts.$': '$.summary.counts' });
    const batchFailed = new sfn.Fail(this, 'BatchFailed', { error: 'BatchJobFailed', cause: `A Voice ID job failed or the workflow stopped early; read the summary next to the input (<key>${SUMMARY_SUFFIX}).` });
    const outcome = new sfn.Choice(this, 'BatchSucceeded').when(sfn.Condition.stringEquals('$.summary.status', 'FAILED'), batchFailed).otherwise(new sfn.Succeed(this, 'Done'));

    // The Map itself failed (the chunks catch their own errors): release every lock a chunk of this file may hold.
    const releaseAllLocks = invoke('ReleaseAllLocks', lock, { action: 'releaseAll', 'jobType.$': '$.jobType', 'owners.$': '$.prepared.jobs[*].clientToken' }, {}, sfn.JsonPath.DISCARD, Duration.seconds(30));
    releaseAllLocks.addCatch(new sfn.Pass(this, 'LocksLeftToTheirLease'), { resultPath: sfn.JsonPath.DISCARD });
    const noJobsRecorded = new sfn.Pass(this, 'NoJobsRecorded', { result: sfn.Result.fromArray([]), resultPath: '$.noJobs' });
    releaseAllLocks.next(noJobsRecorded);
    (this.node.findChild('LocksLeftToTheirLease') as sfn.Pass).next(noJobsRecorded);
    noJobsRecorded.next(finishAfterError);
    runJobs.addCatch(releaseAllLocks, { resultPath: '$.error' });
    finishAfterError.next(publishCompletion);
    // A direct start may leave out versionId and options; an upload event gives versionId. The required fields
    // default to null too, so that leaving one out is Prepare's InvalidBatchInput (naming it), not a path error.
    const withDefaults = new sfn.Pass(this, 'ApplyInputDefaults', {
      parameters: { 'input.$': 'States.JsonMerge($, $$.Execution.Input, false)' },
      outputPath: '$.input',
    });
    const defaults = new sfn.Pass(this, 'InputDefaults', { result: sfn.Result.fromObject({ bucket: null, key: null, jobType: null, versionId: null, options: {} }) });
    return defaults
      .next(withDefaults)
      .next(prepareStep)
      .next(
        new sfn.Choice(this, 'ManifestValid')
          .when(sfn.Condition.booleanEquals('$.validation.valid', true), new sfn.Pass(this, 'Validated', { parameters: { 'bucket.$': '$.bucket', 'key.$': '$.key', 'jobType.$': '$.jobType', 'prepared.$': '$.validation.result' } }).next(runJobs).next(finishBatch).next(publishCompletion).next(outcome))
          .otherwise(publishRefusal.next(manifestInvalid)),
      );
  }

  private createAlarms(topic: sns.ITopic | undefined, prefix: string): cloudwatch.IAlarm[] {
    const alarm = (id: string, metric: cloudwatch.Metric, name: string, description: string) =>
      metric.createAlarm(this, id, {
        alarmName: `${prefix}${name}`,
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const period = Duration.minutes(5);
    const alarms = [
      alarm('ExecutionsFailedAlarm', this.stateMachine.metricFailed({ period, statistic: 'Sum' }), 'batch-executions-failed', 'A batch ended FAILED: an invalid manifest (validation report next to the input), a failed Voice ID job or a step that failed after its retries (summary next to the input).'),
      alarm('ExecutionsTimedOutAlarm', this.stateMachine.metricTimedOut({ period, statistic: 'Sum' }), 'batch-executions-timed-out', 'A batch execution ran past its timeout: a job lock held too long or a job that never ended.'),
      alarm('ExecutionsAbortedAlarm', this.stateMachine.metricAborted({ period, statistic: 'Sum' }), 'batch-executions-aborted', 'Someone stopped a batch execution: its job lock is released (by a rule, or by the next execution that finds it held), but its Voice ID job, if one runs, is not recorded.'),
      alarm('JobEventErrorsAlarm', this.functions.wait.metricErrors({ period, statistic: 'Sum' }), 'batch-job-event-errors', 'Voice ID batch events failed to be handled; waiting executions fall back on polling.'),
      alarm('JobLockErrorsAlarm', this.functions.lock.metricErrors({ period, statistic: 'Sum' }), 'batch-job-lock-errors', 'The job lock could not be taken or released (including for an execution that ended): uploads of that type may queue until the lock is checked again.'),
    ];
    if (topic) for (const a of alarms) a.addAlarmAction(new cwActions.SnsAction(topic));
    return alarms;
  }

  private acknowledge(): void {
    const stack = Stack.of(this);
    const inlineReason = 'The state machine\'s own role; its policy is generated from scoped grants (the step functions, the domain, the data key, the event bus); nothing else attaches it.';
    Validations.of(this.stateMachine).acknowledge(
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inlineReason },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inlineReason },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Execution logging and X-Ray tracing: the log-delivery actions (logs:CreateLogDelivery and the rest, as Step Functions documents them) and xray:PutTraceSegments, PutTelemetryRecords, GetSampling* support no resource-level permissions.',
      },
      ...Object.values(this.functions).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on the step function\'s versions and aliases (`<arn>:*`), as the Step Functions Lambda integration grants it; the function itself is named.',
      })),
    );
  }
}

interface StepFunctionOptions {
  /** The handler module in lambda/batch-workflow/. */
  readonly handlerFile: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logEncryptionKey?: kms.IKey;
  readonly logGroupNamePrefix?: string;
}

/** One step's function: its own log group (the telemetry key's) and its own role, granted what the step needs. */
function stepFunction(scope: Construct, id: string, options: StepFunctionOptions): NodejsFunction {
  const purpose = `batch-${kebabCase(id)}`;
  const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
    logGroupName: options.logGroupNamePrefix === undefined ? undefined : deploymentLogGroupName(scope, options.logGroupNamePrefix, purpose),
    retention: logs.RetentionDays.ONE_MONTH,
    encryptionKey: options.logEncryptionKey,
  });
  const role = new iam.Role(scope, `${id}Role`, { description: `Runs the batch workflow's ${id} step`, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, `${id}Function`, {
    role,
    description: options.description,
    entry: path.join(LAMBDA_DIR, options.handlerFile),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 1024,
    timeout: options.timeout,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    environment: { ...options.environment, [BATCH_ENV.powertoolsServiceName]: purpose },
    bundling: BUNDLING,
  });
  const inlineReason = 'The role is this step\'s alone and its policy is generated from scoped grants (buckets, table, domain, log group); nothing else attaches it.';
  Validations.of(role).acknowledge(
    { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inlineReason },
    { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inlineReason },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.' },
  );
  const notInVpc = 'Calls only the S3, DynamoDB, Voice ID and Step Functions public endpoints over TLS and keeps no data of its own; no VPC resource is involved.';
  const noDlq = 'Invoked by Step Functions, whose Retry and Catch handle a failed invocation; the event-triggered wait step has the state machine\'s polling as its fallback.';
  const noReserved = 'Batch steps run one job at a time per type; reserving concurrency would only take capacity from the account.';
  Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: 'Pinned to Node.js 22, the runtime the bundle targets and the tests run against; move with the bundle target, not silently.' });
  acknowledgeLambdaPlacement(fn, { noVpc: notInVpc, noDlq, noReservedConcurrency: noReserved });
  return fn;
}

function validate(pollInterval: Duration, jobWaitTimeout: Duration, retentionDays: number, executionTimeout: Duration): void {
  // Voice ID allows 2 TPS for its batch APIs: a poll per minute and job is the most the fallback may take.
  if (pollInterval.toSeconds() < 60 || pollInterval.toSeconds() > 3600 || pollInterval.toSeconds() % 60 !== 0) {
    throw new Error(`BatchWorkflow: pollInterval must be whole minutes from 1 to 60 (got ${pollInterval.toSeconds()} s)`);
  }
  if (jobWaitTimeout.toSeconds() < 3600 || jobWaitTimeout.toSeconds() > 7 * 24 * 3600) throw new Error(`BatchWorkflow: jobWaitTimeout must be 1 hour to 7 days (got ${jobWaitTimeout.toSeconds()} s)`);
  if (executionTimeout.toSeconds() < 3600 || executionTimeout.toSeconds() > 365 * 24 * 3600) throw new Error(`BatchWorkflow: executionTimeout must be 1 hour to 365 days (got ${executionTimeout.toSeconds()} s)`);
  if (jobWaitTimeout.toSeconds() > executionTimeout.toSeconds()) throw new Error('BatchWorkflow: jobWaitTimeout must not be longer than executionTimeout');
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) throw new Error(`BatchWorkflow: recordRetentionDays must be a whole number of days from 1 to 3650 (got ${retentionDays})`);
}
