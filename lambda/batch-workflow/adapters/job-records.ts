/**
 * A finished job's bookkeeping in the batch-jobs table: the job (`JOB#<jobId>` / `META`) and one item per request
 * (`REQ#<requestId>`). An enrollment request carries the customer's speaker id, which the `bySpeaker` index keys,
 * so "what happened to speaker X" is one query. Writing the same job again overwrites the same items.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { BATCH_JOBS_TABLE } from '../../shared/table-definitions';
import type { RequestOutcome } from '../domain/job-results';
import type { JobType } from '../domain/manifest';

const PK = BATCH_JOBS_TABLE.partitionKey.name;
const SK = BATCH_JOBS_TABLE.sortKey?.name ?? 'sk';
const TTL = BATCH_JOBS_TABLE.timeToLiveAttribute;
const BATCH_SIZE = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

export interface JobRecord {
  readonly jobId: string;
  readonly jobType: JobType;
  readonly jobStatus: string;
  readonly inputKey: string;
  readonly manifestKey: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly failure?: { readonly statusCode: number; readonly message: string };
}

export interface RecordedOutcome {
  readonly outcome: RequestOutcome;
  /** Enrollment only: the customer's speaker id the request enrolled. */
  readonly customerSpeakerId?: string;
}

export class DynamoDbJobRecords {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async write(job: JobRecord, outcomes: readonly RecordedOutcome[], nowMs: number): Promise<void> {
    const recordedAt = new Date(nowMs).toISOString();
    const expiresAt = Math.floor(nowMs / 1000) + this.retentionDays * 24 * 3600;
    const items: Record<string, unknown>[] = outcomes.map(({ outcome, customerSpeakerId }) => ({
      [PK]: `JOB#${job.jobId}`,
      [SK]: `REQ#${outcome.requestId}`,
      jobId: job.jobId,
      jobType: job.jobType,
      recordedAt,
      [TTL]: expiresAt,
      ...outcome,
      ...(customerSpeakerId !== undefined && { customerSpeakerId }),
    }));
    // The job item last: once it is there, every request item is.
    await this.batchPut(items);
    await this.batchPut([{ [PK]: `JOB#${job.jobId}`, [SK]: 'META', ...job, submittedAt: recordedAt, recordedAt, [TTL]: expiresAt }]);
  }

  /** The outcomes recorded for a job, in request id order. */
  async outcomes(jobId: string): Promise<RequestOutcome[]> {
    const outcomes: RequestOutcome[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      { TableName: this.tableName, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :req)', ExpressionAttributeNames: { '#pk': PK, '#sk': SK }, ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':req': 'REQ#' } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { requestId, outcome, generatedId, similarityScore, errorCode, errorMessage } = item as Record<string, never>;
        outcomes.push({ requestId, outcome, generatedId, similarityScore, errorCode, errorMessage } as RequestOutcome);
      }
    }
    return outcomes;
  }

  private async batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      let requests = items.slice(i, i + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`DynamoDB left ${requests.length} outcome item(s) unwritten after ${round} rounds`);
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** round));
        const { UnprocessedItems } = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }
}
