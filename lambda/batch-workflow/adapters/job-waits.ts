/**
 * Which executions wait for which Voice ID job: each task token in one partition of the batch-jobs table
 * (`WAITING` / `JOB#<jobId>#<hash of the token>`: a re-delivered upload's execution waits for the same job, and the
 * poller lists every wait with one query; there are only ever a few, one job per type and domain), and the Voice ID events already handled (`EVENT#<sourceId>`), so that a re-delivered
 * event does nothing twice. Both expire by TTL.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_JOBS_TABLE } from '../../shared/table-definitions';
import type { JobType } from '../domain/manifest';
import type { JobWaits, Wait } from '../use-case/await-job';

const PK = BATCH_JOBS_TABLE.partitionKey.name;
const SK = BATCH_JOBS_TABLE.sortKey?.name ?? 'sk';
const TTL = BATCH_JOBS_TABLE.timeToLiveAttribute;
/** A wait item outlives any task that registered it (the workflow asks again with a new token well before). */
const WAIT_TTL_SECONDS = 7 * 24 * 3600;
/** EventBridge re-delivers within hours, not days. */
const EVENT_TTL_SECONDS = 24 * 3600;

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

const WAITING = 'WAITING';

/** Tokens run to 1,024 characters; a sort key need not. */
function waitKey(jobId: string, taskToken: string): string {
  return `JOB#${jobId}#${createHash('sha256').update(taskToken).digest('hex')}`;
}

export class DynamoDbJobWaits implements JobWaits {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async register(wait: Wait, nowMs: number): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [PK]: WAITING, [SK]: waitKey(wait.jobId, wait.taskToken), jobId: wait.jobId, jobType: wait.jobType, taskToken: wait.taskToken, registeredAt: new Date(nowMs).toISOString(), [TTL]: Math.floor(nowMs / 1000) + WAIT_TTL_SECONDS },
      }),
    );
  }

  find(jobId: string): Promise<Wait[]> {
    return this.query(`JOB#${jobId}#`);
  }

  all(): Promise<Wait[]> {
    return this.query('JOB#');
  }

  async clear(jobId: string, taskToken: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { [PK]: WAITING, [SK]: waitKey(jobId, taskToken) } }));
  }

  private async query(prefix: string): Promise<Wait[]> {
    const waits: Wait[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': WAITING, ':prefix': prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (typeof item.taskToken === 'string' && typeof item.jobId === 'string') {
          waits.push({ jobId: item.jobId, jobType: item.jobType as JobType, taskToken: item.taskToken, registeredAtMs: Date.parse(String(item.registeredAt)) || 0 });
        }
      }
    }
    return waits;
  }

  async firstDelivery(sourceId: string, nowMs: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: `EVENT#${sourceId}`, [SK]: 'EVENT', receivedAt: new Date(nowMs).toISOString(), [TTL]: Math.floor(nowMs / 1000) + EVENT_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return true;
    } catch (error: unknown) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordJobEvent(jobId: string, nowMs: number): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { [PK]: `JOB#${jobId}`, [SK]: 'EVENT_SEEN', receivedAt: new Date(nowMs).toISOString(), [TTL]: Math.floor(nowMs / 1000) + WAIT_TTL_SECONDS } }),
    );
  }

  async jobEventSeen(jobId: string): Promise<boolean> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: `JOB#${jobId}`, [SK]: 'EVENT_SEEN' }, ConsistentRead: true }));
    return Item !== undefined;
  }

  async nextCheckAt(jobId: string): Promise<number> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: `JOB#${jobId}`, [SK]: 'NEXT_CHECK' }, ConsistentRead: true }));
    return typeof Item?.atMs === 'number' ? Item.atMs : 0;
  }

  async setNextCheckAt(jobId: string, atMs: number): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { [PK]: `JOB#${jobId}`, [SK]: 'NEXT_CHECK', atMs: Math.round(atMs), [TTL]: Math.floor(Date.now() / 1000) + WAIT_TTL_SECONDS } }));
  }

  /** Forgets a delivery whose handling failed, so that EventBridge's retry of it is handled. */
  async forgetDelivery(sourceId: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { [PK]: `EVENT#${sourceId}`, [SK]: 'EVENT' } }));
  }
}
