import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DECISIONS_TABLE } from '../../../lambda/shared/table-definitions';
import { decisionIdOf, DecisionStoreError, DynamoDbDecisionStore } from '../../../lambda/contact-flow-decision/adapters/decision-store';
import { buildDecisionRecord, type DecisionRecord } from '../../../lambda/contact-flow-decision/domain/decision-record';
import type { EffectivePolicy } from '../../../lambda/contact-flow-decision/domain/policy';
import { createTables, startLocalDynamoDb, type LocalDynamoDb } from '../../../local/harness/local-dynamodb';
import { DEFAULT_POLICY, documentClientWith, fakeRequestHandler, type FakeHttpResponse } from './support';

const NOW = Date.UTC(2025, 2, 14, 9, 30, 0, 123);
const policy: EffectivePolicy = { ...DEFAULT_POLICY, version: 'v7' };

function highRiskRecord(): DecisionRecord {
  return buildDecisionRecord(
    {
      contactId: 'c0ffee00-0000-4000-8000-000000000001',
      sessionName: 'c0ffee00-0000-4000-8000-000000000001',
      decision: 'HIGH_RISK',
      reason: 'FRAUD_HIGH_RISK',
      evaluation: {
        sessionId: 'id#Ses0123456789abcdefGHI',
        streamingStatus: 'ONGOING',
        authentication: {
          decision: 'ACCEPT',
          score: 97,
          resultId: 'Acc0000000000000000001',
          generatedSpeakerId: 'id#Gs0123456789abcdefGHIJ',
          acceptanceThreshold: 90,
          audioAggregationEndedAt: NOW - 5000,
          claim: 'MATCH',
        },
        fraud: { decision: 'HIGH_RISK', reasons: ['KNOWN_FRAUDSTER'], knownFraudsterRiskScore: 97, voiceSpoofingRiskScore: 3, resultId: 'High000000000000000001', riskThreshold: 50 },
        unrecognized: ['FraudDetectionResult.Reasons'],
      },
      policy,
      voiceIdCalls: 2,
    },
    NOW,
    30,
    Math.random,
  );
}

function storeAnswering(respond: () => FakeHttpResponse | Promise<FakeHttpResponse>) {
  const fake = fakeRequestHandler(respond);
  return { store: new DynamoDbDecisionStore(documentClientWith(fake.handler), 'decisions-test'), captured: fake.captured };
}

