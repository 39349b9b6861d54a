/**
 * The DynamoDB tables' key schemas, as plain data.
 *
 * One source of truth for the deployed tables (the CDK `DataTables` construct) and the local
 * ones (the local harness creates them in dynalite from these same objects), so that the two
 * cannot drift. Nothing here imports aws-cdk-lib: the Lambda code and the local stack read it too.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attributes copied into the index besides the keys; all of them when absent. */
  readonly nonKeyAttributes?: readonly string[];
}

export interface TableDefinition {
  /** Stable construct id of the table: the logical id of a deployed table derives from it. */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalIndexDefinition[];
  /** Epoch-seconds attribute after which DynamoDB deletes the item. */
  readonly timeToLiveAttribute: string;
}

/**
 * One item per contact evaluation.
 *
 * Access patterns:
 * - all decisions of a contact: `Query contactId = :c` (a handful per contact; order them by `evaluatedAt`);
 * - decisions of a speaker over a time range: `Query bySpeaker generatedSpeakerId = :s AND evaluatedAt BETWEEN`;
 *   the index is keyed by Voice ID's generated speaker id, never by the customer's own identifier;
 * - recent high-risk decisions: `Query highRiskByDay highRiskDay = :yyyy-mm-dd AND evaluatedAt > :t`.
 *   `highRiskDay` is written only on HIGH_RISK items (a sparse index), and a day per partition
 *   keeps one busy day from becoming one hot partition forever.
 *
 * Idempotency: `recordKey` is derived from the Voice ID result ids, so replaying the same result
 * (Connect retrying the invoke, the flow looping) hits the same item and a conditional put skips it.
 */
export const DECISIONS_TABLE: TableDefinition = {
  id: 'DecisionsTable',
  partitionKey: { name: 'contactId', type: 'S' },
  sortKey: { name: 'recordKey', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'bySpeaker',
      partitionKey: { name: 'generatedSpeakerId', type: 'S' },
      sortKey: { name: 'evaluatedAt', type: 'S' },
    },
    {
      indexName: 'highRiskByDay',
      partitionKey: { name: 'highRiskDay', type: 'S' },
      sortKey: { name: 'evaluatedAt', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
};

/**
 * Batch enrollment and fraudster registration bookkeeping.
 *
 * - `pk = JOB#<jobId>`, `sk = META`: the job (type, manifest, status, counts);
 * - `pk = JOB#<jobId>`, `sk = REQ#<requestId>`: the outcome of one speaker or fraudster request;
 * - `pk = LOCK#<domainId>#<jobType>`, `sk = LOCK`: Voice ID allows one active job of each type per
 *   domain, so starting one takes this lock with a conditional write.
 * - `pk = WAITING`, `sk = JOB#<jobId>#<token hash>`: the task token of an execution waiting for a job to end (one
 *   partition, so the poller lists them with one query; a handful at most);
 * - `pk = EVENT#<sourceId>`, `sk = EVENT`: a Voice ID batch event already handled (de-duplication).
 * The `byStatus` index lists jobs by status and submission time (`jobStatus` is set on META items only).
 * The sparse `bySpeaker` index answers "what happened to speaker X": enrollment outcomes carry the customer's
 * speaker id (fraudster registrations have none), sorted by when they were recorded.
 */
export const BATCH_JOBS_TABLE: TableDefinition = {
  id: 'BatchJobsTable',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'byStatus',
      partitionKey: { name: 'jobStatus', type: 'S' },
      sortKey: { name: 'submittedAt', type: 'S' },
    },
    {
      indexName: 'bySpeaker',
      partitionKey: { name: 'customerSpeakerId', type: 'S' },
      sortKey: { name: 'recordedAt', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
};

export const TABLE_DEFINITIONS: readonly TableDefinition[] = [DECISIONS_TABLE, BATCH_JOBS_TABLE];
