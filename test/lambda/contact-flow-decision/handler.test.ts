import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { RESPONSE_KEYS } from '../../../lambda/contact-flow-decision/adapters/connect-response';
import { DynamoDbDecisionStore } from '../../../lambda/contact-flow-decision/adapters/decision-store';
import { SdkVoiceIdGateway } from '../../../lambda/contact-flow-decision/adapters/voice-id-gateway';
import type { DecisionLambdaConfig } from '../../../lambda/contact-flow-decision/config';
import { CALLER_DECISIONS } from '../../../lambda/contact-flow-decision/domain/decision-policy';
import { createHandler, createRuntime, type DecisionHandler, type RuntimeOrError } from '../../../lambda/contact-flow-decision/handler';
import {
  CALLER_PHONE,
  captureOutput,
  CUSTOMER_ID,
  CUSTOMER_SPEAKER_ID,
  documentClientWith,
  evaluateSessionBody,
  fakeRequestHandler,
  type FakeHttpResponse,
  GENERATED_SPEAKER_ID,
  liveEvent,
  loadFixture,
} from './support';

const config: DecisionLambdaConfig = {
  voiceIdDomainId: 'Dom0123456789abcdefGHI',
  decisionsTableName: 'decisions-test',
  retentionDays: 30,
  policy: { minAuthenticationScore: 90, maxKnownFraudsterRiskScore: 50, maxVoiceSpoofingRiskScore: 50 },
  policyVersion: 'v7',
  budgetMs: 6500,
  pollIntervalMs: 100,
};

