/**
 * Port and DynamoDB adapter for decision records.
 *
 * Idempotent: the put is conditional on the item not existing (or being this very write, retried by the
 * SDK after a lost response), and records derived from Voice ID result ids have a deterministic key, so
 * replaying the same result (Connect retrying the invoke, the flow looping) writes nothing new. A
 * duplicate is not an error: the existing record's id comes back.
 *
 * Endpoints resolve the standard SDK way, so `AWS_ENDPOINT_URL_DYNAMODB` points it at dynalite.
 */
import { withDeadline } from '../../shared/with-deadline';
import { createHash, randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DECISIONS_TABLE } from '../../shared/table-definitions';
import type { DecisionRecord } from '../domain/decision-record';

export type RecordStatus = 'RECORDED' | 'DUPLICATE';

export interface RecordResult {
  readonly status: RecordStatus;
  /** Id of the stored record (the existing one for a duplicate). */
  readonly decisionId: string;
}

export interface RecordOptions {
  /** The write is abandoned (and fails) after this many milliseconds. */
  readonly timeoutMs: number;
}

/** Port: store one decision. Rejects with {@link DecisionStoreError} when it could not be stored. */
export interface DecisionStore {
  record(record: DecisionRecord, options: RecordOptions): Promise<RecordResult>;
}

/** The record could not be written (timeout, throttling, permissions, network). */
export class DecisionStoreError extends Error {
  constructor(
    /** Short machine code: `RECORD_TIMEOUT` or `RECORD_WRITE_FAILED`. */
    readonly detail: 'RECORD_TIMEOUT' | 'RECORD_WRITE_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DecisionStoreError';
  }
}

function indexKey(indexName: string): string {
  const index = DECISIONS_TABLE.globalSecondaryIndexes.find((i) => i.indexName === indexName);
  if (!index) throw new Error(`DECISIONS_TABLE has no index ${indexName}`);
  return index.partitionKey.name;
}

/** Attribute names of the keys, from the shared table definition. */
export const DECISION_KEYS = {
  partitionKey: DECISIONS_TABLE.partitionKey.name,
  sortKey: DECISIONS_TABLE.sortKey?.name ?? 'recordKey',
  bySpeaker: indexKey('bySpeaker'),
  highRiskByDay: indexKey('highRiskByDay'),
  timeToLive: DECISIONS_TABLE.timeToLiveAttribute,
  /** Both indexes sort on the evaluation time. */
  evaluatedAt: DECISIONS_TABLE.globalSecondaryIndexes[0]?.sortKey?.name ?? 'evaluatedAt',
} as const;

/**
 * The record's id: derived from its key, so a duplicate of a record has the same id.
 * 22 base64url characters (132 bits): safe in a Connect STRING_MAP.
 */
export function decisionIdOf(contactId: string, recordKey: string): string {
  return createHash('sha256').update(`${contactId}\n${recordKey}`).digest('base64url').slice(0, 22);
}

