import type { DeploymentPolicy } from '../../../lambda/contact-flow-decision/domain/policy';
/**
 * Test support for the contact-flow decision Lambda: fixtures, a fake clock, and fake HTTP request
 * handlers that let the REAL SDK clients (serialisation, error parsing) run without any server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { VoiceIDClient } from '@aws-sdk/client-voice-id';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The deployment policy of a default deployment (Voice ID's recommended thresholds), for tests to vary. */
export const DEFAULT_POLICY: DeploymentPolicy = {
  acceptanceThreshold: 90,
  fraudRiskThreshold: 50,
  minAuthenticationScore: 90,
  maxKnownFraudsterRiskScore: 50,
  maxVoiceSpoofingRiskScore: 50,
  fraudScreening: 'REQUIRED',
  maxResultAgeSeconds: 1800,
  decisionRecord: 'BEST_EFFORT',
};

export const FIXTURES_DIR = join(__dirname, '..', '..', 'fixtures', 'connect-events');

/** Values `sam local generate-event connect contact-flow` puts in the template's placeholders. */
const SAM_PLACEHOLDERS: Record<string, string> = {
  contact_id: '8d0d4b3c-3e2b-4f5e-9a9a-0c1f2e3d4c5b',
  phone_number: '+15555550100',
  partition: 'aws',
  region: 'us-east-1',
  account_id: '123456789012',
};

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR).filter((name) => name.endsWith('.json')).sort();
}

/** Reads a fixture as Lambda would receive it: BOM stripped, SAM placeholders rendered when `render`. */
export function loadFixture(name: string, { render = true } = {}): Record<string, unknown> {
  let text = readFileSync(join(FIXTURES_DIR, name), 'utf8').replace(/^\uFEFF/, '');
  if (render) text = text.replace(/\{\{\{(\w+)\}\}\}/g, (_, key: string) => SAM_PLACEHOLDERS[key] ?? key);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A typical live event: voice contact with caller data the Lambda must never echo. */
export const CALLER_PHONE = '+447700900123';
export const CUSTOMER_ID = 'cust-4711-secret';
export const CUSTOMER_SPEAKER_ID = 'cust-4711-secret';
export const GENERATED_SPEAKER_ID = 'id#Gs0123456789abcdefGHIJ';

/** The flow claims the caller is `CUSTOMER_ID` (as the shipped flow does with `$.CustomerId`) unless `parameters` says otherwise. */
export function liveEvent(parameters: Record<string, string> = {}, contactId = '5ca32fbd-8f92-46af-92a5-6b0f970f0efe'): Record<string, unknown> {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { accountNumber: '12345678', callerName: 'Jane Doe' },
        Channel: 'VOICE',
        ContactId: contactId,
        CustomerId: CUSTOMER_ID,
        CustomerEndpoint: { Address: CALLER_PHONE, Type: 'TELEPHONE_NUMBER' },
        InitialContactId: '6ca32fbd-8f92-46af-92a5-6b0f970f0efe',
        InitiationMethod: 'INBOUND',
        InstanceARN: 'arn:aws:connect:eu-west-2:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa',
        MediaStreams: { Customer: { Audio: { StartFragmentNumber: '9134', StartTimestamp: '1565781909613', StreamARN: 'arn:aws:kinesisvideo:eu-west-2:123456789012:stream/x/1' } } },
        PreviousContactId: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe',
        Queue: null,
        SystemEndpoint: { Address: '+442071234567', Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: { customerId: CUSTOMER_ID, ...parameters },
    },
  };
}

/** A fake clock whose `sleep` advances time instantly. */
export class FakeClock {
  constructor(public time = Date.UTC(2025, 2, 14, 9, 30, 0)) {}
  readonly sleeps: number[] = [];
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface CapturedRequest {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

export interface FakeHttpResponse {
  readonly status: number;
  readonly body: unknown;
}

type Responder = (request: CapturedRequest, abortSignal?: AbortSignal) => FakeHttpResponse | Promise<FakeHttpResponse>;

/** A request handler for an SDK v3 client: records each request and answers with `respond`. */
export function fakeRequestHandler(respond: Responder, captured: CapturedRequest[] = []) {
  return {
    captured,
    handler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown }, options?: { abortSignal?: AbortSignal }) => {
        const text = request.body === undefined ? '{}' : typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
        const captured1: CapturedRequest = { target: request.headers['x-amz-target'] ?? '', body: JSON.parse(text) as Record<string, unknown> };
        captured.push(captured1);
        const { status, body } = await respond(captured1, options?.abortSignal);
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' },
            body: Buffer.from(JSON.stringify(body)),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

const TEST_CLIENT_CONFIG = { region: 'eu-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } } as const;

export function voiceIdClientWith(handler: ReturnType<typeof fakeRequestHandler>['handler']): VoiceIDClient {
  return new VoiceIDClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1, requestHandler: handler });
}

export function documentClientWith(handler: ReturnType<typeof fakeRequestHandler>['handler']): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1, requestHandler: handler }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** An EvaluateSession response body as Voice ID sends it. */
export function evaluateSessionBody(options: {
  streamingStatus?: string;
  auth?: { decision: string; score?: number; resultId?: string; customerSpeakerId?: string; acceptanceThreshold?: number; audioEndedAt?: Date };
  fraud?: { decision: string; reasons?: string[]; knownFraudster?: number; spoofing?: number; resultId?: string };
}): Record<string, unknown> {
  return {
    DomainId: 'Dom0123456789abcdefGHI',
    SessionId: 'id#Ses0123456789abcdefGHI',
    SessionName: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe',
    ...(options.streamingStatus && { StreamingStatus: options.streamingStatus }),
    ...(options.auth && {
      AuthenticationResult: {
        AuthenticationResultId: options.auth.resultId ?? 'AuthRes0123456789abcde',
        Decision: options.auth.decision,
        ...(options.auth.score !== undefined && { Score: options.auth.score }),
        CustomerSpeakerId: options.auth.customerSpeakerId ?? CUSTOMER_SPEAKER_ID,
        GeneratedSpeakerId: GENERATED_SPEAKER_ID,
        Configuration: { AcceptanceThreshold: options.auth.acceptanceThreshold ?? 90 },
        // Fresh unless told otherwise: the audio ended a moment ago (epoch seconds, as Voice ID sends timestamps).
        AudioAggregationStartedAt: Math.floor((options.auth.audioEndedAt?.getTime() ?? Date.now()) / 1000) - 12,
        AudioAggregationEndedAt: Math.floor((options.auth.audioEndedAt?.getTime() ?? Date.now()) / 1000) - 1,
      },
    }),
    ...(options.fraud && {
      FraudDetectionResult: {
        FraudDetectionResultId: options.fraud.resultId ?? 'FraudRes0123456789abcd',
        Decision: options.fraud.decision,
        Reasons: options.fraud.reasons ?? [],
        AudioAggregationStartedAt: Math.floor(Date.now() / 1000) - 12,
        AudioAggregationEndedAt: Math.floor(Date.now() / 1000) - 1,
        Configuration: { RiskThreshold: 50, WatchlistId: 'Wl0123456789abcdefGHIJ' },
        RiskDetails: {
          KnownFraudsterRisk: { RiskScore: options.fraud.knownFraudster ?? 10, GeneratedFraudsterId: 'id#Fr0123456789abcdefGHIJ' },
          VoiceSpoofingRisk: { RiskScore: options.fraud.spoofing ?? 5 },
        },
      },
    }),
  };
}

/** Captures everything written to stdout/stderr (Powertools logs and EMF metrics) while `fn` runs. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const result = await fn();
    return { result, output: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