function lambdaContext(remainingMs = 8000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'contact-flow-decision',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:contact-flow-decision',
    memoryLimitInMB: '256',
    awsRequestId: 'b6f8a5d2-0000-4000-8000-000000000001',
    logGroupName: '/aws/lambda/contact-flow-decision',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A handler whose runtime uses the real adapters on SDK clients answered by fake HTTP handlers. */
function handlerWith(voiceId: () => FakeHttpResponse | Promise<FakeHttpResponse>, dynamo: () => FakeHttpResponse = () => ({ status: 200, body: {} }), initStartedAt?: number) {
  const voiceIdHttp = fakeRequestHandler(voiceId);
  const dynamoHttp = fakeRequestHandler(dynamo);
  const { voiceIdClientWith } = jest.requireActual<typeof import('./support')>('./support');
  const runtime: RuntimeOrError = {
    ok: true,
    runtime: {
      config,
      deps: {
        voiceId: new SdkVoiceIdGateway(voiceIdClientWith(voiceIdHttp.handler), config.voiceIdDomainId),
        store: new DynamoDbDecisionStore(documentClientWith(dynamoHttp.handler), config.decisionsTableName),
        clock: { now: () => Date.now() },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
      },
    },
  };
  const handler = createHandler({
    runtime,
    logger: new Logger({ serviceName: 'contact-flow-decision-test' }),
    metrics: new Metrics({ namespace: 'VoiceIdConnectTest', serviceName: 'contact-flow-decision-test' }),
    initStartedAt,
  });
  return { handler, voiceIdRequests: voiceIdHttp.captured, dynamoRequests: dynamoHttp.captured };
}

const SAFE_VALUE = /^[A-Za-z0-9_,-]*$/;

function expectValidResponse(response: Record<string, unknown>): void {
  expect(Object.keys(response).sort()).toEqual([...RESPONSE_KEYS].sort());
  for (const [key, value] of Object.entries(response)) {
    expect(typeof value).toBe('string');
    if (!SAFE_VALUE.test(value as string)) throw new Error(`${key}=${String(value)} has characters outside [A-Za-z0-9_,-]`);
  }
  expect(Buffer.byteLength(JSON.stringify(response), 'utf8')).toBeLessThan(32 * 1024);
  expect(CALLER_DECISIONS).toContain(response['decision']);
}

const CALLER_IDENTIFIERS = [CALLER_PHONE, CUSTOMER_ID, CUSTOMER_SPEAKER_ID, GENERATED_SPEAKER_ID, '+442071234567', 'Jane Doe'];

describe('handler: the Connect response contract', () => {
  test('accepted, low risk -> AUTHENTICATED with every field a safe string', async () => {
    const { handler } = handlerWith(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 96 }, fraud: { decision: 'LOW_RISK', knownFraudster: 10, spoofing: 4 } }),
    }));
    const { result: response } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expectValidResponse(response);
    expect(response).toEqual({
      decision: 'AUTHENTICATED',
      authenticationDecision: 'ACCEPT',
      authenticationScore: '96',
      fraudDecision: 'LOW_RISK',
      fraudReasons: '',
      knownFraudsterRiskScore: '10',
      voiceSpoofingRiskScore: '4',
      streamingStatus: 'ONGOING',
      decisionId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      recordStatus: 'RECORDED',
      reason: 'AUTHENTICATION_ACCEPTED',
      errorCode: '',
      policyVersion: 'v7',
      voiceIdCalls: '1',
    });
  });

  test('high risk -> HIGH_RISK with the reasons comma-separated', async () => {
    const { handler } = handlerWith(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 }, fraud: { decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER', 'VOICE_SPOOFING'], knownFraudster: 91, spoofing: 77 } }),
    }));
    const { result: response } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expectValidResponse(response);
    expect(response).toMatchObject({ decision: 'HIGH_RISK', fraudReasons: 'KNOWN_FRAUDSTER,VOICE_SPOOFING', reason: 'FRAUD_HIGH_RISK' });
  });

  test('no caller identifier appears in the response, the logs, the metrics or the stored record', async () => {
    const { handler, dynamoRequests } = handlerWith(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 96 }, fraud: { decision: 'LOW_RISK' } }),
    }));
    const { result: response, output } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    const stored = JSON.stringify(dynamoRequests);
    for (const identifier of CALLER_IDENTIFIERS) {
      expect(JSON.stringify(response)).not.toContain(identifier);
      expect(output).not.toContain(identifier);
    }
    for (const identifier of [CALLER_PHONE, CUSTOMER_ID, '+442071234567', 'Jane Doe']) expect(stored).not.toContain(identifier);
    // the stored record keeps Voice ID's opaque speaker id for the bySpeaker index, never the customer's
    expect(stored).toContain(GENERATED_SPEAKER_ID);
    expect(output).toContain('"contactId":"5ca32fbd-8f92-46af-92a5-6b0f970f0efe"');
  });

  test('a flow parameter can tighten the policy, and the response names the effective version', async () => {
    const { handler } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 93 }, fraud: { decision: 'LOW_RISK' } }) }));
    const { result } = await captureOutput(() => handler(liveEvent({ minAuthenticationScore: '95' }), lambdaContext()));
    expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'SCORE_BELOW_MINIMUM', policyVersion: 'v7_flow-min95' });
  });

  test('every official sample event is answered with a valid response', async () => {
    const { handler } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ENDED', auth: { decision: 'SPEAKER_NOT_ENROLLED' } }) }));
    for (const name of ['connectContactFlowEventAll.powertools-python.json', 'connectContactFlowEventMin.powertools-python.json', 'event.aws-lambda-go.json', 'ContactFlowEvent.aws-sam-cli.json']) {
      const { result } = await captureOutput(() => handler(loadFixture(name), lambdaContext()));
      expectValidResponse(result);
      expect(result.decision).toBe('NOT_ENROLLED');
    }
  });

  test('emits one metric per decision outcome plus latency and call counts', async () => {
    const { handler } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'REJECT', score: 12 }, fraud: { decision: 'LOW_RISK' } }) }));
    const { output } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    const emf = output.split('\n').filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ Decision_NOT_AUTHENTICATED: 1, VoiceIdCalls: 1, VoiceIdRetries: 0, EvaluationLatency: expect.any(Number) });
  });
});

