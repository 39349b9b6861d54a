import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableDefinition } from '../../lambda/shared/table-definitions';
import { createTables, startLocalDynamoDb } from '../../local/harness/local-dynamodb';

export interface LocalTable {
  readonly endpoint: string;
  readonly table: string;
  readonly documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/** One table as deployed, on a dynalite of its own (one per test file). */
export async function startLocalTable(definition: TableDefinition, prefix: string): Promise<LocalTable> {
  const server = await startLocalDynamoDb();
  const client = new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const table = (await createTables(client, [definition], prefix))[definition.id];
  const documents = DynamoDBDocumentClient.from(client);
  return {
    endpoint: server.endpoint,
    table,
    documents,
    stop: async () => {
      documents.destroy();
      await server.stop();
    },
  };
}
