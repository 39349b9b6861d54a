import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { RESPONSE_KEYS } from '../../../lambda/contact-flow-decision/adapters/connect-response';
import { DynamoDbDecisionStore } from '../../../lambda/contact-flow-decision/adapters/decision-store';
import { SdkVoiceIdGateway } from '../../../lambda/contact-flow-decision/adapters/voice-id-gateway';
import type { DecisionLambdaConfig } from '../../../lambda/contact-flow-decision/config';
import { CALLER_DECISIONS } from '../../../lambda/contact-flow-decision/domain/decision-policy';
import { createHandler, createRuntime, type DecisionHandler, INIT_FOLLOWED_DIRECTLY_MS, type InitTiming, initWaitMs, type RuntimeOrError } from '../../../lambda/contact-flow-decision/handler';
import { DEFAULT_POLICY,
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
  policy: DEFAULT_POLICY,
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
function handlerWith(voiceId: () => FakeHttpResponse | Promise<FakeHttpResponse>, dynamo: () => FakeHttpResponse = () => ({ status: 200, body: {} }), init?: InitTiming) {
  // DescribeDomain (the default watchlist, once per environment) is answered here and not captured: the tests count EvaluateSession calls.
  const voiceIdHttp = fakeRequestHandler(voiceId);
  const domainHttp = fakeRequestHandler(() => ({ status: 200, body: { Domain: { DomainId: config.voiceIdDomainId, WatchlistDetails: { DefaultWatchlistId: 'Wl0123456789abcdefGHIJ' } } } }));
  const routed = { ...voiceIdHttp.handler, handle: (request: { headers: Record<string, string>; body?: unknown }, options?: { abortSignal?: AbortSignal }) => (request.headers['x-amz-target'] === 'VoiceID.DescribeDomain' ? domainHttp.handler : voiceIdHttp.handler).handle(request, options) };
  const dynamoHttp = fakeRequestHandler(dynamo);
  const { voiceIdClientWith } = jest.requireActual<typeof import('./support')>('./support');
  const runtime: RuntimeOrError = {
    ok: true,
    runtime: {
      config,
      deps: {
        voiceId: new SdkVoiceIdGateway(voiceIdClientWith(routed), config.voiceIdDomainId),
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
    init,
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
      invalidParameter: '',
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
    // The samples pass no customerId: Voice ID was given no speaker either.
    const { handler } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ENDED', auth: { decision: 'SPEAKER_ID_NOT_PROVIDED' }, fraud: { decision: 'LOW_RISK' } }) }));
    for (const name of ['connectContactFlowEventAll.powertools-python.json', 'connectContactFlowEventMin.powertools-python.json', 'event.aws-lambda-go.json', 'ContactFlowEvent.aws-sam-cli.json']) {
      const { result } = await captureOutput(() => handler(loadFixture(name), lambdaContext()));
      expectValidResponse(result);
      expect(result).toMatchObject({ decision: 'NOT_ENROLLED', reason: 'SPEAKER_ID_NOT_PROVIDED' });
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

  const ownContact = '5ca32fbd-8f92-46af-92a5-6b0f970f0efe';
  const namingTheParameter: [string, Record<string, string>, string, string][] = [
    ['a misspelt policy parameter (case)', { MinAuthenticationScore: '99' }, 'minAuthenticationScore', 'FLOW_PARAMETER_MISSPELT'],
    ['a misspelt policy parameter (snake case)', { min_authentication_score: '99' }, 'minAuthenticationScore', 'FLOW_PARAMETER_MISSPELT'],
    ['a misspelt customer id parameter', { customerId: '', CustomerID: 'cust-1' }, 'customerId', 'FLOW_PARAMETER_MISSPELT'],
    ['a misspelt session parameter', { 'session-name-or-id': ownContact }, 'sessionNameOrId', 'FLOW_PARAMETER_MISSPELT'],
    ["another contact's session", { sessionNameOrId: '00000000-0000-4000-8000-000000000999' }, 'sessionNameOrId', 'SESSION_NOT_OF_THIS_CONTACT'],
    ['a customer id Voice ID could not hold', { customerId: 'cust 4711; drop' }, 'customerId', 'CUSTOMER_ID_INVALID'],
  ];

  test.each(namingTheParameter)('%s -> ERROR INVALID_EVENT naming the parameter, no Voice ID call, recorded', async (_, parameters, parameter, reason) => {
    const { handler, voiceIdRequests, dynamoRequests } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 } }) }));
    const { result, output } = await captureOutput(() => handler(liveEvent(parameters, ownContact), lambdaContext()));
    expectValidResponse(result);
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'INVALID_EVENT', reason, invalidParameter: parameter, recordStatus: 'RECORDED' });
    expect(voiceIdRequests).toHaveLength(0);
    expect(dynamoRequests).toHaveLength(1);
    // Parameter values can be caller data: never echoed.
    for (const value of Object.values(parameters).filter((v) => v.length > 3 && v !== ownContact)) {
      expect(output).not.toContain(value);
      expect(JSON.stringify(result)).not.toContain(value);
    }
  });

  test("the contact's own, initial and previous contact sessions are all allowed", async () => {
    const { handler, voiceIdRequests } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 96 }, fraud: { decision: 'LOW_RISK' } }) }));
    for (const session of [ownContact, '6ca32fbd-8f92-46af-92a5-6b0f970f0efe']) {
      const { result } = await captureOutput(() => handler(liveEvent({ sessionNameOrId: session }, ownContact), lambdaContext()));
      expect(result.decision).toBe('AUTHENTICATED');
    }
    expect(voiceIdRequests.map((r) => r.body['SessionNameOrId'])).toEqual([ownContact, '6ca32fbd-8f92-46af-92a5-6b0f970f0efe']);
  });

  test('an ACCEPT of another speaker than the claimed customer -> NOT_AUTHENTICATED, neither id logged, recorded or returned', async () => {
    const other = 'cust-0815-other';
    const { handler, dynamoRequests } = handlerWith(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99, customerSpeakerId: other }, fraud: { decision: 'LOW_RISK' } }),
    }));
    const { result, output } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    // Voice ID's ACCEPT was about someone else: the flow sees no verdict or score it could branch on.
    expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'SPEAKER_NOT_CLAIMED_CUSTOMER', authenticationDecision: 'NONE', authenticationScore: '' });
    for (const id of [other, CUSTOMER_ID]) {
      expect(output).not.toContain(id);
      expect(JSON.stringify(result)).not.toContain(id);
      expect(JSON.stringify(dynamoRequests)).not.toContain(id);
    }
  });

  test.each([
    ['upper case', (id: string) => id.toUpperCase()],
    ['a trailing space', (id: string) => `${id} `],
    ['a prefix', (id: string) => `x${id}`],
  ])('a CustomerSpeakerId that differs from the claim only by %s is another speaker', async (_label, vary) => {
    const { handler } = handlerWith(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99, customerSpeakerId: vary(CUSTOMER_ID) }, fraud: { decision: 'LOW_RISK' } }),
    }));
    const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
    expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'SPEAKER_NOT_CLAIMED_CUSTOMER' });
  });

  test('no customerId parameter -> an ACCEPT is NOT_AUTHENTICATED (CUSTOMER_ID_NOT_CLAIMED)', async () => {
    const { handler } = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 }, fraud: { decision: 'LOW_RISK' } }) }));
    const { result } = await captureOutput(() => handler(liveEvent({ customerId: '' }), lambdaContext()));
    expect(result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'CUSTOMER_ID_NOT_CLAIMED' });
  });

  test('an ACCEPT under a threshold a flow lowered, or from audio of an old contact, never authenticates', async () => {
    const lowered = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 70, acceptanceThreshold: 60 }, fraud: { decision: 'LOW_RISK' } }) }));
    expect((await captureOutput(() => lowered.handler(liveEvent(), lambdaContext()))).result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'ACCEPTANCE_THRESHOLD_BELOW_POLICY' });
    const old = handlerWith(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ENDED', auth: { decision: 'ACCEPT', score: 99, audioEndedAt: new Date(Date.now() - 3 * 3600_000) }, fraud: { decision: 'LOW_RISK' } }) }));
    expect((await captureOutput(() => old.handler(liveEvent(), lambdaContext()))).result).toMatchObject({ decision: 'NOT_AUTHENTICATED', reason: 'RESULT_TOO_OLD' });
  });

  test('recording a rejected event gets the same budget as an evaluation: no time left -> not attempted', async () => {
    const { handler, dynamoRequests } = handlerWith(() => ({ status: 200, body: {} }));
    // 320 ms left in the Lambda: the budget (remaining minus the handler's 300 ms safety margin) leaves nothing to record with.
    const { result } = await captureOutput(() => handler(liveEvent({ MinAuthenticationScore: '99' }), lambdaContext(320)));
    expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'INVALID_EVENT', recordStatus: 'FAILED' });
    expect(dynamoRequests).toHaveLength(0);
  });

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

  describe('init time counts only when it delayed the call', () => {
    const accepted = () => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 96 }, fraud: { decision: 'LOW_RISK' } }),
    });

    test('a cold start that just took 7 s leaves no time: ERROR DEADLINE_EXCEEDED without calling Voice ID', async () => {
      const now = Date.now();
      const { handler, voiceIdRequests } = handlerWith(accepted, undefined, { startedAt: now - 7000, endedAt: now, type: 'on-demand' });
      const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
      expect(result).toMatchObject({ decision: 'ERROR', errorCode: 'DEADLINE_EXCEEDED', reason: 'NO_TIME_FOR_VOICE_ID' });
      expect(voiceIdRequests).toHaveLength(0);
    });

    test('an environment initialized well before its first call (Lambda ahead of demand) answers that call normally', async () => {
      const now = Date.now();
      const { handler } = handlerWith(accepted, undefined, { startedAt: now - 600_000 - 7000, endedAt: now - 600_000, type: 'on-demand' });
      const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
      expect(result).toMatchObject({ decision: 'AUTHENTICATED' });
    });

    test('provisioned concurrency: init never counts, even directly before the call', async () => {
      const now = Date.now();
      const { handler } = handlerWith(accepted, undefined, { startedAt: now - 7000, endedAt: now, type: 'provisioned-concurrency' });
      const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
      expect(result).toMatchObject({ decision: 'AUTHENTICATED' });
    });

    test('only the first invocation pays for init', async () => {
      const now = Date.now();
      const { handler } = handlerWith(accepted, undefined, { startedAt: now - 7000, endedAt: now, type: 'on-demand' });
      await captureOutput(() => handler(liveEvent(), lambdaContext()));
      const { result } = await captureOutput(() => handler(liveEvent(), lambdaContext()));
      expect(result).toMatchObject({ decision: 'AUTHENTICATED' });
    });

    test.each([
      ['no init timing (outside Lambda)', undefined, 1000, 0],
      ['on-demand, invocation directly after init', { startedAt: 0, endedAt: 4000, type: 'on-demand' }, 4100, 4100],
      ['on-demand, at the edge of "directly"', { startedAt: 0, endedAt: 4000, type: 'on-demand' }, 4000 + INIT_FOLLOWED_DIRECTLY_MS, 4000 + INIT_FOLLOWED_DIRECTLY_MS],
      ['on-demand, invocation long after init', { startedAt: 0, endedAt: 4000, type: 'on-demand' }, 4001 + INIT_FOLLOWED_DIRECTLY_MS, 0],
      ['type not reported, directly after init', { startedAt: 0, endedAt: 4000 }, 4050, 4050],
      ['provisioned concurrency', { startedAt: 0, endedAt: 4000, type: 'provisioned-concurrency' }, 4010, 0],
      ['SnapStart restore', { startedAt: 0, endedAt: 4000, type: 'snap-start' }, 4010, 0],
    ] as const)('initWaitMs: %s', (_, init, invokedAt, expected) => {
      expect(initWaitMs(init, invokedAt)).toBe(expected);
    });
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