describe('handler: fails closed, never throws', () => {
  const malformed: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'hello'],
    ['an array', []],
    ['an empty object', {}],
    ['no ContactId', { Details: { ContactData: {}, Parameters: {} } }],
    ['a numeric ContactId', { Details: { ContactData: { ContactId: 1 }, Parameters: {} } }],
    ['a ContactId that is not an id', { Details: { ContactData: { ContactId: '../etc/passwd' }, Parameters: { minAuthenticationScore: 95 } } }],
  ];

  test.each(malformed)('%s -> ERROR INVALID_EVENT, no Voice ID call, nothing recorded (no contact to record it for)', async (_, event) => {
    const { handler, voiceIdRequests, dynamoRequests } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 } }) }));
    const { result } = await captureOutput(() => handler(event, lambdaContext()));
    expectValidResponse(result);
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'INVALID_EVENT', recordStatus: 'FAILED', decisionId: '', voiceIdCalls: '0', authenticationDecision: 'NONE' });
    expect(result.reason).not.toBe('');
    expect(voiceIdRequests).toHaveLength(0);
    expect(dynamoRequests).toHaveLength(0);
  });

  const rejectedForAContact: [string, unknown][] = [
    ['Parameters with numbers', { Details: { ContactData: { ContactId: 'c1' }, Parameters: { minAuthenticationScore: 95 } } }],
    ['a non-numeric policy parameter', liveEvent({ minAuthenticationScore: 'high' })],
    ['an out-of-range policy parameter', liveEvent({ maxVoiceSpoofingRiskScore: '101' })],
    ['huge flow parameters', { Details: { ContactData: { ContactId: 'c1' }, Parameters: { a: 'x'.repeat(200_000) } } }],
    ['a circular object', (() => { const o: Record<string, unknown> = {}; o['self'] = o; o['Details'] = { ContactData: { ContactId: 'c1' }, Parameters: o }; return o; })()],
  ];

  test.each(rejectedForAContact)('%s -> ERROR INVALID_EVENT, no Voice ID call, the ERROR recorded for the contact', async (_, event) => {
    const { handler, voiceIdRequests, dynamoRequests } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 } }) }));
    const { result } = await captureOutput(() => handler(event, lambdaContext()));
    expectValidResponse(result);
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'INVALID_EVENT', recordStatus: 'RECORDED', voiceIdCalls: '0', authenticationDecision: 'NONE' });
    expect(result.decisionId).not.toBe('');
    expect(voiceIdRequests).toHaveLength(0);
    expect(dynamoRequests).toHaveLength(1);
    expect(JSON.stringify(dynamoRequests[0])).toContain('INVALID_EVENT');
  });

  test('a cold start spends part of Connect\'s 8 s: the first invocation waits for speech only in what is left', async () => {
    const pending = () => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'NOT_ENOUGH_SPEECH' } }) });
    // Init took 4.5 s of the budget: the first invocation polls for what is left, not for the whole budget.
    const { handler } = handlerWith(pending, undefined, Date.now() - 4500);
    const started = Date.now();
    const { result: first } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expect(Date.now() - started).toBeLessThan(config.budgetMs - 4500 + 500);
    expect(first.decision).toBe('RETRY');
  });

  test('Voice ID throttling on every call -> ERROR VOICE_ID_THROTTLED, recorded', async () => {
    const { handler, voiceIdRequests, dynamoRequests } = handlerWith(() => ({ status: 400, body: { __type: 'ThrottlingException', Message: 'Rate exceeded' } }));
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expectValidResponse(result);
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'VOICE_ID_THROTTLED', recordStatus: 'RECORDED', voiceIdCalls: '4' });
    expect(voiceIdRequests).toHaveLength(4);
    expect(dynamoRequests).toHaveLength(1);
  });

  test('a record failure keeps the decision: recordStatus FAILED, empty decisionId, RecordFailures metric', async () => {
    const { handler } = handlerWith(
      () => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 96 }, fraud: { decision: 'LOW_RISK' } }) }),
      () => ({ status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' } }),
    );
    const { result, output } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expect(result).toMatchObject({ decision: 'AUTHENTICATED', recordStatus: 'FAILED', decisionId: '' });
    expect(output).toContain('"RecordFailures":1');
    expect(output).toContain('Decision not recorded; the decision stands');
  });

  test('a replayed Voice ID result -> recordStatus DUPLICATE with the existing id', async () => {
    const { handler } = handlerWith(
      () => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 96 }, fraud: { decision: 'LOW_RISK' } }) }),
      () => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: { decisionId: { S: 'existingDecision' } } } }),
    );
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expect(result).toMatchObject({ decision: 'AUTHENTICATED', recordStatus: 'DUPLICATE', decisionId: 'existingDecision' });
  });

  test("the Lambda's remaining time caps the budget: too little time -> ERROR DEADLINE_EXCEEDED without calling Voice ID", async () => {
    const { handler, voiceIdRequests } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 } }) }));
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext(1200)));
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'DEADLINE_EXCEEDED', voiceIdCalls: '0' });
    expect(voiceIdRequests).toHaveLength(0);
  });

  test('Voice ID hanging -> answers ERROR DEADLINE_EXCEEDED within the remaining time', async () => {
    const { handler } = handlerWith(
      () =>
        new Promise<FakeHttpResponse>(() => {
          /* never answers */
        }),
    );
    const started = Date.now();
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext(2000)));
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'DEADLINE_EXCEEDED' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a configuration error answers ERROR CONFIGURATION_ERROR for every event', async () => {
    const logger = new Logger({ serviceName: 'contact-flow-decision-test' });
    const { result: runtime, output: coldStartLog } = await captureOutput(async () => createRuntime({ VOICE_ID_DOMAIN_ID: 'Dom0123456789abcdefGHI' }, logger));
    expect(runtime.ok).toBe(false);
    expect(coldStartLog).toContain('POWERTOOLS_SERVICE_NAME');
    const handler: DecisionHandler = createHandler({ runtime, logger, metrics: new Metrics({ namespace: 'T', serviceName: 'T' }) });
    for (const event of [liveEvent(), null]) {
      const { result } = await captureOutput(() => handler(event, lambdaContext()));
      expectValidResponse(result);
      expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'CONFIGURATION_ERROR', reason: 'ENV_POWERTOOLS_SERVICE_NAME' });
    }
  });
});

