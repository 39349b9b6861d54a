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

interface Outcome {
  readonly attributes: Record<string, string>;
  readonly invocations: number;
  readonly end: FlowAction;
  readonly targetQueue?: string;
  readonly visited: string[];
}

/**
 * Runs the flow for a caller: every action succeeds except the Lambda when the fake says 'error';
 * UpdateContactAttributes applies static values and `$.External.*` references; Compare supports Equals.
 */
function simulate(flow: FlowDocument, invoke: Lambda, maxSteps = 200): Outcome {
  const attributes: Record<string, string> = {};
  let external: Record<string, string> = {};
  let targetQueue: string | undefined;
  let invocations = 0;
  const visited: string[] = [];
  const resolve = (value: string): string | undefined => {
    if (value.startsWith('$.External.')) return external[value.slice('$.External.'.length)];
    if (value.startsWith('$.Attributes.')) return attributes[value.slice('$.Attributes.'.length)];
    return value;
  };
  let action = actionOf(flow, flow.StartAction);
  for (let step = 0; step < maxSteps; step++) {
    visited.push(action.Identifier);
    const t = action.Transitions;
    const error = () => t.Errors?.find((e) => e.ErrorType === 'NoMatchingError')?.NextAction;
    let next: string | undefined;
    switch (action.Type) {
      case 'DisconnectParticipant':
      case 'TransferContactToQueue':
        return { attributes, invocations, end: action, targetQueue, visited };
      case 'UpdateContactTargetQueue':
        targetQueue = action.Parameters.QueueId as string;
        next = t.NextAction;
        break;
      case 'UpdateContactAttributes':
        for (const [k, v] of Object.entries(action.Parameters.Attributes as Record<string, string>)) {
          const r = resolve(v);
          if (r !== undefined) attributes[k] = r;
        }
        next = t.NextAction;
        break;
      case 'InvokeLambdaFunction': {
        invocations++;
        const answer = invoke();
        if (answer === 'error') next = error();
        else {
          external = answer;
          next = t.NextAction;
        }
        break;
      }
      case 'Compare': {
        const value = resolve(action.Parameters.ComparisonValue as string);
        const match = t.Conditions?.find((c) => c.Condition.Operator === 'Equals' && c.Condition.Operands.includes(value ?? '\u0000'));
        next = match ? match.NextAction : t.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition')?.NextAction;
        break;
      }
      case 'GetParticipantInput':
        next = t.Errors?.find((e) => e.ErrorType === 'InputTimeLimitExceeded')?.NextAction;
        break;
      default:
        next = t.NextAction;
    }
    if (next === undefined) throw new Error(`dead end at ${action.Identifier}`);
    action = actionOf(flow, next);
  }
  throw new Error(`no end after ${maxSteps} steps: ${visited.slice(-20).join(' > ')}`);
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
        'RetrySpeechSeconds',
        'SpeechWindowSeconds',
        'WatchlistId',
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
    const deadEnds = flow.Actions.filter((a) => !a.Transitions.NextAction).map((a) => a.Type);
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

  test('plays a prompt before Set Voice ID, and starts the stream right after it', () => {
    const setVoiceId = flow.Actions.find((a) => a.Type === 'UpdateContactData' && a.Parameters.IsVoiceIdStreamingEnabled === 'true') as FlowAction;
    const visited = simulate(flow, always('AUTHENTICATED')).visited;
    const before = visited.slice(0, visited.indexOf(setVoiceId.Identifier)).map((id) => actionOf(flow, id).Type);
    expect(before).toContain('MessageParticipant');
    expect(actionOf(flow, setVoiceId.Transitions.NextAction as string).Type).toBe('StartVoiceIdStream');
  });

  test('streams speech (a prompt that waits for the caller) before the first decision', () => {
    const visited = simulate(flow, always('AUTHENTICATED')).visited;
    const beforeInvoke = visited.slice(0, visited.findIndex((id) => actionOf(flow, id).Type === 'InvokeLambdaFunction')).map((id) => actionOf(flow, id));
    const speech = beforeInvoke.find((a) => a.Type === 'GetParticipantInput');
    expect(Number(speech?.Parameters.InputTimeLimitSeconds)).toBeGreaterThanOrEqual(10);
  });

  test('sets Voice ID with string parameters only', () => {
    const setVoiceId = flow.Actions.find((a) => a.Type === 'UpdateContactData' && a.Parameters.IsVoiceIdStreamingEnabled === 'true') as FlowAction;
    for (const value of Object.values(setVoiceId.Parameters)) expect(typeof value).toBe('string');
  });

  test('authenticates only on AUTHENTICATED (directly or after RETRY)', () => {
    for (const decision of CALLER_DECISIONS) {
      const outcome = simulate(flow, always(decision));
      expect({ decision, authenticated: outcome.attributes.voiceIdAuthenticated }).toEqual({ decision, authenticated: decision === 'AUTHENTICATED' ? 'true' : 'false' });
    }
    const authenticated = authenticatedActions(flow);
    expect(authenticated).toHaveLength(1);
    for (const decision of CALLER_DECISIONS.filter((d) => d !== 'AUTHENTICATED' && d !== 'RETRY')) {
      expect({ decision, reaches: reachableFrom(flow, branchTarget(flow, decision)).has(authenticated[0]) }).toEqual({ decision, reaches: false });
    }
  });

  test('HIGH_RISK never reaches the authenticated path nor another evaluation', () => {
    const reachable = reachableFrom(flow, branchTarget(flow, 'HIGH_RISK'));
    for (const id of authenticatedActions(flow)) expect(reachable.has(id)).toBe(false);
    expect([...reachable].map((id) => actionOf(flow, id).Type)).not.toContain('InvokeLambdaFunction');
    const outcome = simulate(flow, always('HIGH_RISK'));
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdHighRisk: 'true', voiceIdDecision: 'HIGH_RISK' }));
  });

  test('a failing Lambda takes the error path, which never authenticates', () => {
    const invoke = ofType(flow, 'InvokeLambdaFunction')[0];
    const errorTarget = invoke.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingError')?.NextAction as string;
    for (const id of authenticatedActions(flow)) expect(reachableFrom(flow, errorTarget).has(id)).toBe(false);
    const outcome = simulate(flow, () => 'error');
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'ERROR' }));
  });

  test('an answer without a decision goes down the error path', () => {
    const outcome = simulate(flow, () => ({ unexpected: 'x' }));
    expect(outcome.attributes.voiceIdAuthenticated).toBe('false');
    expect(outcome.invocations).toBe(1);
  });

  test('the RETRY loop is bounded by maxRetries and ends as INCONCLUSIVE', () => {
    const maxRetries = overrides.maxRetries ?? 2;
    const outcome = simulate(flow, always('RETRY'));
    expect(outcome.invocations).toBe(1 + maxRetries);
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'false', voiceIdDecision: 'INCONCLUSIVE', voiceIdRetries: String(maxRetries) }));
    // Between two evaluations the caller gets a prompt to keep talking.
    const retryPath = outcome.visited.slice(outcome.visited.indexOf(decisionBranch(flow).Identifier));
    expect(retryPath.map((id) => actionOf(flow, id).Type)).toContain('GetParticipantInput');
  });

  test('RETRY then AUTHENTICATED authenticates on the second evaluation', () => {
    const answers = ['RETRY', 'AUTHENTICATED'];
    const outcome = simulate(flow, () => ({ decision: answers.shift() ?? 'ERROR', decisionId: 'd-2', recordStatus: 'RECORDED' }));
    expect(outcome.invocations).toBe(2);
    expect(outcome.attributes).toEqual(expect.objectContaining({ voiceIdAuthenticated: 'true', voiceIdDecision: 'AUTHENTICATED', voiceIdDecisionId: 'd-2' }));
  });

  test('invokes the decision Lambda synchronously within Connect\'s 8 s with a string-map response', () => {
    const [invoke] = ofType(flow, 'InvokeLambdaFunction');
    expect(invoke.Parameters).toEqual(
      expect.objectContaining({ LambdaFunctionARN: FUNCTION_ARN, InvocationTimeLimitSeconds: '8', InvocationType: 'SYNCHRONOUS', ResponseValidation: { ResponseType: 'STRING_MAP' } }),
    );
    const save = actionOf(flow, invoke.Transitions.NextAction as string);
    expect(save.Parameters.Attributes).toEqual({ voiceIdDecision: '$.External.decision', voiceIdDecisionId: '$.External.decisionId' });
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
    expect(ofType(render(), 'InvokeLambdaFunction')[0].Parameters.LambdaInvocationAttributes).toEqual({ customerId: '$.CustomerId' });
    expect(ofType(render({ minAuthenticationScore: 95 }), 'InvokeLambdaFunction')[0].Parameters.LambdaInvocationAttributes).toEqual({ customerId: '$.CustomerId', minAuthenticationScore: '95' });
  });

  test('by default HIGH_RISK callers hear a prompt and are disconnected, with no queue transfer in the flow for them', () => {
    const flow = render();
    const outcome = simulate(flow, always('HIGH_RISK'));
    expect(outcome.end.Type).toBe('DisconnectParticipant');
    expect(outcome.visited.map((id) => actionOf(flow, id).Type)).toContain('MessageParticipant');
    expect(outcome.targetQueue).toBeUndefined();
  });

  test('with fraudQueueArn HIGH_RISK callers are transferred to that queue', () => {
    const outcome = simulate(render({ fraudQueueArn: FRAUD_QUEUE_ARN }), always('HIGH_RISK'));
    expect(outcome.end.Type).toBe('TransferContactToQueue');
    expect(outcome.targetQueue).toBe(FRAUD_QUEUE_ARN);
  });

  test('by default other callers are transferred to the working queue the calling flow set', () => {
    const flow = render();
    const outcome = simulate(flow, always('NOT_AUTHENTICATED'));
    expect(outcome.end.Type).toBe('TransferContactToQueue');
    expect(outcome.targetQueue).toBeUndefined();
    expect(ofType(flow, 'UpdateContactTargetQueue')).toEqual([]);
  });

  test('with nextQueueArn authenticated and other callers are transferred to that queue, never to the fraud queue', () => {
    const flow = render({ fraudQueueArn: FRAUD_QUEUE_ARN, nextQueueArn: NEXT_QUEUE_ARN });
    for (const decision of ['AUTHENTICATED', 'NOT_AUTHENTICATED', 'ERROR', 'RETRY']) {
      const outcome = simulate(flow, always(decision));
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
  ])('records required %p: AUTHENTICATED with recordStatus %p sets voiceIdAuthenticated=%p', (decisionRecordRequired, recordStatus, authenticated) => {
    const outcome = simulate(render({ decisionRecordRequired }), always('AUTHENTICATED', recordStatus));
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
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Flow', { env: { account: '123456789012', region: 'eu-west-2' } });
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
