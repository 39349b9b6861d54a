/** The batch workflow as the stateless stack synthesizes it: the state machine, its rules, roles and alarms. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import aslValidator from 'asl-validator';
import { BatchWorkflow } from '../../../lib/constructs/batch-workflow';
import { VoiceIdDomain } from '../../../lib/constructs/voice-id-domain';
import { buildTestApp } from '../../support/app';

const { statelessTemplate: template } = buildTestApp();

/**
 * The definition as Step Functions receives it once CloudFormation resolved it: the partition, function ARNs and
 * the stateful stack's values (`stateful:<output>`) filled in.
 */
function definition(t: Template = template): { text: string; json: Definition } {
  const [machine] = Object.values(t.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: { DefinitionString: unknown } }>;
  const value = machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const token = (part: Record<string, unknown>): string => {
    if (part.Ref === 'AWS::Partition') return 'aws';
    const getAtt = part['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt) return `arn:aws:lambda:eu-west-2:123456789012:function:${getAtt[0]}`;
    const output = part['Fn::GetStackOutput'] as { OutputName: string } | undefined;
    if (output) return `stateful-${output.OutputName}`;
    throw new Error(`unexpected token in the definition: ${JSON.stringify(part)}`);
  };
  const text = value['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : token(part as Record<string, unknown>))).join('');
  return { text, json: JSON.parse(text) as Definition };
}
interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Array<{ ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; JitterStrategy?: string }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Parameters?: Record<string, unknown>;
  MaxConcurrency?: number;
  ItemProcessor?: { ProcessorConfig: { Mode: string }; States: Record<string, State> };
}
interface Definition {
  States: Record<string, State>;
  TimeoutSeconds?: number;
}
function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, s]) => [[name, s] as [string, State], ...(s.ItemProcessor ? allStates(s.ItemProcessor.States) : [])]);
}

describe('the state machine', () => {
  const { json } = definition();
  const states = Object.fromEntries(allStates(json.States));

  test('is valid Amazon States Language (asl-validator, given a copy: it mutates its input)', () => {
    const { isValid, errorsText } = aslValidator(structuredClone(json) as never);
    expect(errorsText()).toBe('');
    expect(isValid).toBe(true);
  });

  test('every Task has an explicit timeout, and the execution has one too', () => {
    const tasks = allStates(json.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBe(13);
    for (const [name, s] of tasks) expect({ name, timeout: typeof s.TimeoutSeconds }).toEqual({ name, timeout: 'number' });
    expect(json.TimeoutSeconds).toBe(3 * 24 * 3600);
  });

  test('starts jobs through the AWS SDK integration with a ClientToken from the upload and chunk, retrying throttling with jitter and a busy domain later', () => {
    for (const [name, action, config] of [['StartSpeakerEnrollmentJob', 'startSpeakerEnrollmentJob', 'EnrollmentConfig.$'], ['StartFraudsterRegistrationJob', 'startFraudsterRegistrationJob', 'RegistrationConfig.$']] as const) {
      const s = states[name];
      expect(s.Resource).toBe(`arn:aws:states:::aws-sdk:voiceid:${action}`);
      expect(s.Parameters).toEqual(expect.objectContaining({ 'ClientToken.$': '$.chunk.clientToken', [config]: expect.stringMatching(/^\$\.config\./), OutputDataConfig: expect.objectContaining({ KmsKeyId: expect.any(String) }) }));
      expect(s.Retry).toEqual([
        expect.objectContaining({ ErrorEquals: ['VoiceId.ThrottlingException', 'VoiceId.InternalServerException', 'States.Timeout'], JitterStrategy: 'FULL' }),
        expect.objectContaining({ ErrorEquals: ['VoiceId.ServiceQuotaExceededException', 'VoiceId.ConflictException'], IntervalSeconds: 60, JitterStrategy: 'FULL' }),
      ]);
      // A start that fails for good releases the lock before failing the job.
      expect(s.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseLockAfterError' }]);
    }
  });

  test('waits with a task token, paying no transition while the job runs; a lost token times out after hours and waits again', () => {
    const wait = states.WaitForJob;
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.Parameters).toEqual(expect.objectContaining({ Payload: { 'taskToken.$': '$$.Task.Token', 'jobId.$': '$.started.jobId', 'jobType.$': '$.jobType' } }));
    expect(wait.TimeoutSeconds).toBe(12 * 3600);
    expect(wait.Catch?.[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'WaitForJob' });
    expect(allStates(json.States).filter(([, s]) => s.Type === 'Wait').map(([name]) => name)).toEqual(['WaitForLock']);
  });

  test('runs the jobs of a file one at a time, in an inline map, behind the lock, backing off while queued', () => {
    expect(json.States.RunJobs).toEqual(expect.objectContaining({ Type: 'Map', MaxConcurrency: 1 }));
    expect(json.States.RunJobs.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(states.LockTaken).toEqual(expect.objectContaining({ Default: 'WaitForLock' }));
    expect(states.WaitForLock).toEqual(expect.objectContaining({ SecondsPath: '$.lock.retryAfterSeconds' }));
    expect(states.TakeLock.Parameters).toEqual(expect.objectContaining({ Payload: expect.objectContaining({ 'executionArn.$': '$$.Execution.Id' }) }));
  });

  test('no path leaves a lock held: a failed chunk releases its own, a failed map releases every chunk\'s', () => {
    for (const step of ['StartSpeakerEnrollmentJob', 'StartFraudsterRegistrationJob', 'WaitForJob', 'RecordJob']) {
      expect(states[step].Catch?.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseLockAfterError' });
    }
    expect(json.States.RunJobs.Catch?.[0].Next).toBe('ReleaseAllLocks');
    expect(states.ReleaseAllLocks.Parameters).toEqual(expect.objectContaining({ Payload: expect.objectContaining({ action: 'releaseAll', 'owners.$': '$.prepared.jobs[*].clientToken' }) }));
    const rule = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.states'] } } })) as Array<{ Properties: { EventPattern: { detail: Record<string, unknown> }; Targets: unknown[] } }>;
    expect(rule[0].Properties.EventPattern.detail).toEqual({ stateMachineArn: [expect.anything()], status: ['ABORTED', 'TIMED_OUT', 'FAILED'] });
    expect(rule[0].Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BatchWorkflowJobLockFunction/), 'Arn'] } })]);
  });

  test('logs every event without the states\' data, encrypted, and traces', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'voice-id-connect-dev_batch-workflow',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [Match.anyValue()] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/voice-id-connect/dev/batch-workflow/', Match.anyValue()]] },
      KmsKeyId: Match.anyValue(),
    });
  });
});