describe('handler module: cold start from the environment', () => {
  const VALID_ENV = {
    VOICE_ID_DOMAIN_ID: 'Dom0123456789abcdefGHI',
    DECISIONS_TABLE_NAME: 'decisions-test',
    DECISION_RETENTION_DAYS: '30',
    POLICY_MIN_AUTHENTICATION_SCORE: '90',
    POLICY_VERSION: 'v7',
    DECISION_BUDGET_MS: '1500',
    POWERTOOLS_SERVICE_NAME: 'contact-flow-decision',
    POWERTOOLS_METRICS_NAMESPACE: 'VoiceIdConnectTest',
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    // Nothing listens here: the SDK's standard endpoint variables are honoured, and fail fast.
    AWS_ENDPOINT_URL_VOICE_ID: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
  };
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  async function loadHandler(env: Record<string, string>): Promise<DecisionHandler> {
    process.env = { ...saved, ...env };
    for (const key of Object.keys(VALID_ENV)) if (!(key in env)) delete process.env[key];
    const { result } = await captureOutput(async () => {
      let loaded: DecisionHandler | undefined;
      jest.isolateModules(() => {
        loaded = (jest.requireActual<typeof import('../../../lambda/contact-flow-decision/handler')>('../../../lambda/contact-flow-decision/handler')).handler;
      });
      return loaded!;
    });
    return result;
  }

  test('the exported handler answers malformed events with ERROR INVALID_EVENT', async () => {
    const handler = await loadHandler(VALID_ENV);
    for (const event of [null, {}, { Details: { ContactData: { ContactId: 7 } } }]) {
      const { result } = await captureOutput(() => handler(event, lambdaContext()));
      expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'INVALID_EVENT' });
    }
  });

  test('the exported handler fails closed when Voice ID is unreachable, before its budget', async () => {
    const handler = await loadHandler(VALID_ENV);
    const started = Date.now();
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expectValidResponse(result);
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'VOICE_ID_UNAVAILABLE', recordStatus: 'FAILED' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('a missing variable at cold start -> ERROR CONFIGURATION_ERROR naming it, no exception', async () => {
    const { DECISIONS_TABLE_NAME: _omitted, ...env } = VALID_ENV;
    const handler = await loadHandler(env);
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'CONFIGURATION_ERROR', reason: 'ENV_DECISIONS_TABLE_NAME' });
  });

  test('the runtime builds its Voice ID client without SDK retries', async () => {
    process.env = { ...saved, ...VALID_ENV };
    const { result: runtime } = await captureOutput(async () => createRuntime(process.env, new Logger()));
    if (!runtime.ok) throw new Error('expected a runtime');
    const gateway = runtime.runtime.deps.voiceId as SdkVoiceIdGateway;
    expect(await gateway.client.config.maxAttempts()).toBe(1);
  });
});
