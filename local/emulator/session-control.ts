import { createHash } from 'node:crypto';
import type { SpeechAnalysis } from '../audio';
import { analyzeVoiceIdAudio } from './audio-rules';
import { getWatchlist, type ServiceContext } from './context';
import { newGeneratedId } from './ids';
import { findSession, setSpeaking, streamingStatus } from './sessions';
import type { DomainState, SessionRecord } from './world';

/** A control request that cannot be carried out; `status` is the HTTP status of the control API answer. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface StartSessionInput {
  readonly domainId: string;
  readonly sessionName: string;
  readonly customerSpeakerId?: string;
  readonly audio: { readonly s3Uri: string; readonly channelId?: 0 | 1 } | { readonly wavBase64: string; readonly channelId?: 0 | 1 };
  readonly speechRate?: number;
  readonly streamingStartDelaySeconds?: number;
  /** false: the session waits in PENDING_CONFIGURATION until `POST /_control/sessions/<id>/start`. */
  readonly startStreaming?: boolean;
  /** false: the caller is silent until `POST /_control/sessions/<id>/speech` says they speak. @default true (from the start of streaming) */
  readonly speaking?: boolean;
  readonly authentication?: { readonly enabled?: boolean; readonly acceptanceThreshold?: number; readonly minimumSpeechSeconds?: number };
  readonly fraudDetection?: { readonly enabled?: boolean; readonly riskThreshold?: number; readonly watchlistId?: string; readonly minimumSpeechSeconds?: number };
}

export type UpdateSessionInput = Pick<StartSessionInput, 'customerSpeakerId' | 'authentication' | 'fraudDetection' | 'speechRate'>;

function domainOf(ctx: ServiceContext, domainId: string): DomainState {
  const ds = ctx.world.domains[domainId];
  if (!ds) throw new ControlError(404, 'DOMAIN_NOT_FOUND', `Domain ${domainId} does not exist`);
  return ds;
}

function checkWatchlist(ds: DomainState, watchlistId: string | undefined): void {
  if (watchlistId && !ds.watchlists[watchlistId]) throw new ControlError(404, 'WATCHLIST_NOT_FOUND', `Watchlist ${watchlistId} does not exist in domain ${ds.domain.domainId}`);
}

/** Finds a session by name or id, in one domain or (when no domain is given) the most recent across all. */
export function locateSession(ctx: ServiceContext, nameOrId: string, domainId?: string): { ds: DomainState; session: SessionRecord } {
  const domains = domainId ? [domainOf(ctx, domainId)] : Object.values(ctx.world.domains);
  let found: { ds: DomainState; session: SessionRecord } | undefined;
  for (const ds of domains) {
    const session = findSession(ds, nameOrId);
    if (session && (!found || session.createdAt > found.session.createdAt)) found = { ds, session };
  }
  if (!found) throw new ControlError(404, 'SESSION_NOT_FOUND', `Session ${nameOrId} does not exist`);
  return found;
}

/** Plays Amazon Connect's part: a contact's Set Voice ID block starts streaming its audio into a session. */
export async function startSession(ctx: ServiceContext, input: StartSessionInput): Promise<SessionRecord> {
  const ds = domainOf(ctx, input.domainId);
  checkWatchlist(ds, input.fraudDetection?.watchlistId);
  const now = ctx.clock.now();
  const active = Object.values(ds.sessions).filter((s) => streamingStatus(s, now) !== 'ENDED');
  if (active.some((s) => s.sessionName === input.sessionName)) {
    throw new ControlError(409, 'ANOTHER_ACTIVE_STREAM', `Session ${input.sessionName} is already streaming; end it first`);
  }
  if (active.length >= ctx.config.maxActiveSessionsPerDomain) {
    throw new ControlError(429, 'TOO_MANY_ACTIVE_SESSIONS', `The domain already has ${ctx.config.maxActiveSessionsPerDomain} active sessions`);
  }
  const channelId = input.audio.channelId ?? 0;
  let audio: SpeechAnalysis;
  try {
    const buf = 's3Uri' in input.audio ? await ctx.s3.get(input.audio.s3Uri) : Buffer.from(input.audio.wavBase64, 'base64');
    audio = analyzeCached(buf, channelId);
  } catch (e: unknown) {
    throw new ControlError(400, 'AUDIO_REJECTED', `audio: ${e instanceof Error ? e.message : String(e)}`);
  }
  const startNow = ctx.clock.now();
  const session: SessionRecord = {
    sessionId: newGeneratedId(),
    sessionName: input.sessionName,
    domainId: ds.domain.domainId,
    createdAt: startNow,
    streamingStartsAt: input.startStreaming === false ? null : startNow + (input.streamingStartDelaySeconds ?? 0) * 1000,
    customerSpeakerId: input.customerSpeakerId,
    speechRate: input.speechRate ?? 1,
    ...(input.speaking === false && { speaking: [] }),
    authentication: {
      enabled: input.authentication?.enabled ?? true,
      acceptanceThreshold: input.authentication?.acceptanceThreshold ?? 90,
      minimumSpeechSeconds: input.authentication?.minimumSpeechSeconds ?? 10,
    },
    fraud: {
      enabled: input.fraudDetection?.enabled ?? true,
      riskThreshold: input.fraudDetection?.riskThreshold ?? 50,
      watchlistId: input.fraudDetection?.watchlistId,
      minimumSpeechSeconds: input.fraudDetection?.minimumSpeechSeconds ?? 10,
    },
    audio,
  };
  ds.sessions[session.sessionId] = session;
  ctx.markDirty();
  return session;
}

