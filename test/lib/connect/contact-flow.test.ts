import * as fs from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CALLER_DECISIONS } from '../../../lambda/contact-flow-decision/domain/decision-policy';
import {
  FLOW_DECISIONS,
  type FlowAction,
  type FlowDocument,
  PLACEHOLDER,
  reachableFrom,
  renderVoiceIdAuthenticationFlow,
  successorsOf,
  VOICE_ID_AUTHENTICATION_FLOW_FILE,
  type VoiceIdAuthenticationFlowSettings,
} from '../../../lib/constructs/connect-flow';
import { type ContactCenter, type EnrollmentStatus, type FlowRun, runFlow } from '../../../local/connect/flow-runner';
import { ConnectVoiceIdIntegration } from '../../../lib/constructs/connect-integration';
import { VoiceIdDomain } from '../../../lib/constructs/voice-id-domain';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-2:123456789012:function:contact-flow-decision';
const INSTANCE_ARN = 'arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-3333-4444-555555555555';
const FRAUD_QUEUE_ARN = `${INSTANCE_ARN}/queue/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
const NEXT_QUEUE_ARN = `${INSTANCE_ARN}/queue/ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee`;

const DEFAULTS: VoiceIdAuthenticationFlowSettings = {
  decisionFunctionArn: FUNCTION_ARN,
  authenticationThreshold: 90,
  authenticationResponseTimeSeconds: 10,
  fraudThreshold: 50,
  maxRetries: 2,
  decisionRecordRequired: false,
};

function render(overrides: Partial<VoiceIdAuthenticationFlowSettings> = {}): FlowDocument {
  const rendered = renderVoiceIdAuthenticationFlow({ ...DEFAULTS, ...overrides });
  expect(rendered.variables).toEqual({});
  return JSON.parse(rendered.body) as FlowDocument;
}

function actionOf(flow: FlowDocument, id: string): FlowAction {
  const action = flow.Actions.find((a) => a.Identifier === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

function ofType(flow: FlowDocument, type: string): FlowAction[] {
  return flow.Actions.filter((a) => a.Type === type);
}

function decisionBranch(flow: FlowDocument): FlowAction {
  const [branch] = flow.Actions.filter((a) => a.Type === 'Compare' && a.Parameters.ComparisonValue === '$.External.decision');
  return branch;
}

function branchTarget(flow: FlowDocument, decision: string): string {
  const condition = decisionBranch(flow).Transitions.Conditions?.find((c) => c.Condition.Operands.includes(decision));
  if (!condition) throw new Error(`no branch for ${decision}`);
  return condition.NextAction;
}

/** Actions that set voiceIdAuthenticated to "true": the authenticated path. */
function authenticatedActions(flow: FlowDocument): string[] {
  return ofType(flow, 'UpdateContactAttributes')
    .filter((a) => (a.Parameters.Attributes as Record<string, string>).voiceIdAuthenticated === 'true')
    .map((a) => a.Identifier);
}

const TERMINAL_TYPES = ['DisconnectParticipant', 'TransferContactToQueue'];

type Lambda = () => Record<string, string> | 'error';

/** Every call a fake contact center received, in order. */
interface Outcome extends FlowRun {
  readonly calls: string[];
}

/**
 * Runs the rendered flow through the local flow runner with a fake contact center: the caller claims C1001 and
 * is enrolled, every action succeeds, and the Lambda answers what `invoke` says ('error': the invocation fails).
 */
/** The working queue the inbound flow set before transferring to the Voice ID flow. */
const WORKING_QUEUE = `${INSTANCE_ARN}/queue/00000000-bbbb-cccc-dddd-eeeeeeeeeeee`;

async function simulate(
  flow: FlowDocument,
  invoke: Lambda,
  options: { customerId?: string; enrollment?: EnrollmentStatus | 'error'; workingQueue?: string | null; streamFails?: boolean; flows?: Record<string, FlowDocument> } = {},
): Promise<Outcome> {
  const calls: string[] = [];
  const center: ContactCenter = {
    startVoiceIdStream: async (settings, customerId) => {
      calls.push(`stream auth=${settings.authenticationEnabled} fraud=${settings.fraudDetectionEnabled} customer=${customerId ?? '-'}`);
      if (options.streamFails) throw new Error('Voice ID unavailable');
    },
    setCustomerId: async (customerId) => void calls.push(`customer ${customerId}`),
    checkEnrollment: async () => {
      calls.push('check enrollment');
      if (options.enrollment === 'error') throw new Error('refused');
      return options.enrollment ?? 'Enrolled';
    },
    play: async () => void calls.push('play'),
    listen: async (seconds) => void calls.push(`listen ${seconds}`),
    invokeLambda: async (_arn, parameters) => {
      calls.push(`invoke ${JSON.stringify(parameters)}`);
      const answer = invoke();
      if (answer === 'error') throw new Error('Lambda failed');
      return answer;
    },
  };
  const run = await runFlow(flow, center, {
    attributes: { customerId: options.customerId ?? 'C1001' },
    workingQueue: options.workingQueue === null ? undefined : (options.workingQueue ?? WORKING_QUEUE),
    flows: options.flows,
  });
  return { ...run, calls };
}

const always = (decision: string, recordStatus = 'RECORDED'): Lambda => () => ({ decision, decisionId: 'd-1', recordStatus });

describe('voice-id-authentication.json, the file', () => {
  const text = fs.readFileSync(VOICE_ID_AUTHENTICATION_FLOW_FILE, 'utf8');

  test('is flow language version 2019-10-30 with a StartAction', () => {
    const flow = JSON.parse(text) as FlowDocument;
    expect(flow.Version).toBe('2019-10-30');
    expect(flow.Actions.map((a) => a.Identifier)).toContain(flow.StartAction);
  });

  test('contains no ${ other than the placeholders the renderer knows, so Fn::Sub cannot choke', () => {
    expect(text.replace(PLACEHOLDER, '')).not.toContain('${');
    const names = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]));
    expect([...names].sort()).toEqual(
      [
        'AfterResetRoute',
        'AfterStreamRoute',
        'AfterWelcomeRoute',
        'ClaimRoute',
        'EnrolledRoute',
        'IvrFlowArn',
        'NoClaimRoute',
        'AuthenticationResponseTime',
        'AuthenticationThreshold',
        'DecisionFunctionArn',
        'FraudQueueArn',
        'FraudRoute',
        'FraudThreshold',
        'MinAuthenticationScore',
        'NextQueueArn',
        'NextRoute',
        'RecordFailedRoute',
        'RetryAfter0',
        'RetryAfter1',
        'RetryAfter2',
        'RetryAfter3',
        'RetryAfter4',
        'SpeechWindowSeconds',
        'StreamErrorRoute',
        'WatchlistId',
        'WelcomeText',
      ].sort(),
    );
  });

  test('action identifiers are unique, at most 50 characters and free of the characters Connect forbids', () => {
    const ids = (JSON.parse(text) as FlowDocument).Actions.map((a) => a.Identifier);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[^%:(\\/)=$,;[\]{}]{1,50}$/);
  });
});

describe.each([
  ['the defaults', {}],
  ['a fraud queue, a next queue, a watchlist and a minimum score', { fraudQueueArn: FRAUD_QUEUE_ARN, nextQueueArn: NEXT_QUEUE_ARN, watchlistId: 'abcdefghijklmnopqrstuv', minAuthenticationScore: 95 }],
  ['one retry', { maxRetries: 1 }],
  ['five retries', { maxRetries: 5 }],
  ['decision records required', { decisionRecordRequired: true }],
])('the rendered flow with %s', (_label, overrides: Partial<VoiceIdAuthenticationFlowSettings>) => {
  const flow = render(overrides);

  test('is valid JSON with every placeholder filled in', () => {
    expect(JSON.stringify(flow)).not.toContain('${');
    expect(actionOf(flow, flow.StartAction)).toBeDefined();
  });

  test('every NextAction (transitions, errors, conditions) names an existing action', () => {
    const ids = new Set(flow.Actions.map((a) => a.Identifier));
    for (const action of flow.Actions) for (const target of successorsOf(action)) expect({ from: action.Identifier, ids: ids.has(target) }).toEqual({ from: action.Identifier, ids: true });
  });

  test('every action is reachable from StartAction', () => {
    expect([...reachableFrom(flow)].sort()).toEqual(flow.Actions.map((a) => a.Identifier).sort());
  });

  test('only Disconnect and Transfer actions are dead ends', () => {
    // An action without a NextAction must branch on conditions (CheckVoiceId) or end the contact.
    const deadEnds = flow.Actions.filter((a) => !a.Transitions.NextAction && !a.Transitions.Conditions?.length).map((a) => a.Type);
    for (const type of deadEnds) expect(TERMINAL_TYPES).toContain(type);
  });

  test('every action that can fail has a destination for its errors', () => {
    for (const action of flow.Actions) {
      if (action.Type === 'DisconnectParticipant') continue;
      const errorTypes = (action.Transitions.Errors ?? []).map((e) => e.ErrorType);
      expect({ action: action.Identifier, covered: errorTypes.includes(action.Type === 'Compare' ? 'NoMatchingCondition' : 'NoMatchingError') }).toEqual({
        action: action.Identifier,
        covered: true,
      });
    }
  });

  test('has a branch for every decision the Lambda returns, and sends no match to the error path', () => {
    expect([...FLOW_DECISIONS].sort()).toEqual([...CALLER_DECISIONS].sort());
    for (const decision of CALLER_DECISIONS) expect(branchTarget(flow, decision)).toBeDefined();
    const branch = decisionBranch(flow);
    const noMatch = branch.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition')?.NextAction;
    expect(noMatch).toBe(branchTarget(flow, 'ERROR'));
    expect(branch.Transitions.NextAction).toBe(branchTarget(flow, 'ERROR'));
  });

  test('plays a prompt before Set Voice ID, and starts the stream right after it', async () => {
    const setVoiceId = flow.Actions.find((a) => a.Type === 'UpdateContactData' && a.Parameters.IsVoiceIdStreamingEnabled === 'true') as FlowAction;
    const { visited } = await simulate(flow, always('AUTHENTICATED'));
    const before = visited.slice(0, visited.indexOf(setVoiceId.Identifier)).map((id) => actionOf(flow, id).Type);
    expect(before).toContain('MessageParticipant');
    expect(actionOf(flow, setVoiceId.Transitions.NextAction as string).Type).toBe('StartVoiceIdStream');
  });

  test('streams speech (a prompt that waits for the caller) before the first decision', async () => {
    const { visited } = await simulate(flow, always('AUTHENTICATED'));
    const beforeInvoke = visited.slice(0, visited.findIndex((id) => actionOf(flow, id).Type === 'InvokeLambdaFunction')).map((id) => actionOf(flow, id));
    const speech = beforeInvoke.find((a) => a.Type === 'GetParticipantInput');
    expect(Number(speech?.Parameters.InputTimeLimitSeconds)).toBeGreaterThanOrEqual(10);
  });

  test('sets Voice ID with string parameters only', () => {
    const setVoiceId = flow.Actions.find((a) => a.Type === 'UpdateContactData' && a.Parameters.IsVoiceIdStreamingEnabled === 'true') as FlowAction;
    for (const value of Object.values(setVoiceId.Parameters)) expect(typeof value).toBe('string');
  });

  test('authenticates only on AUTHENTICATED (directly or after RETRY)', async () => {
    for (const decision of CALLER_DECISIONS) {
      const outcome = await simulate(flow, always(decision));
      expect({ decision, authenticated: outcome.attributes.voiceIdAuthenticated }).toEqual({ decision, authenticated: decision === 'AUTHENTICATED' ? 'true' : 'false' });
    }
    const authenticated = authenticatedActions(flow);
    expect(authenticated).toHaveLength(1);
    for (const decision of CALLER_DECISIONS.filter((d) => d !== 'AUTHENTICATED' && d !== 'RETRY')) {
      expect({ decision, reaches: reachableFrom(flow, branchTarget(flow, decision)).has(authenticated[0]) }).toEqual({ decision, reaches: false });
    }
  });

  test('HIGH_RISK never reaches the authenticated path nor another evaluation', async () => {
    const reachable = reachableFrom(flow, branchTarget(flow, 'HIGH_RISK'));
    for (const id of authenticatedActions(flow)) expect(reachable.has(id)).toBe(false);
    expect([...reachable].map((id) => actionOf(flow, id).Type)).not.toContain('InvokeLambdaFunction');
    const outcome = await simulate(flow, always('HIGH_RISK'));
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdHighRisk: 'true', voiceIdDecision: 'HIGH_RISK' }));
  });

  test('a failing Lambda takes the error path, which never authenticates', async () => {
    const invoke = ofType(flow, 'InvokeLambdaFunction')[0];
    const errorTarget = invoke.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingError')?.NextAction as string;
    for (const id of authenticatedActions(flow)) expect(reachableFrom(flow, errorTarget).has(id)).toBe(false);
    const outcome = await simulate(flow, () => 'error');
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'ERROR' }));
  });

  test('an answer without a decision goes down the error path', async () => {
    const outcome = await simulate(flow, () => ({ unexpected: 'x' }));
    expect(outcome.attributes.voiceIdAuthenticated).toBe('false');
    expect(outcome.invocations).toBe(1);
  });

  test('the RETRY loop is bounded by maxRetries and ends as INCONCLUSIVE', async () => {
    const maxRetries = overrides.maxRetries ?? 2;
    const outcome = await simulate(flow, always('RETRY'));
    expect(outcome.invocations).toBe(1 + maxRetries);
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'INCONCLUSIVE', voiceIdRetries: String(maxRetries) }));
    // Between two evaluations the caller gets a prompt to keep talking.
    const retryPath = outcome.visited.slice(outcome.visited.indexOf(decisionBranch(flow).Identifier));
    expect(retryPath.map((id) => actionOf(flow, id).Type)).toContain('GetParticipantInput');
  });

  test('RETRY then AUTHENTICATED authenticates on the second evaluation', async () => {
    const answers = ['RETRY', 'AUTHENTICATED'];
    const outcome = await simulate(flow, () => ({ decision: answers.shift() ?? 'ERROR', decisionId: 'd-2', recordStatus: 'RECORDED' }));
    expect(outcome.invocations).toBe(2);
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'true', voiceIdDecision: 'AUTHENTICATED', voiceIdDecisionId: 'd-2' }));
  });

  test('invokes the decision Lambda synchronously within Connect\'s 8 s with a string-map response', () => {
    const [invoke] = ofType(flow, 'InvokeLambdaFunction');
    expect(invoke.Parameters).toEqual(
      expect.objectContaining({ LambdaFunctionARN: FUNCTION_ARN, InvocationTimeLimitSeconds: '8', InvocationType: 'SYNCHRONOUS', ResponseValidation: { ResponseType: 'STRING_MAP' } }),
    );
    const save = actionOf(flow, invoke.Transitions.NextAction as string);
    expect(save.Parameters.Attributes).toEqual({ voiceIdDecision: '$.External.decision', voiceIdDecisionId: '$.External.decisionId', voiceIdDecisionReason: '$.External.reason' });
  });
});

describe('settings in the rendered flow', () => {
  test('Set Voice ID carries the thresholds as strings, without WatchlistId unless one is given', () => {
    const setVoiceId = (flow: FlowDocument) => flow.Actions.find((a) => a.Identifier === 'set-voice-id')?.Parameters;
    expect(setVoiceId(render({ authenticationThreshold: 85, authenticationResponseTimeSeconds: 7, fraudThreshold: 40 }))).toEqual({
      IsVoiceIdStreamingEnabled: 'true',
      IsVoiceAuthenticationEnabled: 'true',
      IsFraudDetectionEnabled: 'true',
      VoiceAuthenticationThreshold: '85',
      VoiceAuthenticationResponseTime: '7',
      FraudDetectionThreshold: '40',
    });
    expect(setVoiceId(render({ watchlistId: 'abcdefghijklmnopqrstuv' }))).toEqual(expect.objectContaining({ WatchlistId: 'abcdefghijklmnopqrstuv' }));
  });

  test('the claimed customer always reaches the Lambda as customerId; minAuthenticationScore only when set', () => {
    expect(ofType(render(), 'InvokeLambdaFunction')[0].Parameters.LambdaInvocationAttributes).toEqual({ customerId: '$.Attributes.customerId' });
    expect(ofType(render({ minAuthenticationScore: 95 }), 'InvokeLambdaFunction')[0].Parameters.LambdaInvocationAttributes).toEqual({ customerId: '$.Attributes.customerId', minAuthenticationScore: '95' });
  });

  test('by default HIGH_RISK callers hear a prompt and are disconnected, with no queue transfer in the flow for them', async () => {
    const flow = render();
    const outcome = await simulate(flow, always('HIGH_RISK'));
    expect(outcome.end.Type).toBe('DisconnectParticipant');
    expect(outcome.visited.map((id) => actionOf(flow, id).Type)).toContain('MessageParticipant');
    expect(outcome.targetQueue).toBe(WORKING_QUEUE);
  });

  test('with fraudQueueArn HIGH_RISK callers are transferred to that queue', async () => {
    const outcome = await simulate(render({ fraudQueueArn: FRAUD_QUEUE_ARN }), always('HIGH_RISK'));
    expect(outcome.end.Type).toBe('TransferContactToQueue');
    expect(outcome.targetQueue).toBe(FRAUD_QUEUE_ARN);
  });

  test('by default other callers are transferred to the working queue the calling flow set', async () => {
    const flow = render();
    const outcome = await simulate(flow, always('NOT_AUTHENTICATED'));
    expect(outcome.end.Type).toBe('TransferContactToQueue');
    expect(outcome.targetQueue).toBe(WORKING_QUEUE);
    expect(ofType(flow, 'UpdateContactTargetQueue')).toEqual([]);
    // Without one, the transfer fails and the caller hears that nobody is available, rather than a silent drop.
    const stranded = await simulate(flow, always('NOT_AUTHENTICATED'), { workingQueue: null });
    expect(stranded.visited).toContain('queue-unavailable-prompt');
  });

  test('with nextQueueArn authenticated and other callers are transferred to that queue, never to the fraud queue', async () => {
    const flow = render({ fraudQueueArn: FRAUD_QUEUE_ARN, nextQueueArn: NEXT_QUEUE_ARN });
    for (const decision of ['AUTHENTICATED', 'NOT_AUTHENTICATED', 'ERROR', 'RETRY']) {
      const outcome = await simulate(flow, always(decision));
      expect({ decision, queue: outcome.targetQueue }).toEqual({ decision, queue: NEXT_QUEUE_ARN });
    }
  });

  test.each([
    [false, 'RECORDED', 'true'],
    [false, 'DUPLICATE', 'true'],
    [false, 'FAILED', 'true'],
    [false, '', 'false'],
    [false, 'SOMETHING_NEW', 'false'],
    [true, 'RECORDED', 'true'],
    [true, 'DUPLICATE', 'true'],
    [true, 'FAILED', 'false'],
    [true, '', 'false'],
  ])('records required %p: AUTHENTICATED with recordStatus %p sets voiceIdAuthenticated=%p', async (decisionRecordRequired, recordStatus, authenticated) => {
    const outcome = await simulate(render({ decisionRecordRequired }), always('AUTHENTICATED', recordStatus));
    expect(outcome.attributes.voiceIdAuthenticated).toBe(authenticated);
    // A downstream flow or agent reading voiceIdDecision must not see AUTHENTICATED for a caller the flow did not authenticate.
    expect(outcome.attributes.voiceIdDecision).toBe(authenticated === 'true' ? 'AUTHENTICATED' : 'NOT_AUTHENTICATED');
  });

  test('retry counters above maxRetries are pruned from the flow', () => {
    const ids = render({ maxRetries: 1 }).Actions.map((a) => a.Identifier);
    expect(ids).toContain('set-retries-1');
    expect(ids).not.toContain('set-retries-2');
  });
});

describe('the flow in the synthesized template', () => {
  test('resolves the InvokeLambdaFunction ARN to the deployed function through Fn::Sub', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } }), 'Flow', { env: { account: '123456789012', region: 'eu-west-2' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555');
    const domain = VoiceIdDomain.fromDomainAttributes(stack, 'Domain', { domainId: 'abcdefghijklmnopqrstuv', encryptionKey: key });
    const fn = new lambda.Function(stack, 'Decide', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    new ConnectVoiceIdIntegration(stack, 'Connect', { instanceArn: INSTANCE_ARN, decisionFunction: fn, domain });

    const flows = Template.fromStack(stack).findResources('AWS::Connect::ContactFlow');
    const [content] = Object.values(flows).map((r) => (r as { Properties: { Content: { 'Fn::Sub': [string, Record<string, unknown>] } } }).Properties.Content);
    const [body, variables] = content['Fn::Sub'];
    expect(variables).toEqual({ DecisionFunctionArn: { 'Fn::GetAtt': [stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction), 'Arn'] } });
    const flow = JSON.parse(body) as FlowDocument;
    expect(ofType(flow, 'InvokeLambdaFunction')[0].Parameters.LambdaFunctionARN).toBe('${DecisionFunctionArn}');
    expect(body.replace(PLACEHOLDER, '')).not.toContain('${');
  });
});

describe('the redesigned path of a call (flow runner, fake contact center)', () => {
  const flow = render();

  test('streams first, then sets the Customer ID, checks enrollment, and lets the caller speak a full window before the first decision', async () => {
    const { calls } = await simulate(flow, always('AUTHENTICATED'));
    expect(calls).toEqual(['play', 'stream auth=true fraud=true customer=-', 'customer C1001', 'check enrollment', 'play', 'listen 10', 'invoke {"customerId":"C1001"}']);
  });

  test('every RETRY gets another full listening window of the response time', async () => {
    const { calls } = await simulate(render({ authenticationResponseTimeSeconds: 7 }), always('RETRY'));
    const windows = calls.filter((c) => c.startsWith('listen'));
    expect(windows).toEqual(['listen 7', 'listen 7', 'listen 7']);
    expect(calls.filter((c, i) => c.startsWith('invoke') && !calls[i - 1].startsWith('listen'))).toEqual([]);
  });

  test.each([
    ['NotEnrolled', 'NOT_ENROLLED'],
    ['OptedOut', 'OPTED_OUT'],
  ] as const)('a caller whose claimed customer is %s skips the speech window and the Lambda', async (enrollment, decision) => {
    const outcome = await simulate(flow, always('AUTHENTICATED'), { enrollment });
    expect(outcome.calls.some((c) => c.startsWith('listen') || c.startsWith('invoke'))).toBe(false);
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: decision }));
  });

  test('a Customer ID Voice ID refuses (Check Voice ID fails) ends on the error path before any speech window', async () => {
    const outcome = await simulate(flow, always('AUTHENTICATED'), { enrollment: 'error' });
    expect(outcome.calls.some((c) => c.startsWith('listen') || c.startsWith('invoke'))).toBe(false);
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'ERROR' }));
  });

  test('if Connect compared an absent customerId as no match (undocumented), a caller without a claim still is never authenticated', async () => {
    const calls: string[] = [];
    const center: ContactCenter = {
      startVoiceIdStream: async () => void calls.push('stream'),
      setCustomerId: async () => void calls.push('customer'),
      checkEnrollment: async () => 'Enrolled',
      play: async () => undefined,
      listen: async () => undefined,
      invokeLambda: async () => ({ decision: 'AUTHENTICATED', decisionId: 'd', recordStatus: 'RECORDED' }),
    };
    const run = await runFlow(flow, center, { attributes: {}, workingQueue: WORKING_QUEUE, absentValues: 'no-match' });
    expect(run.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'ERROR' }));
    expect(calls).not.toContain('customer');
  });

  test('without a claimed customer the caller is screened for fraud only: no Customer ID, no enrollment check, no authentication', async () => {
    const outcome = await simulate(flow, always('NOT_AUTHENTICATED'), { customerId: '' });
    expect(outcome.calls).toEqual(['play', 'stream auth=false fraud=true customer=-', 'play', 'listen 10', 'invoke {"customerId":""}']);
    expect(outcome.attributes.voiceIdAuthenticated).toBe('false');
    const fraud = await simulate(flow, always('HIGH_RISK'), { customerId: '' });
    expect(fraud.attributes).toEqual(expect.objectContaining({ voiceIdHighRisk: 'true', voiceIdDecision: 'HIGH_RISK' }));
  });
});

describe('the two halves around the contact center\'s own IVR', () => {
  const IVR = 'arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-3333-4444-555555555555/contact-flow/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
  const part = (p: 'start-streaming' | 'authenticate') => JSON.parse(renderVoiceIdAuthenticationFlow({ ...DEFAULTS, ivrFlowArn: IVR }, p).body) as FlowDocument;

  test('the start-streaming flow is refused without the IVR flow it transfers to', () => {
    expect(() => renderVoiceIdAuthenticationFlow(DEFAULTS, 'start-streaming')).toThrow(/ivrFlowArn/);
  });

  test('start streaming: a prompt, Set Voice ID with authentication and fraud detection, then the IVR; no Lambda, no Customer ID', () => {
    const flow = part('start-streaming');
    expect(flow.Actions.map((a) => a.Type)).not.toContain('InvokeLambdaFunction');
    expect(flow.Actions.map((a) => a.Type)).not.toContain('CheckVoiceId');
    expect(actionOf(flow, 'set-voice-id').Parameters).toEqual(expect.objectContaining({ IsVoiceAuthenticationEnabled: 'true', IsFraudDetectionEnabled: 'true' }));
    expect(actionOf(flow, 'start-voice-id-stream').Transitions.NextAction).toBe('transfer-to-ivr');
    expect(actionOf(flow, 'transfer-to-ivr').Parameters).toEqual({ ContactFlowId: IVR });
  });

  test('start streaming: a Voice ID failure still hands the caller to the IVR (no queue is set yet at the top of an inbound flow)', async () => {
    const ivr: FlowDocument = { Version: '2019-10-30', StartAction: 'end', Actions: [{ Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} }] };
    const outcome = await simulate(part('start-streaming'), always('AUTHENTICATED'), { workingQueue: null, streamFails: true, flows: { [IVR]: ivr } });
    expect(outcome.visited).toEqual(expect.arrayContaining(['mark-streaming-error', 'transfer-to-ivr', 'end']));
    expect(outcome.visited).not.toContain('queue-unavailable-prompt');
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'ERROR' }));
  });

  test('after the IVR: the Customer ID, enrollment, then the decision at once (the IVR dialogue was the speech); a window only on RETRY', async () => {
    const flow = part('authenticate');
    expect(flow.Actions.map((a) => a.Type)).not.toContain('StartVoiceIdStream');
    const { calls } = await simulate(flow, always('AUTHENTICATED'));
    expect(calls).toEqual(['customer C1001', 'check enrollment', 'invoke {"customerId":"C1001"}']);
    const retried = await simulate(flow, always('RETRY'));
    expect(retried.calls.filter((c) => c.startsWith('listen'))).toEqual(['listen 10', 'listen 10']);
    expect(retried.attributes.voiceIdDecision).toBe('INCONCLUSIVE');
  });

  test('after the IVR without a claim: straight to the decision (fraud screening only), no Customer ID, no enrollment check', async () => {
    const { calls, attributes } = await simulate(part('authenticate'), always('HIGH_RISK'), { customerId: '' });
    expect(calls).toEqual(['invoke {"customerId":""}', 'play']); // the decision, then the fraud prompt
    expect(attributes.voiceIdHighRisk).toBe('true');
  });

  test('after the IVR, only AUTHENTICATED authenticates and HIGH_RISK never reaches the authenticated path', async () => {
    const flow = part('authenticate');
    for (const decision of CALLER_DECISIONS) {
      const outcome = await simulate(flow, always(decision));
      expect({ decision, authenticated: outcome.attributes.voiceIdAuthenticated }).toEqual({ decision, authenticated: decision === 'AUTHENTICATED' ? 'true' : 'false' });
    }
    for (const id of authenticatedActions(flow)) expect(reachableFrom(flow, branchTarget(flow, 'HIGH_RISK')).has(id)).toBe(false);
  });
});