describe('the rules', () => {
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as Array<{ Properties: { EventPattern: Record<string, unknown>; Targets: Array<Record<string, unknown>> } }>;

  test('an upload under enrollment/ or fraudsters/ ending .csv or .json starts the workflow with its bucket, key, version and job type', () => {
    for (const [prefix, jobType] of [['enrollment/', 'SPEAKER_ENROLLMENT'], ['fraudsters/', 'FRAUDSTER_REGISTRATION']]) {
      const rule = rules.find((r) => JSON.stringify(r.Properties.EventPattern).includes(`${prefix}*.csv`));
      expect(rule?.Properties.EventPattern).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [expect.anything()] }, object: { key: [{ wildcard: `${prefix}*.csv` }, { wildcard: `${prefix}*.json` }] } },
      });
      const [target] = rule!.Properties.Targets;
      expect(JSON.parse(String((target.InputTransformer as { InputTemplate: string }).InputTemplate).replace(/<([\w-]+)>/g, '"$1"'))).toEqual({
        bucket: 'detail-bucket-name',
        key: 'detail-object-key',
        versionId: 'detail-object-version-id',
        jobType,
      });
    }
  });

  test('Voice ID\'s batch events are matched on detail.action (the detail-type is spelled two ways), to the wait function', () => {
    const rule = rules.find((r) => JSON.stringify(r.Properties.EventPattern).includes('aws.voiceid'));
    expect(rule?.Properties.EventPattern).toEqual({ source: ['aws.voiceid'], detail: { action: ['BATCH_ENROLLMENT_REQUEST', 'BATCH_REGISTRATION_REQUEST'] } });
    expect(rule?.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BatchWorkflowJobWaitFunction/), 'Arn'] } })]);
  });

  test('the polling fallback is a schedule (every 5 minutes) on the wait function, outside the executions', () => {
    const rule = Object.values(template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: Match.anyValue() } })) as Array<{ Properties: { ScheduleExpression: string; Targets: unknown[] } }>;
    expect(rule.map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
    expect(rule[0].Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BatchWorkflowJobWaitFunction/), 'Arn'] } })]);
  });

  test('the input bucket sends its events to EventBridge (natively, no custom resource)', () => {
    buildTestApp().statefulTemplate.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
  });
});

