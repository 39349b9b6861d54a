import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../../lambda/shared/table-definitions';

export interface LocalDynamoDb {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite (a real DynamoDB implementation, in memory) on an ephemeral loopback port. */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * The CreateTable request for a shared table definition: the same keys and indexes the CDK stack deploys.
 * TTL is not part of it: dynalite supports neither UpdateTimeToLive nor expiry.
 */
export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [definition.partitionKey, definition.sortKey, ...definition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const attributes = new Map(keys.filter((k) => k !== undefined).map((k) => [k.name, k.type]));
  const keySchema = (partitionKey: { name: string }, sortKey?: { name: string }) => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    GlobalSecondaryIndexes: definition.globalSecondaryIndexes.length
      ? definition.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: index.nonKeyAttributes
            ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] }
            : { ProjectionType: 'ALL' as const },
        }))
      : undefined,
  };
}

/** Creates each table from its definition, named `<prefix>-<definition id>`; returns the names by definition id. */
export async function createTables(client: DynamoDBClient, definitions: readonly TableDefinition[], prefix: string): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const definition of definitions) {
    const name = `${prefix}-${definition.id}`;
    await client.send(new CreateTableCommand(createTableInput(definition, name)));
    names[definition.id] = name;
  }
  return names;
}
