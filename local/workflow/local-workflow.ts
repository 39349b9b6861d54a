/**
 * The batch workflow as the stateless stack deploys it, run on the local stack: the state machine definition, the
 * EventBridge rules and the bundled step functions are read from the synthesized template in cdk.out, their
 * CloudFormation tokens resolved to the local stack's names, and run with aws-local-stepfunctions. Every Task state
 * is routed by what its Resource is (a route per state name, checked up front: an unrouted Task would go to real
 * Lambda), to the bundled function from cdk.out, to the emulator through the real Voice ID client, or to the local
 * default bus. The default bus matches events against the synthesized rules' patterns and delivers them to the
 * same targets the rules name.
 */
import './promise-with-resolvers';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as VoiceId from '@aws-sdk/client-voice-id';
import type { BundledFunction } from '../harness/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/local-constants';
import { type LocalFunction, startLocalFunction } from '../harness/local-function';
import type { LocalStack } from '../harness/local-stack';
import { LOCAL_DATA_ACCESS_ROLE_ARN, LOCAL_KMS_KEY_ARN } from '../scenario/batch-jobs';
import { type CfnValues, resolveCfn, statefulOutputs } from './cfn-resolver';
import { matchesPattern } from './event-pattern';
import { startTaskTokenServer, type TaskTokens } from './task-token-server';

type Json = Record<string, unknown>;
interface TemplateResource {
  Type: string;
  Properties?: Json;
  Metadata?: Json;
}
interface StateDefinition {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Array<{ IntervalSeconds?: number }>;
  Seconds?: number;
  ItemProcessor?: { States: Record<string, StateDefinition> };
  Iterator?: { States: Record<string, StateDefinition> };
}
export interface Definition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  TimeoutSeconds?: number;
}

export interface LocalWorkflowOptions {
  /**
   * Emulated seconds per real second for Wait states, Retry intervals and task timeouts: the emulator's clock speed,
   * so that a minute's wait for the lock and the poll interval keep their proportion to the jobs' durations.
   */
  readonly timeScale: number;
  /** Lines the functions and the runner write. @default discarded */
  readonly onLog?: (line: string) => void;
  /** The stateless stack's template file in the cloud assembly. @default the first `*-Stateless.template.json` */
  readonly templateFile?: string;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
  /** The states the execution entered, in order (from its event log), Map iterations included. */
  readonly statesEntered: string[];
  /** Tasks whose route actually ran, in order. */
  readonly tasksRun: string[];
  readonly done: Promise<ExecutionRecord>;
}

export interface BusDelivery {
  readonly rule: string;
  readonly target: 'STATE_MACHINE' | 'LAMBDA' | 'TOPIC';
  readonly outcome: unknown;
}

export interface LocalWorkflow {
  readonly stateMachineArn: string;
  /** The definition as it runs: the synthesized one with its tokens resolved. */
  readonly definition: Definition;
  /** Names of the Task states and the route each takes. */
  readonly routes: Readonly<Record<string, string>>;
  readonly executions: readonly ExecutionRecord[];
  /** Events the state machine published (its completion events). */
  readonly published: readonly Json[];
  /** What the default bus delivered where. */
  readonly deliveries: readonly BusDelivery[];
  /** Disables or enables the scheduled rules, as `aws events disable-rule` / `enable-rule` would. */
  setSchedulesEnabled(enabled: boolean): void;
  /** The bundled function whose logical id starts with `prefix` (e.g. `BatchWorkflowPrepareFunction`), as the workflow runs it. */
  functionNamed(prefix: string): LocalFunction;
  /** Starts an execution directly, as `StartExecution` (or the CLI) does. */
  startExecution(input: unknown): ExecutionRecord;
  /** Puts events on the local default bus: each goes to the targets of the rules it matches. */
  putEvents(events: readonly Json[]): Promise<BusDelivery[]>;
  stop(): Promise<void>;
}

// The package ships a CommonJS build for require(); its typings are ES module ones.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });

const LAMBDA_INVOKE = /^arn:aws:states:::lambda:invoke$/;
const LAMBDA_WAIT = /^arn:aws:states:::lambda:invoke\.waitForTaskToken$/;
const VOICE_ID_SDK = /^arn:aws:states:::aws-sdk:voiceid:(\w+)$/;
const PUT_EVENTS = /^arn:aws:states:::events:putEvents$/;
const TASK_TOKEN_PLACEHOLDER = 'local-task-token-placeholder';

/** Starts the workflow's functions and the task-token endpoint; the local stack must be running. */
export async function startLocalWorkflow(assemblyDir: string, stack: LocalStack, options: LocalWorkflowOptions): Promise<LocalWorkflow> {
  const templateFile = options.templateFile ?? fs.readdirSync(assemblyDir).find((f) => /-Stateless\.template\.json$/.test(f));
  if (!templateFile) throw new Error(`No stateless template in ${assemblyDir}: run 'npx cdk synth' first`);
  const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, templateFile), 'utf8')) as { Resources: Record<string, TemplateResource> };
  const resources = Object.entries(template.Resources);
  const [stateMachineId, stateMachine] = resources.find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine') ?? [];
  if (!stateMachineId || !stateMachine) throw new Error(`${templateFile} has no state machine`);

  const functionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${String(stateMachine.Properties?.StateMachineName ?? stateMachineId)}`;
  const bucketArn = (name: string) => `arn:aws:s3:::${name}`;
  const tableArn = (name: string) => `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
  const values: CfnValues & { region: string; account: string; stackName: string } = {
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    stackName: templateFile.replace('.template.json', ''),
    ref: (id) => {
      const type = template.Resources[id]?.Type;
      if (id === stateMachineId) return stateMachineArn;
      if (type === 'AWS::Lambda::Function') return id;
      if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
      return undefined;
    },
    getAtt: (id, attribute) => {
      const type = template.Resources[id]?.Type;
      if (attribute !== 'Arn') return undefined;
      if (type === 'AWS::Lambda::Function') return functionArn(id);
      if (type === 'AWS::IAM::Role') return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${id}`;
      return undefined;
    },
    stackOutput: statefulOutputs({
      BatchInputBucket: { Ref: stack.buckets.batchInput, Arn: bucketArn(stack.buckets.batchInput) },
      BatchOutputBucket: { Ref: stack.buckets.batchOutput, Arn: bucketArn(stack.buckets.batchOutput) },
      DataKey: { Ref: LOCAL_KMS_KEY_ARN.split('/').pop() ?? '', Arn: LOCAL_KMS_KEY_ARN },
      TelemetryKey: { Ref: LOCAL_KMS_KEY_ARN.split('/').pop() ?? '', Arn: LOCAL_KMS_KEY_ARN },
      Domain: { DomainId: stack.domainId, Arn: `arn:aws:voiceid:${LOCAL_REGION}:${LOCAL_ACCOUNT}:domain/${stack.domainId}` },
      TablesBatchJobsTable: { Ref: stack.tables.batchJobs, Arn: tableArn(stack.tables.batchJobs) },
      TablesDecisionsTable: { Ref: stack.tables.decisions, Arn: tableArn(stack.tables.decisions) },
      VoiceIdDataAccessRole: { Arn: LOCAL_DATA_ACCESS_ROLE_ARN },
    }),
  };
  const resolve = (value: unknown) => resolveCfn(value, values);

  const definition = JSON.parse(String(resolve(stateMachine.Properties?.DefinitionString))) as Definition;
  const allRules = resources
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && (r.Properties?.EventBusName === undefined || r.Properties.EventBusName === 'default'))
    .map(([id, r]) => ({ id, pattern: resolve(r.Properties?.EventPattern) as Json | undefined, schedule: r.Properties?.ScheduleExpression as string | undefined, targets: resolve(r.Properties?.Targets) as Json[] }));
  const rules = allRules.filter((r) => r.pattern !== undefined) as Array<{ id: string; pattern: Json; targets: Json[] }>;
  const schedules = allRules.filter((r) => r.schedule !== undefined).map((r) => ({ ...r, everySeconds: rateSeconds(r.id, String(r.schedule)) }));

  const executionsByArn = new Map<string, ExecutionRecord>();
  const tokens: TaskTokens = await startTaskTokenServer((arn) => executionsByArn.get(arn)?.status);
  const functions = new Map<string, LocalFunction>();
  const stopAll = async () => {
    await Promise.all([...functions.values()].map((f) => f.stop()));
    await tokens.stop();
  };
  try {
    // Every function the definition or a rule names, started from its bundled asset with its resolved environment.
    const named = new Set([...JSON.stringify(definition).matchAll(/function:(\w+)/g), ...JSON.stringify(allRules).matchAll(/function:(\w+)/g)].map((m) => m[1]));
    for (const logicalId of named) {
      const resource = template.Resources[logicalId];
      if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`${logicalId} is not a function of ${templateFile}`);
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new Error(`${logicalId} has no bundled asset in ${assemblyDir}`);
      const environment = resolve((resource.Properties?.Environment as Json | undefined)?.Variables ?? {}) as Record<string, string>;
      const fn: BundledFunction = { constructPath: String(resource.Metadata?.['aws:cdk:path'] ?? logicalId), assetDir: path.resolve(assemblyDir, assetPath), handler: String(resource.Properties?.Handler), environment };
      const logPrefix = logicalId.replace(/^BatchWorkflow|Function[0-9A-F]{8}$/g, '');
      functions.set(
        logicalId,
        await startLocalFunction(fn, {
          environment: { ...stack.env, ...environment, AWS_ENDPOINT_URL_SFN: tokens.endpoint, POWERTOOLS_LOG_LEVEL: options.onLog ? 'INFO' : 'WARN' },
          timeoutMs: Number(resource.Properties?.Timeout ?? 3) * 1000,
          clock: stack.now,
          onLog: options.onLog ? (line) => options.onLog?.(`${logPrefix}: ${line}`) : undefined,
        }),
      );
    }
  } catch (e: unknown) {
    await stopAll();
    throw e;
  }

  // No SDK-level retries: the integration surfaces each error to the state's Retry, which is what is under test.
  const voiceId = new VoiceId.VoiceIDClient({ maxAttempts: 1 });
  const published: Json[] = [];
  const deliveries: BusDelivery[] = [];
  const executions: ExecutionRecord[] = [];
  const scaled = (seconds: number) => Math.max(1, Math.round((seconds * 1000) / options.timeScale));

  const invoke = async (functionName: string, payload: unknown): Promise<unknown> => {
    const logicalId = functionName.split(':').pop() ?? '';
    const fn = functions.get(logicalId);
    if (!fn) throw Object.assign(new Error(`Function not found: ${functionName}`), { name: 'Lambda.ResourceNotFoundException' });
    const result = await fn.invoke(payload);
    if (result.error) {
      // As the Lambda integration reports a function error: its errorType as the error, the details as the cause.
      throw Object.assign(new Error(JSON.stringify({ errorType: result.error.name, errorMessage: result.error.message })), { name: result.error.name });
    }
    return result.result;
  };

  // One route per Task state, decided from its Resource before anything runs.
  const routes: Record<string, string> = {};
  const handlers: Record<string, (input: Json) => Promise<unknown>> = {};
  const waitOverrides: Record<string, number> = {};
  const retryOverrides: Record<string, number[]> = {};
  const routeStates = (states: Record<string, StateDefinition>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Retry) retryOverrides[name] = state.Retry.map((r) => scaled(r.IntervalSeconds ?? 1));
      // A SecondsPath wait (the lock's backoff) cannot be overridden per entry: it waits the backoff's shortest, a minute.
      if (state.Type === 'Wait') waitOverrides[name] = scaled(state.Seconds ?? 60);
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) routeStates(inner.States);
      if (state.Type !== 'Task') continue;
      const resource = state.Resource ?? '';
      if (LAMBDA_INVOKE.test(resource)) {
        routes[name] = 'bundled function';
        handlers[name] = async (input) => ({ ExecutedVersion: '$LATEST', Payload: await invoke(String(input.FunctionName), input.Payload), StatusCode: 200 });
      } else if (LAMBDA_WAIT.test(resource)) {
        routes[name] = 'bundled function, task token';
        handlers[name] = async (input) => {
          // A token per entry of the task, as Step Functions gives one; the placeholder came from the context object.
          const { token, completion } = tokens.mint();
          const payload = JSON.parse(JSON.stringify(input.Payload ?? {}).split(TASK_TOKEN_PLACEHOLDER).join(token)) as Json;
          try {
            await invoke(String(input.FunctionName), payload);
          } catch (error: unknown) {
            // The task failed: its token no longer waits, as Step Functions would answer a late SendTaskSuccess.
            tokens.expire(token);
            throw error;
          }
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_resolve, reject) => {
            timer = setTimeout(() => {
              tokens.expire(token);
              reject(Object.assign(new Error('the task timed out waiting for its token'), { name: 'States.Timeout' }));
            }, scaled(state.TimeoutSeconds ?? 99_999_999));
          });
          try {
            return await Promise.race([completion, timeout]);
          } finally {
            clearTimeout(timer);
          }
        };
      } else if (VOICE_ID_SDK.test(resource)) {
        const action = VOICE_ID_SDK.exec(resource)?.[1] ?? '';
        const Command = (VoiceId as unknown as Record<string, new (input: unknown) => VoiceId.StartSpeakerEnrollmentJobCommand>)[`${action.charAt(0).toUpperCase()}${action.slice(1)}Command`];
        if (!Command) throw new Error(`${name}: the Voice ID SDK has no action ${action}`);
        routes[name] = `Voice ID ${action} (emulator, SDK)`;
        handlers[name] = async (input) => {
          try {
            const { $metadata: _metadata, ...output } = (await voiceId.send(new Command(input))) as unknown as Json;
            return JSON.parse(JSON.stringify(output)) as unknown;
          } catch (error: unknown) {
            // The SDK integration's error names: the service's exception, prefixed with the service.
            const e = error as { name?: string; message?: string };
            throw Object.assign(new Error(e.message ?? 'Voice ID error'), { name: `VoiceId.${e.name ?? 'Exception'}` });
          }
        };
      } else if (PUT_EVENTS.test(resource)) {
        routes[name] = 'local default bus';
        handlers[name] = async (input) => {
          const entries = (input.Entries as Json[]) ?? [];
          for (const entry of entries) published.push({ source: entry.Source, 'detail-type': entry.DetailType, detail: entry.Detail });
          return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
        };
      } else {
        throw new Error(`Task state ${name} has a resource the local workflow cannot route: ${resource}`);
      }
    }
  };
  routeStates(definition.States);
  const machine = new StateMachine(definition as never);

  const startExecution = (input: unknown): ExecutionRecord => {
    const name = randomUUID();
    const executionArn = stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
    const record: Omit<ExecutionRecord, 'done'> = { executionArn, input, status: 'RUNNING', statesEntered: [], tasksRun: [] };
    // Tasks record themselves on the execution that runs them: one handler set per execution.
    const ownHandlers = Object.fromEntries(
      Object.entries(handlers).map(([state, handler]) => [
        state,
        async (i: Json) => {
          record.tasksRun.push(state);
          return handler(i);
        },
      ]),
    );
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: ownHandlers as never, waitTimeOverrides: waitOverrides, retryIntervalOverrides: retryOverrides },
      context: { Execution: { Id: executionArn, Name: name, Input: input as never, StartTime: new Date(stack.now()).toISOString() }, StateMachine: { Id: stateMachineArn }, Task: { Token: TASK_TOKEN_PLACEHOLDER } },
    });
    const logs = (async () => {
      for await (const event of run.eventLogs) {
        const e = event as { type: string; state?: { name: string } };
        if (e.type === 'StateEntered' && e.state) record.statesEntered.push(e.state.name);
      }
    })();
    const done = run.result
      .then((output: unknown) => Object.assign(record, { status: 'SUCCEEDED' as const, output }))
      .catch((error: unknown) => {
        // aws-local-stepfunctions wraps what failed the execution (a Fail state's Error and Cause, an uncaught task error).
        const e = error as { name?: string; message?: string; cause?: unknown };
        const failure = e.name === 'ExecutionError' && e.cause instanceof Error ? e.cause : (error as Error);
        return Object.assign(record, { status: 'FAILED' as const, error: failure.name, cause: failure.message });
      })
      .then(async (r) => {
        await logs.catch(() => undefined);
        return r as ExecutionRecord;
      });
    const full = Object.assign(record, { done }) as ExecutionRecord;
    executions.push(full);
    executionsByArn.set(executionArn, full);
    return full;
  };

  const deliverTo = async (ruleId: string, target: Json, event: Json): Promise<BusDelivery> => {
    const arn = String(target.Arn);
    if (arn === stateMachineArn) {
      const execution = startExecution(transformInput(event, target.InputTransformer as Json | undefined));
      return { rule: ruleId, target: 'STATE_MACHINE', outcome: execution.executionArn };
    }
    if (arn.includes(':function:')) {
      // Lambda's asynchronous invocation: two retries after a function error.
      let outcome: unknown;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          outcome = await invoke(arn, event);
          break;
        } catch (error: unknown) {
          outcome = { error: (error as Error).name };
        }
      }
      return { rule: ruleId, target: 'LAMBDA', outcome };
    }
    // The alarm topic: the local stack has no subscribers, so a delivery is only recorded.
    if (arn.startsWith('arn:aws:sns:')) return { rule: ruleId, target: 'TOPIC', outcome: arn };
    throw new Error(`rule ${ruleId} targets ${arn}, which the local bus cannot deliver to`);
  };

  const putEvents = async (events: readonly Json[]): Promise<BusDelivery[]> => {
    const delivered = await Promise.all(
      events.flatMap((event) => rules.filter((rule) => matchesPattern(rule.pattern, event)).flatMap((rule) => rule.targets.map((target) => deliverTo(rule.id, target, event)))),
    );
    deliveries.push(...delivered);
    return delivered;
  };

  // Scheduled rules fire at their rate on the local world's time scale, one delivery at a time per rule.
  let schedulesEnabled = true;
  const timers = schedules.map((rule) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || !schedulesEnabled) return;
      busy = true;
      const event = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: LOCAL_ACCOUNT, time: new Date(stack.now()).toISOString(), region: LOCAL_REGION, resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${rule.id}`], detail: {} };
      void Promise.all(rule.targets.map((target) => deliverTo(rule.id, target, event)))
        .then((d) => deliveries.push(...d))
        .catch((e: unknown) => options.onLog?.(`schedule ${rule.id}: ${String(e)}`))
        .finally(() => (busy = false));
    }, scaled(rule.everySeconds));
    timer.unref();
    return timer;
  });

  return {
    stateMachineArn,
    definition,
    routes,
    executions,
    published,
    deliveries,
    startExecution,
    putEvents,
    functionNamed: (prefix) => {
      const found = [...functions].find(([logicalId]) => logicalId.startsWith(prefix));
      if (!found) throw new Error(`no function of the workflow starts with ${prefix}`);
      return found[1];
    },
    setSchedulesEnabled: (enabled) => {
      schedulesEnabled = enabled;
    },
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      voiceId.destroy();
      await Promise.allSettled(executions.map((e) => e.done));
      await stopAll();
    },
  };
}

/** `rate(5 minutes)` in seconds. */
function rateSeconds(ruleId: string, expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`rule ${ruleId}: the local bus runs rate() schedules only, not ${expression}`);
  return Number(match[1]) * { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 }[match[2] as 'minute'];
}

/** EventBridge's input transformer: `InputPathsMap` paths into the event, substituted into `InputTemplate` as JSON. */
function transformInput(event: Json, transformer: Json | undefined): unknown {
  if (!transformer) return event;
  const paths = (transformer.InputPathsMap ?? {}) as Record<string, string>;
  let template = String(transformer.InputTemplate ?? '');
  for (const [name, jsonPath] of Object.entries(paths)) {
    const value = jsonPath
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Json)[key] : undefined), event);
    template = template.split(`<${name}>`).join(JSON.stringify(value ?? null));
  }
  return JSON.parse(template) as unknown;
}
