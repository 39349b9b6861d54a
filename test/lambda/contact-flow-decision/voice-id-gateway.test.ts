import { DESCRIBE_DOMAIN_RETRY_AFTER_MS, readLeniently, SdkVoiceIdGateway, toVoiceIdError } from '../../../lambda/contact-flow-decision/adapters/voice-id-gateway';
import { bindToClaim } from '../../../lambda/contact-flow-decision/domain/voice-id-outcome';
import { VoiceIdError, VoiceIdUnexpectedResponseError } from '../../../lambda/contact-flow-decision/domain/errors';
import { CUSTOMER_SPEAKER_ID, evaluateSessionBody, fakeRequestHandler, type FakeHttpResponse, voiceIdClientWith } from './support';

const DOMAIN_ID = 'Dom0123456789abcdefGHI';

function gatewayAnswering(respond: () => FakeHttpResponse | Promise<FakeHttpResponse>) {
  const fake = fakeRequestHandler(respond);
  return { gateway: new SdkVoiceIdGateway(voiceIdClientWith(fake.handler), DOMAIN_ID), captured: fake.captured };
}

async function failure(respond: () => FakeHttpResponse | Promise<FakeHttpResponse>, timeoutMs = 1000): Promise<VoiceIdError> {
  const { gateway } = gatewayAnswering(respond);
  try {
    await gateway.evaluateSession('5ca32fbd-8f92-46af-92a5-6b0f970f0efe', { timeoutMs });
  } catch (error: unknown) {
    if (error instanceof VoiceIdError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('Voice ID gateway on the real SDK client (fake HTTP, no server)', () => {
  test('sends EvaluateSession for the domain and session', async () => {
    const { gateway, captured } = gatewayAnswering(() => ({ status: 200, body: evaluateSessionBody({ streamingStatus: 'ONGOING' }) }));
    await gateway.evaluateSession('5ca32fbd-8f92-46af-92a5-6b0f970f0efe', { timeoutMs: 1000 });
    expect(captured).toEqual([{ target: 'VoiceID.EvaluateSession', body: { DomainId: DOMAIN_ID, SessionNameOrId: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe' } }]);
  });

  test('maps the response to domain types, keeping the CustomerSpeakerId apart for the claim check only', async () => {
    const { gateway } = gatewayAnswering(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'ENDED', auth: { decision: 'ACCEPT', score: 97 }, fraud: { decision: 'HIGH_RISK', reasons: ['VOICE_SPOOFING'], knownFraudster: 12, spoofing: 88 } }),
    }));
    const evaluation = await gateway.evaluateSession('s1', { timeoutMs: 1000 });
    expect(evaluation).toEqual({
      sessionId: 'id#Ses0123456789abcdefGHI',
      streamingStatus: 'ENDED',
      authentication: {
        decision: 'ACCEPT',
        score: 97,
        resultId: 'AuthRes0123456789abcde',
        generatedSpeakerId: 'id#Gs0123456789abcdefGHIJ',
        customerSpeakerId: CUSTOMER_SPEAKER_ID,
        acceptanceThreshold: 90,
        audioAggregationEndedAt: expect.any(Number),
      },
      fraud: {
        decision: 'HIGH_RISK',
        reasons: ['VOICE_SPOOFING'],
        knownFraudsterRiskScore: 12,
        voiceSpoofingRiskScore: 88,
        resultId: 'FraudRes0123456789abcd',
        riskThreshold: 50,
        watchlistId: 'Wl0123456789abcdefGHIJ',
        generatedFraudsterId: 'id#Fr0123456789abcdefGHIJ',
        audioAggregationEndedAt: expect.any(Number),
      },
      unrecognized: [],
    });
    // Timestamps arrive as epoch seconds and become epoch milliseconds.
    expect(evaluation.authentication!.audioAggregationEndedAt! % 1000).toBe(0);
    expect(Math.abs(evaluation.authentication!.audioAggregationEndedAt! - Date.now())).toBeLessThan(60_000);
    // Bound to the claim, the id is gone: only whether it matched is left.
    const bound = bindToClaim(evaluation, CUSTOMER_SPEAKER_ID);
    expect(bound.authentication?.claim).toBe('MATCH');
    expect(JSON.stringify(bound)).not.toContain(CUSTOMER_SPEAKER_ID);
    expect(bindToClaim(evaluation, 'someone-else').authentication?.claim).toBe('MISMATCH');
    expect(bindToClaim(evaluation, undefined).authentication?.claim).toBe('NO_CLAIM');
  });

  test('absent results and a missing streaming status are kept absent / UNKNOWN', async () => {
    const { gateway } = gatewayAnswering(() => ({ status: 200, body: evaluateSessionBody({}) }));
    expect(await gateway.evaluateSession('s1', { timeoutMs: 1000 })).toEqual({ sessionId: 'id#Ses0123456789abcdefGHI', streamingStatus: 'UNKNOWN', unrecognized: [] });
  });

  test('values this SDK does not know become UNKNOWN and are listed, so a fraud signal beside them still counts', async () => {
    const { gateway } = gatewayAnswering(() => ({
      status: 200,
      body: evaluateSessionBody({ streamingStatus: 'PAUSED', auth: { decision: 'MAYBE', score: 101 }, fraud: { decision: 'HIGH_RISK', reasons: ['NEW_REASON', 'KNOWN_FRAUDSTER'] } }),
    }));
    const evaluation = await gateway.evaluateSession('s1', { timeoutMs: 1000 });
    expect(evaluation).toMatchObject({
      streamingStatus: 'UNKNOWN',
      authentication: { decision: 'UNKNOWN', score: 101 },
      fraud: { decision: 'HIGH_RISK', reasons: ['UNKNOWN', 'KNOWN_FRAUDSTER'] },
      unrecognized: ['StreamingStatus', 'AuthenticationResult.Decision', 'FraudDetectionResult.Reasons'],
    });
  });

  test.each([
    ['a string', 'KNOWN_FRAUDSTER'],
    ['an object', { Reason: 'KNOWN_FRAUDSTER' }],
    ['a list holding a non-string', [7]],
  ])('fraud reasons sent as %s are an unknown reason (a fraud signal), never a failure of the call', async (_label, reasons) => {
    const body = evaluateSessionBody({ streamingStatus: 'ONGOING', fraud: { decision: 'LOW_RISK', reasons: [] } }) as { FraudDetectionResult: Record<string, unknown> };
    body.FraudDetectionResult.Reasons = reasons;
    const { gateway } = gatewayAnswering(() => ({ status: 200, body }));
    const evaluation = await gateway.evaluateSession('s1', { timeoutMs: 1000 });
    expect(evaluation.fraud?.reasons).toEqual(['UNKNOWN']);
    expect(evaluation.unrecognized).toContain('FraudDetectionResult.Reasons');
  });

  test('a 2xx body the SDK cannot read fails closed (UNREADABLE_RESPONSE, not retried)', async () => {
    const error = await failure(() => ({ status: 200, body: { StreamingStatus: 'ONGOING', AuthenticationResult: { Decision: 'ACCEPT', AudioAggregationEndedAt: 'yesterday' } } }));
    expect(error).toMatchObject({ errorCode: 'VOICE_ID_UNEXPECTED_RESPONSE', retryable: false });
  });

  test('a 2xx the SDK cannot deserialize still hands on what can be read of it, for a fraud signal only (no timestamp is ever read)', async () => {
    const body = evaluateSessionBody({ streamingStatus: 'ENDED', auth: { decision: 'ACCEPT', score: 99 }, fraud: { decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudster: 98, spoofing: 1 } });
    (body.AuthenticationResult as Record<string, unknown>).AudioAggregationEndedAt = '2026-12-04T14:24:43Z';
    const error = await failure(() => ({ status: 200, body }));
    expect(error).toBeInstanceOf(VoiceIdUnexpectedResponseError);
    const partial = (error as VoiceIdUnexpectedResponseError).partialAnswer;
    expect(partial?.fraud).toMatchObject({ decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudsterRiskScore: 98 });
    expect(partial?.authentication?.audioAggregationEndedAt).toBeNaN();
  });

  test('numbers sent as strings make the answer malformed; read leniently, a risk score of "99" is 99', async () => {
    const body = evaluateSessionBody({ streamingStatus: 'ONGOING', auth: { decision: 'ACCEPT', score: 99 }, fraud: { decision: 'LOW_RISK', knownFraudster: 1, spoofing: 1 } });
    ((body.FraudDetectionResult as { RiskDetails: { KnownFraudsterRisk: Record<string, unknown> } }).RiskDetails.KnownFraudsterRisk).RiskScore = '99';
    const error = await failure(() => ({ status: 200, body }));
    expect(error).toMatchObject({ errorCode: 'VOICE_ID_UNEXPECTED_RESPONSE', detail: 'MALFORMED_RESPONSE', retryable: false });
    expect(error.message).toContain('FraudDetectionResult.RiskDetails.KnownFraudsterRisk.RiskScore');
    expect((error as VoiceIdUnexpectedResponseError).partialAnswer?.fraud?.knownFraudsterRiskScore).toBe(99);
    expect((error as VoiceIdUnexpectedResponseError).partialAnswer?.unrecognized).toContain('FraudDetectionResult.RiskDetails.KnownFraudsterRisk.RiskScore');
  });

  test.each(['not json', '[1,2]', 'null', ''])('a raw body %p leaves nothing to read', (text) => {
    expect(readLeniently(new TextEncoder().encode(text))).toBeUndefined();
  });

  test("learns the domain's default watchlist once (DescribeDomain), shares one lookup between concurrent asks, and pauses after a failure", async () => {
    let fail = true;
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const { gateway, captured } = gatewayAnswering(() => (fail ? { status: 500, body: {} } : { status: 200, body: { Domain: { DomainId: DOMAIN_ID, WatchlistDetails: { DefaultWatchlistId: 'Wl0123456789abcdefGHIJ' } } } }));
      expect(await gateway.defaultWatchlistId({ timeoutMs: 1000 })).toBeUndefined();
      fail = false;
      // Within the pause after a failure, Voice ID (2 TPS shared with the batch APIs) is not asked again.
      expect(await gateway.defaultWatchlistId({ timeoutMs: 1000 })).toBeUndefined();
      expect(captured).toHaveLength(1);
      now += DESCRIBE_DOMAIN_RETRY_AFTER_MS + 1;
      const concurrent = await Promise.all([gateway.defaultWatchlistId({ timeoutMs: 1000 }), gateway.defaultWatchlistId({ timeoutMs: 1000 })]);
      expect(concurrent).toEqual(['Wl0123456789abcdefGHIJ', 'Wl0123456789abcdefGHIJ']);
      expect(await gateway.defaultWatchlistId({ timeoutMs: 1000 })).toBe('Wl0123456789abcdefGHIJ');
      expect(captured.map((c) => c.target)).toEqual(['VoiceID.DescribeDomain', 'VoiceID.DescribeDomain']);
      expect(captured[1].body).toEqual({ DomainId: DOMAIN_ID });
    } finally {
      clock.mockRestore();
    }
  });

  test.each([
    ['ThrottlingException', 400, { __type: 'com.amazonaws.voiceid#ThrottlingException', Message: 'Rate exceeded' }, 'VOICE_ID_THROTTLED', true],
    ['InternalServerException', 500, { __type: 'InternalServerException', Message: 'oops' }, 'VOICE_ID_UNAVAILABLE', true],
    ['a bare 503', 503, {}, 'VOICE_ID_UNAVAILABLE', true],
    ['a bare 429', 429, {}, 'VOICE_ID_THROTTLED', true],
    ['session not found', 400, { __type: 'ResourceNotFoundException', ResourceType: 'SESSION', Message: 'no' }, 'SESSION_NOT_FOUND', false],
    ['domain not found', 400, { __type: 'ResourceNotFoundException', ResourceType: 'DOMAIN', Message: 'no' }, 'CONFIGURATION_ERROR', false],
    ['ValidationException', 400, { __type: 'ValidationException', Message: 'bad' }, 'VOICE_ID_REQUEST_REJECTED', false],
    ['AccessDeniedException', 403, { __type: 'AccessDeniedException', Message: 'denied' }, 'VOICE_ID_ACCESS_DENIED', false],
    ['ConflictException', 400, { __type: 'ConflictException', ConflictType: 'DOMAIN_NOT_ACTIVE' }, 'VOICE_ID_CONFLICT', false],
  ] as const)('maps %s to %s (retryable: %s)', async (_, status, body, errorCode, retryable) => {
    const error = await failure(() => ({ status, body }));
    expect(error).toMatchObject({ errorCode, retryable });
  });

  test('a call that never answers is aborted at its timeout and fails with DEADLINE_EXCEEDED', async () => {
    const started = Date.now();
    const error = await failure(
      () =>
        new Promise<FakeHttpResponse>(() => {
          /* never answers */
        }),
      50,
    );
    expect(error).toMatchObject({ errorCode: 'DEADLINE_EXCEEDED', detail: 'VOICE_ID_CALL_TIMED_OUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('the abort signal given to the HTTP handler fires at the timeout', async () => {
    let signal: AbortSignal | undefined;
    const fake = fakeRequestHandler(
      (_, abortSignal) =>
        new Promise<FakeHttpResponse>((_resolve, reject) => {
          signal = abortSignal;
          abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        }),
    );
    const gateway = new SdkVoiceIdGateway(voiceIdClientWith(fake.handler), DOMAIN_ID);
    await expect(gateway.evaluateSession('s1', { timeoutMs: 30 })).rejects.toMatchObject({ errorCode: 'DEADLINE_EXCEEDED' });
    expect(signal?.aborted).toBe(true);
  });

  test('network failures are VOICE_ID_UNAVAILABLE and retryable', () => {
    expect(toVoiceIdError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ errorCode: 'VOICE_ID_UNAVAILABLE', detail: 'VOICE_ID_NETWORK_ERROR', retryable: true });
    expect(toVoiceIdError('not even an error')).toMatchObject({ errorCode: 'VOICE_ID_UNAVAILABLE', retryable: true });
  });

  test('one call is one HTTP attempt with a maxAttempts 1 client (the use case does the retries)', async () => {
    let calls = 0;
    const { gateway } = gatewayAnswering(() => {
      calls++;
      return { status: 500, body: { __type: 'InternalServerException' } };
    });
    await expect(gateway.evaluateSession('s1', { timeoutMs: 1000 })).rejects.toBeInstanceOf(VoiceIdError);
    expect(calls).toBe(1);
  });
});