describe('least privilege', () => {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as Array<[string, { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> } } }]>;
  const statementsOf = (prefix: string) => policies.filter(([id]) => id.startsWith(prefix)).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const actionsOf = (prefix: string) => statementsOf(prefix).flatMap((s) => ([] as string[]).concat(s.Action));

  test('no step function\'s role has a wildcard action beyond X-Ray\'s', () => {
    for (const step of ['Prepare', 'JobLock', 'JobWait', 'RecordJob', 'FinishBatch']) {
      const actions = actionsOf(`BatchWorkflow${step}Role`);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    }
  });

  test('the wait function may answer only this state machine\'s tasks, and start no job', () => {
    const wait = statementsOf('BatchWorkflowJobWaitRole');
    const sendTask = wait.find((s) => s.Action === 'states:SendTaskSuccess');
    expect(JSON.stringify(sendTask?.Resource)).toContain(':stateMachine:voice-id-connect-dev_batch-workflow');
    expect(actionsOf('BatchWorkflowJobWaitRole')).not.toContain('voiceid:StartSpeakerEnrollmentJob');
    expect(actionsOf('BatchWorkflowJobWaitRole')).toEqual(expect.arrayContaining(['voiceid:DescribeSpeakerEnrollmentJob', 'voiceid:DescribeFraudsterRegistrationJob']));
  });

  test('the state machine passes the data-access role to Voice ID only', () => {
    const passRole = statementsOf('BatchWorkflowStateMachineRole').find((s) => s.Action === 'iam:PassRole');
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'voiceid.amazonaws.com' } });
  });

  test('writes go only to the keys the workflow owns: Voice ID manifests, reports and summaries', () => {
    const puts = [...statementsOf('BatchWorkflowPrepareRole'), ...statementsOf('BatchWorkflowFinishBatchRole')].filter((s) => s.Action === 's3:PutObject');
    const keys = puts.flatMap((s) => ([] as unknown[]).concat(s.Resource)).map((r) => JSON.stringify(r).replace(/.*"(\/[^"]*)".*/, '$1'));
    expect(keys.sort()).toEqual(['/*.summary.txt', '/*.validation-report.txt', '/voice-id-jobs/*']);
  });
});

test('per-speaker outcomes are kept for batchRecordRetentionDays (365 by default): the record function stamps the TTL', () => {
  template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ BATCH_RECORD_RETENTION_DAYS: '365' }) } });
  buildTestApp({ batchRecordRetentionDays: 30 }).statelessTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ BATCH_RECORD_RETENTION_DAYS: '30' }) } });
});

test('alarms on failed, timed-out and aborted executions and on event-handling errors, to the alarm topic', () => {
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('BatchWorkflow'));
  expect(alarms.map(([, a]) => (a as { Properties: { AlarmName: string } }).Properties.AlarmName).sort()).toEqual([
    'voice-id-connect-dev_batch-executions-aborted',
    'voice-id-connect-dev_batch-executions-failed',
    'voice-id-connect-dev_batch-executions-timed-out',
    'voice-id-connect-dev_batch-job-event-errors',
    'voice-id-connect-dev_batch-job-lock-errors',
  ]);
  for (const [, a] of alarms) expect((a as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
});

describe('props are checked at synth', () => {
  function workflow(props: { pollInterval?: Duration; jobWaitTimeout?: Duration; executionTimeout?: Duration; recordRetentionDays?: number }) {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555');
    return () =>
      new BatchWorkflow(stack, 'Workflow', {
        domain: VoiceIdDomain.fromDomainAttributes(stack, 'Domain', { domainId: 'abcdefghijklmnopqrstuv', encryptionKey: key }),
        inputBucket: s3.Bucket.fromBucketName(stack, 'In', 'batch-in'),
        outputBucket: s3.Bucket.fromBucketName(stack, 'Out', 'batch-out'),
        dataAccessRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/data-access'),
        outputKey: key,
        batchJobsTable: dynamodb.Table.fromTableName(stack, 'Table', 'jobs'),
        ...props,
      });
  }

  test.each([
    [{ pollInterval: Duration.seconds(30) }, /pollInterval must be whole minutes from 1 to 60 \(got 30 s\)/],
    [{ jobWaitTimeout: Duration.minutes(10) }, /jobWaitTimeout must be 1 hour to 7 days/],
    [{ executionTimeout: Duration.minutes(30) }, /executionTimeout must be 1 hour to 365 days/],
    [{ jobWaitTimeout: Duration.days(5), executionTimeout: Duration.days(2) }, /jobWaitTimeout must not be longer than executionTimeout/],
    [{ recordRetentionDays: 0 }, /recordRetentionDays must be a whole number of days from 1 to 3650 \(got 0\)/],
  ])('%j is refused, naming the prop and the range', (props, message) => {
    expect(workflow(props)).toThrow(message);
  });
});
