import { DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTables, LocalDynamoDb, startLocalDynamoDb } from '../../../local/harness/local-dynamodb';
import { DECISIONS_TABLE, TABLE_DEFINITIONS } from '../../../lambda/shared/table-definitions';
import { buildTestApp } from '../../support/app';

let server: LocalDynamoDb;
let client: DynamoDBClient;
let names: Record<string, string>;

beforeAll(async () => {
  server = await startLocalDynamoDb();
  client = new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  names = await createTables(client, TABLE_DEFINITIONS, 'test');
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

function sortedByName<T extends { AttributeName?: string; IndexName?: string }>(items: T[] | undefined): T[] {
  return [...(items ?? [])].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));
}

describe('local tables', () => {
  // One source of truth: a local table that differs from the deployed one would let tests pass on a schema that does not exist.
  test.each(TABLE_DEFINITIONS.map((d) => d.id))('%s has exactly the keys and indexes of the deployed table', async (id) => {
    const { statefulTemplate } = buildTestApp();
    const deployed = Object.entries(statefulTemplate.findResources('AWS::DynamoDB::Table')).find(([logicalId]) => logicalId.includes(id))![1].Properties;
    const local = (await client.send(new DescribeTableCommand({ TableName: names[id] }))).Table!;

    expect(local.KeySchema).toEqual(deployed.KeySchema);
    expect(sortedByName(local.AttributeDefinitions)).toEqual(sortedByName(deployed.AttributeDefinitions));
    expect(
      sortedByName(local.GlobalSecondaryIndexes).map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection })),
    ).toEqual(sortedByName(deployed.GlobalSecondaryIndexes));
  });

  test('serve the access pattern "decisions of a speaker over a time range"', async () => {
    const item = (contactId: string, evaluatedAt: string) => ({
      contactId: { S: contactId },
      recordKey: { S: 'r' },
      generatedSpeakerId: { S: 'id#speaker' },
      evaluatedAt: { S: evaluatedAt },
    });
    for (const [c, t] of [['c1', '2026-11-01T10:00:00Z'], ['c2', '2026-11-05T10:00:00Z'], ['c3', '2026-11-09T10:00:00Z']]) {
      await client.send(new PutItemCommand({ TableName: names[DECISIONS_TABLE.id], Item: item(c, t) }));
    }
    const result = await client.send(
      new QueryCommand({
        TableName: names[DECISIONS_TABLE.id],
        IndexName: 'bySpeaker',
        KeyConditionExpression: 'generatedSpeakerId = :s AND evaluatedAt BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':s': { S: 'id#speaker' }, ':from': { S: '2026-11-02' }, ':to': { S: '2026-11-10' } },
      }),
    );
    expect(result.Items?.map((i) => i.contactId.S)).toEqual(['c2', 'c3']);
  });
});
