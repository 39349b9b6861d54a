/**
 * Voice ID runs one batch job of each type per domain at a time, and executions of the workflow share nothing:
 * a lock item in the batch-jobs table (`LOCK#<domainId>#<jobType>`) serializes them. Acquiring is one conditional
 * put that succeeds when the lock is free, expired, or already this job's (a re-delivered upload's execution
 * takes over its own lock); releasing deletes it only if it is still this job's.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_JOBS_TABLE } from '../../shared/table-definitions';
import { JOB_TYPES, type JobType } from '../domain/manifest';

const PK = BATCH_JOBS_TABLE.partitionKey.name;
const SK = BATCH_JOBS_TABLE.sortKey?.name ?? 'sk';
const TTL = BATCH_JOBS_TABLE.timeToLiveAttribute;

/** Default lease: longer than any batch job should run; the deployed function is given the execution timeout. */
export const LOCK_LEASE_SECONDS = 24 * 3600;

export type LockResult = 'ACQUIRED' | 'HELD';

export class DynamoDbJobLock {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly domainId: string,
    private readonly leaseSeconds = LOCK_LEASE_SECONDS,
  ) {}

  /**
   * `owner` is the job's ClientToken: the same batch chunk always owns the same lock. `executionArn` names the
   * execution holding it, so that one ending without releasing it (aborted, timed out) can have it released.
   */
  async acquire(jobType: JobType, owner: string, nowMs: number, executionArn = ''): Promise<LockResult> {
    const now = Math.floor(nowMs / 1000);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(jobType), owner, executionArn, acquiredAt: new Date(nowMs).toISOString(), [TTL]: now + this.leaseSeconds },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': PK, '#expiresAt': TTL, '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return 'ACQUIRED';
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return 'HELD';
      throw error;
    }
  }

  /** Releases the lock if `owner` still holds it; a lock someone else took over (after expiry) is left alone. */
  async release(jobType: JobType, owner: string): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({ TableName: this.tableName, Key: this.key(jobType), ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } }),
      );
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return;
      throw error;
    }
  }

  /** Who holds the lock (its execution, '' when unknown) and for how long (seconds); undefined when nobody does. */
  async holder(jobType: JobType, nowMs: number): Promise<{ readonly executionArn: string; readonly heldForSeconds: number } | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: this.key(jobType), ConsistentRead: true }));
    if (!Item) return undefined;
    const since = Date.parse(String(Item.acquiredAt ?? ''));
    return { executionArn: String(Item.executionArn ?? ''), heldForSeconds: Number.isFinite(since) ? Math.max(0, (nowMs - since) / 1000) : 0 };
  }

  /** Releases every lock `executionArn` holds: for an execution that ended (aborted, timed out, failed) without releasing. */
  async releaseFor(executionArn: string): Promise<number> {
    let released = 0;
    for (const jobType of JOB_TYPES) {
      try {
        await this.documents.send(
          new DeleteCommand({ TableName: this.tableName, Key: this.key(jobType), ConditionExpression: 'executionArn = :e', ExpressionAttributeValues: { ':e': executionArn } }),
        );
        released++;
      } catch (error: unknown) {
        if (!(error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException')) throw error;
      }
    }
    return released;
  }

  private key(jobType: JobType): Record<string, string> {
    return { [PK]: `LOCK#${this.domainId}#${jobType}`, [SK]: 'LOCK' };
  }
}
