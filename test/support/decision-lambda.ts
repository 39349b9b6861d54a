import * as net from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { VoiceIDClient } from '@aws-sdk/client-voice-id';
import { findDecisionFunction, startDecisionFunction } from '../../local/harness/decision-function';
import type { LocalFunction } from '../../local/harness/local-function';
import { LocalStack, startLocalStack } from '../../local/harness/local-stack';
import { localS3Client } from '../../local/harness/local-s3';
import { BatchContext, batchContextOf, enrollSpeakers, registerFraudsters } from '../../local/scenario/batch-jobs';
import { ENROLLED_SPEAKERS, FRAUDSTER_VOICE } from '../../local/scenario/scenario-data';

const ASSEMBLY = path.join(__dirname, '..', '..', 'cdk.out');

/** The local stack with the scenario's speakers enrolled and its fraudster registered, and SDK clients on it. */
export interface DecisionWorld {
  readonly stack: LocalStack;
  readonly voiceId: VoiceIDClient;
  readonly s3: S3Client;
  readonly documents: DynamoDBDocumentClient;
  readonly batch: BatchContext;
  /** Starts the bundled decision function from cdk.out, with environment overrides (endpoints, budget). */
  startFunction(overrides?: Record<string, string>): Promise<LocalFunction>;
  /** The decision records of a contact, as stored. */
  recordsOf(contactId: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

export async function startDecisionWorld(): Promise<DecisionWorld> {
  // The emulated clock stands still unless a test moves it: speech accrues only when a test says so.
  const stack = await startLocalStack({ emulator: { clockSpeed: 0 } });
  const credentials = { accessKeyId: stack.env.AWS_ACCESS_KEY_ID, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY };
  const voiceId = new VoiceIDClient({ endpoint: stack.env.AWS_ENDPOINT_URL_VOICE_ID, region: stack.env.AWS_REGION, credentials });
  const s3 = localS3Client(stack.env.AWS_ENDPOINT_URL_S3);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB, region: stack.env.AWS_REGION, credentials }));
  const batch = batchContextOf(stack, voiceId, s3);
  process.env.AWS_REGION = stack.env.AWS_REGION;
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  await enrollSpeakers(batch, ENROLLED_SPEAKERS);
  await registerFraudsters(batch, [FRAUDSTER_VOICE]);

  const bundled = findDecisionFunction(ASSEMBLY);
  const functions: LocalFunction[] = [];
  return {
    stack,
    voiceId,
    s3,
    documents,
    batch,
    startFunction: async (overrides = {}) => {
      const fn = await startDecisionFunction(bundled, stack, { overrides });
      functions.push(fn);
      return fn;
    },
    recordsOf: async (contactId) =>
      (await documents.send(new QueryCommand({ TableName: stack.tables.decisions, KeyConditionExpression: 'contactId = :c', ExpressionAttributeValues: { ':c': contactId } }))).Items ?? [],
    stop: async () => {
      for (const fn of functions) await fn.stop();
      voiceId.destroy();
      s3.destroy();
      documents.destroy();
      await stack.stop();
    },
  };
}

/** A loopback port nothing listens on: connections to it are refused at once. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