export function startStreaming(ctx: ServiceContext, nameOrId: string, domainId?: string): SessionRecord {
  const { session } = locateSession(ctx, nameOrId, domainId);
  if (session.streamingStartsAt === null) {
    session.streamingStartsAt = ctx.clock.now();
    ctx.markDirty();
  }
  return session;
}

export function endSession(ctx: ServiceContext, nameOrId: string, domainId?: string): SessionRecord {
  const { session } = locateSession(ctx, nameOrId, domainId);
  const now = ctx.clock.now();
  if (streamingStatus(session, now) !== 'ENDED') {
    if (session.streamingStartsAt === null) session.streamingStartsAt = now;
    session.endedAt = now;
    ctx.markDirty();
  }
  return session;
}

/** The caller starts or stops talking: a flow's listening window opens or closes. */
export function speak(ctx: ServiceContext, nameOrId: string, domainId: string | undefined, speaking: boolean): SessionRecord {
  const { session } = locateSession(ctx, nameOrId, domainId);
  setSpeaking(session, speaking, ctx.clock.now());
  ctx.markDirty();
  return session;
}

/** Like a later Set Voice ID block or a changed Customer ID: new settings give new evaluation results. */
export function updateSession(ctx: ServiceContext, nameOrId: string, domainId: string | undefined, input: UpdateSessionInput): SessionRecord {
  const { ds, session } = locateSession(ctx, nameOrId, domainId);
  checkWatchlist(ds, input.fraudDetection?.watchlistId);
  if (input.customerSpeakerId !== undefined) session.customerSpeakerId = input.customerSpeakerId;
  if (input.speechRate !== undefined) session.speechRate = input.speechRate;
  Object.assign(session.authentication, stripUndefined(input.authentication ?? {}));
  Object.assign(session.fraud, stripUndefined(input.fraudDetection ?? {}));
  if (session.fraud.watchlistId) getWatchlist(ds, session.fraud.watchlistId);
  ctx.markDirty();
  return session;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function sessionSummary(ctx: ServiceContext, session: SessionRecord): Record<string, unknown> {
  const now = ctx.clock.now();
  return {
    sessionId: session.sessionId,
    sessionName: session.sessionName,
    domainId: session.domainId,
    streamingStatus: streamingStatus(session, now),
    customerSpeakerId: session.customerSpeakerId,
    speechRate: session.speechRate,
    netSpeechInAudioSeconds: session.audio.netSpeechSeconds,
    authentication: session.authentication,
    fraudDetection: session.fraud,
  };
}

/**
 * Analyses of recent session audio by content: load tests and demos replay the same few files, and
 * analysing a file costs milliseconds of CPU that a real service would spread over the call.
 */
const analysisCache = new Map<string, SpeechAnalysis>();
const ANALYSIS_CACHE_SIZE = 64;

function analyzeCached(buf: Buffer, channelId: number): SpeechAnalysis {
  const key = `${createHash('sha256').update(buf).digest('base64')}#${channelId}`;
  let analysis = analysisCache.get(key);
  if (!analysis) {
    analysis = analyzeVoiceIdAudio(buf, channelId);
    if (analysisCache.size >= ANALYSIS_CACHE_SIZE) analysisCache.delete(analysisCache.keys().next().value as string);
    analysisCache.set(key, analysis);
  }
  return analysis;
}
