/** The per-type job lock on dynalite (a real DynamoDB implementation), with the batch-jobs table as deployed. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbJobLock, LOCK_LEASE_SECONDS } from '../../../lambda/batch-workflow/adapters/job-lock';
import { BATCH_JOBS_TABLE } from '../../../lambda/shared/table-definitions';
import { type LocalTable, startLocalTable } from '../../support/local-table';

let local: LocalTable;
let documents: DynamoDBDocumentClient;
let table: string;
const DOMAIN = 'abcdefghijklmnopqrstuv';
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

beforeAll(async () => {
  local = await startLocalTable(BATCH_JOBS_TABLE, 'lock-test-');
  ({ documents, table } = local);
});

afterAll(async () => {
  await local?.stop();
});

describe('one active Voice ID job of each type per domain', () => {
  test('a second job of the same type waits; another type does not; release frees it for the next', async () => {
    const lock = new DynamoDbJobLock(documents, table, DOMAIN);
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-a', NOW)).toBe('ACQUIRED');
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-b', NOW + 1000)).toBe('HELD');
    expect(await lock.acquire('FRAUDSTER_REGISTRATION', 'frd-a', NOW)).toBe('ACQUIRED');
    await lock.release('SPEAKER_ENROLLMENT', 'enr-a');
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-b', NOW + 2000)).toBe('ACQUIRED');
    await lock.release('SPEAKER_ENROLLMENT', 'enr-b');
    await lock.release('FRAUDSTER_REGISTRATION', 'frd-a');
  });

  test('the same job takes its own lock again (a re-delivered upload), and a release by another job leaves it held', async () => {
    const lock = new DynamoDbJobLock(documents, table, DOMAIN);
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-c', NOW)).toBe('ACQUIRED');
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-c', NOW + 5000)).toBe('ACQUIRED');
    await lock.release('SPEAKER_ENROLLMENT', 'enr-other');
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-d', NOW + 6000)).toBe('HELD');
    await lock.release('SPEAKER_ENROLLMENT', 'enr-c');
  });

  test('a lock whose holder never released it expires after the lease, and carries the table TTL', async () => {
    const lock = new DynamoDbJobLock(documents, table, DOMAIN);
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-crashed', NOW)).toBe('ACQUIRED');
    const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: `LOCK#${DOMAIN}#SPEAKER_ENROLLMENT`, sk: 'LOCK' } }));
    expect(Item).toMatchObject({ owner: 'enr-crashed', expiresAt: Math.floor(NOW / 1000) + LOCK_LEASE_SECONDS });
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-next', NOW + (LOCK_LEASE_SECONDS - 10) * 1000)).toBe('HELD');
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-next', NOW + (LOCK_LEASE_SECONDS + 10) * 1000)).toBe('ACQUIRED');
  });

  test('an execution that ended holding locks has exactly its own released; others stay held', async () => {
    const lock = new DynamoDbJobLock(documents, table, 'releasefordomain000000');
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-aborted', NOW, 'arn:aws:states:us-east-1:123456789012:execution:m:aborted')).toBe('ACQUIRED');
    expect(await lock.acquire('FRAUDSTER_REGISTRATION', 'frd-running', NOW, 'arn:aws:states:us-east-1:123456789012:execution:m:running')).toBe('ACQUIRED');
    expect(await lock.releaseFor('arn:aws:states:us-east-1:123456789012:execution:m:aborted')).toBe(1);
    expect(await lock.acquire('SPEAKER_ENROLLMENT', 'enr-next', NOW + 1000)).toBe('ACQUIRED');
    expect(await lock.acquire('FRAUDSTER_REGISTRATION', 'frd-next', NOW + 1000)).toBe('HELD');
    expect(await lock.holder('FRAUDSTER_REGISTRATION', NOW + 90_000)).toEqual({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:running', heldForSeconds: 90 });
  });

  test('the lock step: a chunk of the execution that holds the lock for an earlier chunk (whose release failed) takes it over; another execution waits', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      BATCH_JOBS_TABLE_NAME: table,
      VOICE_ID_DOMAIN_ID: 'handlerdomain000000000',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler reads its environment at load, after it is set
    const { handler } = require('../../../lambda/batch-workflow/job-lock-handler') as { handler: (event: unknown) => Promise<{ lock?: string; retryAfterSeconds?: number }> };
    const execution = 'arn:aws:states:us-east-1:123456789012:execution:m:self';
    expect(await handler({ action: 'acquire', jobType: 'SPEAKER_ENROLLMENT', owner: 'enr-chunk-0', executionArn: execution })).toMatchObject({ lock: 'ACQUIRED' });
    // Chunk 0's release failed; chunk 1 of the same execution must not wait for itself.
    expect(await handler({ action: 'acquire', jobType: 'SPEAKER_ENROLLMENT', owner: 'enr-chunk-1', executionArn: execution })).toMatchObject({ lock: 'ACQUIRED' });
    // Another execution still finds it held, and is told to wait at least a minute.
    expect(await handler({ action: 'acquire', jobType: 'SPEAKER_ENROLLMENT', owner: 'enr-other', executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:other' })).toEqual({ lock: 'HELD', retryAfterSeconds: 60 });
    await expect(handler({ action: 'acquire', jobType: 'SPEAKER_ENROLLMENT', owner: 'not a token!' })).rejects.toThrow(/owner/);
    // Step Functions reports the holder aborted: the rule's event releases exactly its lock.
    const ended = (status: string, executionArn: string) => ({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn, status } });
    expect(await handler(ended('ABORTED', 'arn:aws:states:us-east-1:123456789012:execution:m:other'))).toEqual({ released: 0 });
    expect(await handler(ended('ABORTED', execution))).toEqual({ released: 1 });
    expect(await handler({ action: 'acquire', jobType: 'SPEAKER_ENROLLMENT', owner: 'enr-other', executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:other' })).toMatchObject({ lock: 'ACQUIRED' });
    await expect(handler(ended('SUCCEEDED', execution))).rejects.toThrow(/lock step's input/);
  });
});
