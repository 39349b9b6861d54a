import { z } from 'zod';
import type { VoiceIdService } from './service';
import { ControlError, endSession, locateSession, sessionSummary, startSession, speak, startStreaming, updateSession } from './session-control';

/** One control API answer. */
export interface ControlResponse {
  readonly status: number;
  readonly body: unknown;
}

const SESSION_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const ID22 = /^[a-zA-Z0-9]{22}$/;
const CUSTOMER_SPEAKER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

const authenticationSchema = z
  .object({
    enabled: z.boolean().optional(),
    acceptanceThreshold: z.number().int().min(0).max(100).optional(),
    minimumSpeechSeconds: z.number().min(5).max(10).optional(),
  })
  .strict();
const fraudSchema = z
  .object({
    enabled: z.boolean().optional(),
    riskThreshold: z.number().int().min(0).max(100).optional(),
    watchlistId: z.string().regex(ID22, 'must be a 22-character alphanumeric WatchlistId').optional(),
    minimumSpeechSeconds: z.number().min(1).max(60).optional(),
  })
  .strict();
const channelId = z.union([z.literal(0), z.literal(1)]).optional();

const startSessionSchema = z
  .object({
    domainId: z.string().regex(ID22, 'must be a 22-character alphanumeric DomainId'),
    sessionName: z.string().min(1).max(36).regex(SESSION_NAME, 'must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$ (a Connect ContactId fits)'),
    customerSpeakerId: z.string().min(1).max(256).regex(CUSTOMER_SPEAKER_ID, 'must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$').optional(),
    audio: z.union([
      z.object({ s3Uri: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'must be s3://bucket/key'), channelId }).strict(),
      z.object({ wavBase64: z.string().min(1), channelId }).strict(),
    ]),
    speechRate: z.number().positive().max(100).optional(),
    streamingStartDelaySeconds: z.number().min(0).optional(),
    startStreaming: z.boolean().optional(),
    speaking: z.boolean().optional(),
    authentication: authenticationSchema.optional(),
    fraudDetection: fraudSchema.optional(),
  })
  .strict();

const updateSessionSchema = z
  .object({
    domainId: z.string().regex(ID22).optional(),
    customerSpeakerId: z.string().min(1).max(256).regex(CUSTOMER_SPEAKER_ID).optional(),
    speechRate: z.number().positive().max(100).optional(),
    authentication: authenticationSchema.optional(),
    fraudDetection: fraudSchema.optional(),
  })
  .strict();

const sessionRefSchema = z.object({ domainId: z.string().regex(ID22).optional() }).strict();

const speechSchema = z.object({ domainId: z.string().regex(ID22).optional(), speaking: z.boolean() }).strict();

const faultSchema = z
  .object({
    operation: z.string().min(1),
    type: z.enum(['THROTTLING', 'INTERNAL_ERROR', 'LATENCY', 'DROP_CONNECTION', 'JOB_FAILURE']),
    count: z.number().int().positive().optional(),
    rate: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
  })
  .strict()
  .refine((f) => f.type !== 'LATENCY' || f.latencyMs !== undefined, { message: 'latencyMs is required for LATENCY faults', path: ['latencyMs'] });

const quotaSchema = z
  .object({ operation: z.string().min(1), tps: z.number().positive().nullable() })
  .strict();

const eventsSchema = z.object({ drop: z.boolean() }).strict();
const jobsSchema = z.object({ durationSeconds: z.number().min(0).max(30 * 24 * 3600).nullable() }).strict();

const clockSchema = z
  .object({ advanceSeconds: z.number().min(0).optional(), speed: z.number().min(0).optional() })
  .strict()
  .refine((c) => c.advanceSeconds !== undefined || c.speed !== undefined, { message: 'give advanceSeconds and/or speed', path: ['advanceSeconds'] });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || '<body>', message: i.message }));
    throw new ControlError(400, 'BAD_REQUEST', issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  }
  return result.data;
}

function checkOperation(service: VoiceIdService, operation: string): void {
  if (operation !== '*' && !service.hasOperation(operation)) {
    throw new ControlError(400, 'BAD_REQUEST', `operation: ${operation} is not a Voice ID operation`);
  }
}

/**
 * The control API: what Amazon Connect and a tester do that the Voice ID API cannot (start and end streaming
 * sessions, move the clock, inject faults, set TPS limits, reset). Answers are JSON; errors are
 * `{ error: CODE, message }` with the field named in the message.
 */