/** The DynamoDB item for a record. Caller data never appears in it: only Voice ID's opaque ids and scores. */
export function toItem(record: DecisionRecord, decisionId: string, writeId: string): Record<string, unknown> {
  const { evaluation, policy } = record;
  const auth = evaluation?.authentication;
  const fraud = evaluation?.fraud;
  return {
    [DECISION_KEYS.partitionKey]: record.contactId,
    [DECISION_KEYS.sortKey]: record.recordKey,
    decisionId,
    writeId,
    sessionName: record.sessionName,
    voiceIdSessionId: evaluation?.sessionId,
    decision: record.decision,
    reason: record.reason,
    errorCode: record.errorCode,
    streamingStatus: evaluation?.streamingStatus,
    authenticationResultId: auth?.resultId,
    authenticationDecision: auth?.decision,
    authenticationScore: finiteOrUndefined(auth?.score),
    authenticationAcceptanceThreshold: finiteOrUndefined(auth?.acceptanceThreshold),
    authenticationAudioEndedAt: isoOrUndefined(auth?.audioAggregationEndedAt),
    claimedSpeaker: auth?.claim,
    fraudDetectionResultId: fraud?.resultId,
    fraudDecision: fraud?.decision,
    fraudReasons: fraud && fraud.reasons.length > 0 ? [...fraud.reasons] : undefined,
    knownFraudsterRiskScore: finiteOrUndefined(fraud?.knownFraudsterRiskScore),
    voiceSpoofingRiskScore: finiteOrUndefined(fraud?.voiceSpoofingRiskScore),
    fraudRiskThreshold: finiteOrUndefined(fraud?.riskThreshold),
    fraudAudioEndedAt: isoOrUndefined(fraud?.audioAggregationEndedAt),
    watchlistId: fraud?.watchlistId,
    generatedFraudsterId: fraud?.generatedFraudsterId,
    unrecognizedFields: evaluation && evaluation.unrecognized.length > 0 ? [...evaluation.unrecognized] : undefined,
    policyVersion: policy.version,
    policyAcceptanceThreshold: policy.acceptanceThreshold,
    policyFraudRiskThreshold: policy.fraudRiskThreshold,
    policyFraudScreening: policy.fraudScreening,
    policyMaxResultAgeSeconds: policy.maxResultAgeSeconds,
    policyDecisionRecord: policy.decisionRecord,
    policyWatchlistId: policy.watchlistId,
    policyMinAuthenticationScore: policy.minAuthenticationScore,
    policyMaxKnownFraudsterRiskScore: policy.maxKnownFraudsterRiskScore,
    policyMaxVoiceSpoofingRiskScore: policy.maxVoiceSpoofingRiskScore,
    voiceIdCalls: record.voiceIdCalls,
    [DECISION_KEYS.evaluatedAt]: record.evaluatedAt,
    [DECISION_KEYS.bySpeaker]: auth?.generatedSpeakerId,
    [DECISION_KEYS.highRiskByDay]: record.highRiskDay,
    [DECISION_KEYS.timeToLive]: record.expiresAt,
  };
}

/** DynamoDB stores no NaN or Infinity: a value Voice ID sent malformed is left out (its field is in `unrecognizedFields`). */
function finiteOrUndefined(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

export class DynamoDbDecisionStore implements DecisionStore {
  constructor(
    readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(record: DecisionRecord, { timeoutMs }: RecordOptions): Promise<RecordResult> {
    const decisionId = decisionIdOf(record.contactId, record.recordKey);
    // Marks this write: when the SDK retries a put whose response was lost, the retry finds its own item and
    // succeeds instead of reporting the first write as somebody else's (DUPLICATE).
    const writeId = randomUUID();
    try {
      await withDeadline(
        timeoutMs,
        () => new DecisionStoreError('RECORD_TIMEOUT', `Recording the decision timed out after ${timeoutMs} ms`),
        (abortSignal) =>
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: toItem(record, decisionId, writeId),
              ConditionExpression: 'attribute_not_exists(#pk) OR #writeId = :writeId',
              ExpressionAttributeNames: { '#pk': DECISION_KEYS.partitionKey, '#writeId': 'writeId' },
              ExpressionAttributeValues: { ':writeId': writeId },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
            { abortSignal },
          ),
      );
      return { status: 'RECORDED', decisionId };
    } catch (error: unknown) {
      if (error instanceof DecisionStoreError) throw error;
      if (isConditionalCheckFailure(error)) return { status: 'DUPLICATE', decisionId: existingDecisionId(error) ?? decisionId };
      const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : 'Unknown';
      if (name === 'AbortError' || name === 'TimeoutError') throw new DecisionStoreError('RECORD_TIMEOUT', 'Recording the decision timed out', { cause: error });
      throw new DecisionStoreError('RECORD_WRITE_FAILED', `Recording the decision failed (${name.replace(/[^A-Za-z0-9]/g, '')})`, { cause: error });
    }
  }
}

function isConditionalCheckFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

/** With ALL_OLD the exception carries the existing item (marshalled); older local servers may omit it. */
function existingDecisionId(error: unknown): string | undefined {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  const value = item?.['decisionId'];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

function isoOrUndefined(epochMs: number | undefined): string | undefined {
  // Dates reach at most 8.64e15 ms; anything beyond is not a time Voice ID could have meant.
  return epochMs !== undefined && Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15 ? new Date(epochMs).toISOString() : undefined;
}