describe('decision store on the real DynamoDB document client (fake HTTP, no server)', () => {
  test('writes one conditional put with the table definition attribute names', async () => {
    const { store, captured } = storeAnswering(() => ({ status: 200, body: {} }));
    const record = highRiskRecord();
    const result = await store.record(record, { timeoutMs: 1000 });
    expect(result).toEqual({ status: 'RECORDED', decisionId: decisionIdOf(record.contactId, record.recordKey) });

    expect(captured).toHaveLength(1);
    const { target, body } = captured[0]!;
    expect(target).toBe('DynamoDB_20120810.PutItem');
    expect(body).toMatchObject({
      TableName: 'decisions-test',
      ConditionExpression: 'attribute_not_exists(#pk) OR #writeId = :writeId',
      ExpressionAttributeNames: { '#pk': DECISIONS_TABLE.partitionKey.name, '#writeId': 'writeId' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const item = body['Item'] as Record<string, Record<string, unknown>>;
    expect(item[DECISIONS_TABLE.partitionKey.name]).toEqual({ S: record.contactId });
    expect(item[DECISIONS_TABLE.sortKey!.name]).toEqual({ S: 'R#Acc0000000000000000001#High000000000000000001#HIGH_RISK#FRAUD_HIGH_RISK#v7' });
    expect(item['writeId']).toEqual((body['ExpressionAttributeValues'] as Record<string, unknown>)[':writeId']);
    expect(item['claimedSpeaker']).toEqual({ S: 'MATCH' });
    expect(item['authenticationAudioEndedAt']).toEqual({ S: '2025-03-14T09:29:55.123Z' });
    expect(item['unrecognizedFields']).toEqual({ L: [{ S: 'FraudDetectionResult.Reasons' }] });
    expect(item).toMatchObject({ policyAcceptanceThreshold: { N: '90' }, policyFraudScreening: { S: 'REQUIRED' }, policyMaxResultAgeSeconds: { N: '1800' } });
    expect(item['generatedSpeakerId']).toEqual({ S: 'id#Gs0123456789abcdefGHIJ' });
    expect(item['evaluatedAt']).toEqual({ S: '2025-03-14T09:30:00.123Z' });
    expect(item['highRiskDay']).toEqual({ S: '2025-03-14' });
    expect(item[DECISIONS_TABLE.timeToLiveAttribute]).toEqual({ N: String(Math.floor(NOW / 1000) + 30 * 86400) });
    expect(item['fraudReasons']).toEqual({ L: [{ S: 'KNOWN_FRAUDSTER' }] });
    expect(item['policyVersion']).toEqual({ S: 'v7' });
    expect(item['decisionId']).toEqual({ S: result.decisionId });
    // every key attribute of every index is a string, as the table definition declares
    for (const index of DECISIONS_TABLE.globalSecondaryIndexes) {
      expect(Object.keys(item[index.partitionKey.name]!)).toEqual(['S']);
      expect(Object.keys(item[index.sortKey!.name]!)).toEqual(['S']);
    }
  });

  test('a record that is not HIGH_RISK has no highRiskDay (sparse index) and no empty attributes', async () => {
    const { store, captured } = storeAnswering(() => ({ status: 200, body: {} }));
    const record = buildDecisionRecord({ contactId: 'c1', sessionName: 'c1', decision: 'ERROR', reason: 'VOICE_ID_THROTTLING', errorCode: 'VOICE_ID_THROTTLED', policy, voiceIdCalls: 4 }, NOW, 30, () => 0.5);
    await store.record(record, { timeoutMs: 1000 });
    const item = captured[0]!.body['Item'] as Record<string, unknown>;
    expect(item).not.toHaveProperty('highRiskDay');
    expect(item).not.toHaveProperty('generatedSpeakerId');
    expect(item).toMatchObject({ decision: { S: 'ERROR' }, errorCode: { S: 'VOICE_ID_THROTTLED' } });
  });

  test('a HIGH_RISK decided on a malformed answer is still recorded: values DynamoDB cannot store (NaN) are left out, their fields listed', async () => {
    const { store, captured } = storeAnswering(() => ({ status: 200, body: {} }));
    const record = highRiskRecord();
    const malformed: DecisionRecord = {
      ...record,
      evaluation: {
        ...record.evaluation!,
        authentication: { ...record.evaluation!.authentication!, score: Number.NaN },
        fraud: { ...record.evaluation!.fraud!, voiceSpoofingRiskScore: Number.POSITIVE_INFINITY },
        unrecognized: ['AuthenticationResult.Score', 'FraudDetectionResult.RiskDetails.VoiceSpoofingRisk.RiskScore'],
      },
    };
    await expect(store.record(malformed, { timeoutMs: 1000 })).resolves.toMatchObject({ status: 'RECORDED' });
    const item = captured[0]!.body['Item'] as Record<string, unknown>;
    expect(item).not.toHaveProperty('authenticationScore');
    expect(item).not.toHaveProperty('voiceSpoofingRiskScore');
    expect(item).toMatchObject({ decision: { S: 'HIGH_RISK' }, knownFraudsterRiskScore: { N: '97' }, unrecognizedFields: { L: [{ S: 'AuthenticationResult.Score' }, { S: 'FraudDetectionResult.RiskDetails.VoiceSpoofingRisk.RiskScore' }] } });
  });

  test('a replay hits the condition: DUPLICATE with the existing record id', async () => {
    const { store } = storeAnswering(() => ({
      status: 400,
      body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: { decisionId: { S: 'existingId' } } },
    }));
    expect(await store.record(highRiskRecord(), { timeoutMs: 1000 })).toEqual({ status: 'DUPLICATE', decisionId: 'existingId' });
  });

  test('a replay against a server without ALL_OLD support still returns the (deterministic) id', async () => {
    const { store } = storeAnswering(() => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' } }));
    const record = highRiskRecord();
    expect(await store.record(record, { timeoutMs: 1000 })).toEqual({ status: 'DUPLICATE', decisionId: decisionIdOf(record.contactId, record.recordKey) });
  });

  test('other failures are a DecisionStoreError', async () => {
    const { store } = storeAnswering(() => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow' } }));
    await expect(store.record(highRiskRecord(), { timeoutMs: 1000 })).rejects.toMatchObject({ name: 'DecisionStoreError', detail: 'RECORD_WRITE_FAILED' });
  });

  test('a write that never answers fails at its timeout', async () => {
    const { store } = storeAnswering(
      () =>
        new Promise<FakeHttpResponse>(() => {
          /* never answers */
        }),
    );
    const started = Date.now();
    await expect(store.record(highRiskRecord(), { timeoutMs: 50 })).rejects.toBeInstanceOf(DecisionStoreError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('decision ids are deterministic per record key and safe for a STRING_MAP', () => {
    const id = decisionIdOf('c1', 'R#a#b#AUTHENTICATED#v1');
    expect(id).toBe(decisionIdOf('c1', 'R#a#b#AUTHENTICATED#v1'));
    expect(id).not.toBe(decisionIdOf('c2', 'R#a#b#AUTHENTICATED#v1'));
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('decision record keys', () => {
  const base = { contactId: 'c1', sessionName: 'c1', reason: 'x', policy, voiceIdCalls: 1 } as const;
  const evaluation = { streamingStatus: 'ONGOING', authentication: { decision: 'ACCEPT', score: 95, resultId: 'A1', claim: 'MATCH' }, unrecognized: [] } as const;

  test('the same Voice ID result with the same decision and policy gives the same key (idempotent)', () => {
    const a = buildDecisionRecord({ ...base, decision: 'AUTHENTICATED', evaluation }, NOW, 30, Math.random);
    const b = buildDecisionRecord({ ...base, decision: 'AUTHENTICATED', evaluation }, NOW + 5000, 30, Math.random);
    expect(a.recordKey).toBe(b.recordKey);
    expect(a.idempotent).toBe(true);
  });

  test('a different policy version or decision gives a different key', () => {
    const a = buildDecisionRecord({ ...base, decision: 'AUTHENTICATED', evaluation }, NOW, 30, Math.random);
    expect(buildDecisionRecord({ ...base, decision: 'AUTHENTICATED', evaluation, policy: { ...policy, version: 'v8' } }, NOW, 30, Math.random).recordKey).not.toBe(a.recordKey);
    expect(buildDecisionRecord({ ...base, decision: 'NOT_AUTHENTICATED', evaluation }, NOW, 30, Math.random).recordKey).not.toBe(a.recordKey);
    expect(buildDecisionRecord({ ...base, reason: 'y', decision: 'AUTHENTICATED', evaluation }, NOW, 30, Math.random).recordKey).not.toBe(a.recordKey);
  });

  test('records without Voice ID result ids (errors, no result yet) get unique keys', () => {
    const a = buildDecisionRecord({ ...base, decision: 'ERROR' }, NOW, 30, Math.random);
    const b = buildDecisionRecord({ ...base, decision: 'ERROR' }, NOW, 30, Math.random);
    expect(a.recordKey).not.toBe(b.recordKey);
    expect(a.idempotent).toBe(false);
    expect(buildDecisionRecord({ ...base, decision: 'RETRY', evaluation: { streamingStatus: 'ONGOING', unrecognized: [] } }, NOW, 30, Math.random).idempotent).toBe(false);
  });
});

describe('decision store on dynalite, when a response is lost', () => {
  let dynamo: LocalDynamoDb;
  let tableName: string;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    const names = await createTables(new DynamoDBClient({ region: 'eu-west-2', endpoint: dynamo.endpoint, credentials }), [DECISIONS_TABLE], 'store');
    tableName = Object.values(names)[0]!;
  });
  afterAll(() => dynamo.stop());

  /**
   * A client whose first PutItem reaches dynalite (the item is written) and whose response is then lost
   * as a connection reset, below the SDK's retry middleware: the SDK retries it as it would in Lambda.
   */
  function clientLosingFirstPutResponse() {
    const client = new DynamoDBClient({ region: 'eu-west-2', endpoint: dynamo.endpoint, credentials, maxAttempts: 3 });
    let lost = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        if (headers['x-amz-target'] === 'DynamoDB_20120810.PutItem' && lost === 0) {
          lost += 1;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseFirstPutResponse' },
    );
    return { client, lostResponses: () => lost };
  }

  test('the SDK retry of a write whose response was lost is RECORDED, not DUPLICATE, and stores one item', async () => {
    const { client, lostResponses } = clientLosingFirstPutResponse();
    const store = new DynamoDbDecisionStore(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName);
    const record = highRiskRecord();

    expect(await store.record(record, { timeoutMs: 5000 })).toEqual({ status: 'RECORDED', decisionId: decisionIdOf(record.contactId, record.recordKey) });
    expect(lostResponses()).toBe(1);
    const { Items } = await client.send(new ScanCommand({ TableName: tableName }));
    expect(Items).toHaveLength(1);

    // A genuine replay of the same result (another write) is still a duplicate.
    expect(await store.record(record, { timeoutMs: 5000 })).toEqual({ status: 'DUPLICATE', decisionId: decisionIdOf(record.contactId, record.recordKey) });
    client.destroy();
  });
});