export async function handleControl(service: VoiceIdService, method: string, pathname: string, query: URLSearchParams, body: unknown): Promise<ControlResponse> {
  const ctx = service.context();
  const parts = pathname.replace(/^\/_control\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const route = `${method} ${parts[0] ?? ''}`;
  try {
    if (route === 'GET health') return { status: 200, body: { status: 'ok', now: new Date(service.clock.now()).toISOString() } };
    if (route === 'POST jobs') {
      // Simulated long jobs: every job started from now on takes this long in emulated time (null: by its size).
      const { durationSeconds } = parse(jobsSchema, body);
      service.jobDurationMs = durationSeconds === null ? undefined : durationSeconds * 1000;
      return { status: 200, body: { durationSeconds } };
    }
    if (route === 'GET events' || route === 'POST events') {
      // Best-effort delivery made worse on purpose: `{ drop: true }` loses every event until `{ drop: false }`.
      if (method === 'POST') service.events.dropping = parse(eventsSchema, body).drop;
      return { status: 200, body: { drop: service.events.dropping, emitted: service.events.emitted, dropped: service.events.dropped } };
    }
    if (route === 'GET requests') return { status: 200, body: { requests: Object.fromEntries(service.requestCounts) } };
    if (route === 'POST reset') {
      service.reset();
      return { status: 200, body: { reset: true } };
    }
    if (route === 'GET clock' || route === 'POST clock') {
      if (method === 'POST') {
        const c = parse(clockSchema, body);
        if (c.advanceSeconds !== undefined) service.clock.advance(c.advanceSeconds);
        if (c.speed !== undefined) service.clock.setSpeed(c.speed);
        await service.settle();
      }
      const now = service.clock.now();
      return { status: 200, body: { now: new Date(now).toISOString(), epochMillis: now, speed: service.clock.speed } };
    }
    if (parts[0] === 'faults') {
      if (method === 'GET') return { status: 200, body: { faults: service.faults.list() } };
      if (method === 'DELETE') {
        service.faults.clear();
        return { status: 200, body: { faults: [] } };
      }
      if (method === 'POST') {
        const f = parse(faultSchema, body);
        checkOperation(service, f.operation);
        service.faults.add({ operation: f.operation, type: f.type, remaining: f.count, rate: f.rate, latencyMs: f.latencyMs });
        return { status: 201, body: { faults: service.faults.list() } };
      }
    }
    if (parts[0] === 'quotas') {
      if (method === 'GET') return { status: 200, body: { tps: service.rateLimits.list() } };
      if (method === 'DELETE') {
        service.rateLimits.clear();
        return { status: 200, body: { tps: {} } };
      }
      if (method === 'POST') {
        const q = parse(quotaSchema, body);
        checkOperation(service, q.operation);
        service.rateLimits.set(q.operation, q.tps);
        return { status: 200, body: { tps: service.rateLimits.list() } };
      }
    }
    if (parts[0] === 'sessions') {
      const domainId = query.get('domainId') ?? undefined;
      if (method === 'POST' && parts.length === 1) {
        const session = await startSession(ctx, parse(startSessionSchema, body));
        return { status: 201, body: sessionSummary(ctx, session) };
      }
      if (parts.length === 2 && method === 'GET') return { status: 200, body: sessionSummary(ctx, locateSession(ctx, parts[1], domainId).session) };
      if (parts.length === 3 && method === 'POST') {
        if (parts[2] === 'speech') {
          const u = parse(speechSchema, body);
          return { status: 200, body: sessionSummary(ctx, speak(ctx, parts[1], u.domainId ?? domainId, u.speaking)) };
        }
        const ref = parts[2] === 'config' ? undefined : parse(sessionRefSchema, body);
        const dom = ref?.domainId ?? domainId;
        if (parts[2] === 'end') return { status: 200, body: sessionSummary(ctx, endSession(ctx, parts[1], dom)) };
        if (parts[2] === 'start') return { status: 200, body: sessionSummary(ctx, startStreaming(ctx, parts[1], dom)) };
        if (parts[2] === 'config') {
          const u = parse(updateSessionSchema, body);
          return { status: 200, body: sessionSummary(ctx, updateSession(ctx, parts[1], u.domainId ?? domainId, u)) };
        }
      }
    }
    return { status: 404, body: { error: 'NOT_FOUND', message: `No control route ${method} ${pathname}` } };
  } catch (e: unknown) {
    if (e instanceof ControlError) return { status: e.status, body: { error: e.code, message: e.message } };
    throw e;
  }
}
