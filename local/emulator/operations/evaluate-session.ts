import { voiceprintSimilarity } from '../../audio';
import { epochSeconds, getDomain, getWatchlist, type OperationOutput, type ServiceContext } from '../context';
import { notFound } from '../errors';
import { stableId22 } from '../ids';
import { TIMING } from '../quotas';
import { findSession, lastSpeechAt, speechAt, streamingStatus } from '../sessions';
import type { DomainState, SessionRecord, SpeakerRecord } from '../world';

/** Results are cached per half second of new speech, so two calls with nothing new in between share an id. */
const SPEECH_QUANTUM_SECONDS = 0.5;
/** LastAccessedAt is only accurate to an hour in the service; updating it less often keeps writes down. */
const LAST_ACCESS_RESOLUTION_MS = 3600 * 1000;

interface Aggregation {
  readonly speech: number;
  readonly quantizedSpeech: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

function aggregation(s: SessionRecord, now: number): Aggregation {
  const speech = speechAt(s, now);
  const startedAt = s.streamingStartsAt ?? now;
  // Aggregation ends when the last counted speech arrived: now while the caller talks, earlier once they paused or the audio ran out.
  const endedAt = lastSpeechAt(s, now) ?? startedAt;
  return { speech, quantizedSpeech: Math.floor(speech / SPEECH_QUANTUM_SECONDS) * SPEECH_QUANTUM_SECONDS, startedAt, endedAt: Math.max(startedAt, endedAt) };
}

function customerSpeaker(ds: DomainState, customerSpeakerId: string): SpeakerRecord | undefined {
  return Object.values(ds.speakers).find((s) => s.customerSpeakerId === customerSpeakerId);
}

function authenticationResult(ctx: ServiceContext, ds: DomainState, s: SessionRecord, agg: Aggregation, now: number): OperationOutput {
  const threshold = s.authentication.acceptanceThreshold;
  const speaker = s.customerSpeakerId ? customerSpeaker(ds, s.customerSpeakerId) : undefined;
  let decision: string;
  let score: number | undefined;
  if (!s.customerSpeakerId) decision = 'SPEAKER_ID_NOT_PROVIDED';
  else if (!speaker || speaker.status === 'PENDING') decision = 'SPEAKER_NOT_ENROLLED';
  else if (speaker.status === 'OPTED_OUT') decision = 'SPEAKER_OPTED_OUT';
  else if (speaker.status === 'EXPIRED' || now - (speaker.lastAccessedAt ?? speaker.createdAt) >= TIMING.speakerExpiryMs) decision = 'SPEAKER_EXPIRED';
  else if (agg.speech < s.authentication.minimumSpeechSeconds) decision = 'NOT_ENOUGH_SPEECH';
  else {
    score = voiceprintSimilarity(s.audio.voiceprint, speaker.voiceprint);
    decision = score >= threshold ? 'ACCEPT' : 'REJECT';
    if (decision === 'ACCEPT' && now - (speaker.lastAccessedAt ?? 0) >= LAST_ACCESS_RESOLUTION_MS) {
      speaker.lastAccessedAt = now;
      ctx.markDirty();
    }
  }
  const hasAudio = decision === 'ACCEPT' || decision === 'REJECT' || decision === 'NOT_ENOUGH_SPEECH';
  return {
    AuthenticationResultId: stableId22('auth', s.sessionId, agg.quantizedSpeech, threshold, s.customerSpeakerId ?? null, decision, score ?? null, speaker?.generatedSpeakerId ?? null),
    AudioAggregationStartedAt: hasAudio ? epochSeconds(agg.startedAt) : undefined,
    AudioAggregationEndedAt: hasAudio ? epochSeconds(agg.endedAt) : undefined,
    Configuration: { AcceptanceThreshold: threshold },
    CustomerSpeakerId: s.customerSpeakerId,
    GeneratedSpeakerId: speaker?.generatedSpeakerId,
    Decision: decision,
    Score: score,
  };
}

function fraudDetectionResult(ds: DomainState, s: SessionRecord, agg: Aggregation): OperationOutput {
  const threshold = s.fraud.riskThreshold;
  const watchlistId = s.fraud.watchlistId ?? ds.domain.defaultWatchlistId;
  getWatchlist(ds, watchlistId); // a watchlist deleted since the session started is an error, as in Check Voice ID
  const configuration = { RiskThreshold: threshold, WatchlistId: watchlistId };
  const common = {
    AudioAggregationStartedAt: epochSeconds(agg.startedAt),
    AudioAggregationEndedAt: epochSeconds(agg.endedAt),
    Configuration: configuration,
  };
  if (agg.speech < s.fraud.minimumSpeechSeconds) {
    return { ...common, FraudDetectionResultId: stableId22('fraud', s.sessionId, agg.quantizedSpeech, configuration, 'NOT_ENOUGH_SPEECH'), Decision: 'NOT_ENOUGH_SPEECH', Reasons: [] };
  }
  let best: { id: string; score: number } | undefined;
  for (const f of Object.values(ds.fraudsters)) {
    if (!f.watchlistIds.includes(watchlistId)) continue;
    const score = voiceprintSimilarity(s.audio.voiceprint, f.voiceprint);
    if (!best || score > best.score) best = { id: f.generatedFraudsterId, score };
  }
  const knownRisk = best?.score ?? 0;
  const spoofRisk = s.audio.spoofScore;
  const reasons: string[] = [];
  if (knownRisk >= threshold) reasons.push('KNOWN_FRAUDSTER');
  if (spoofRisk >= threshold) reasons.push('VOICE_SPOOFING');
  const decision = reasons.length > 0 ? 'HIGH_RISK' : 'LOW_RISK';
  const knownFraudster = knownRisk >= threshold ? best?.id : undefined;
  return {
    ...common,
    FraudDetectionResultId: stableId22('fraud', s.sessionId, agg.quantizedSpeech, configuration, decision, knownRisk, knownFraudster ?? null, spoofRisk),
    Decision: decision,
    Reasons: reasons,
    RiskDetails: {
      KnownFraudsterRisk: { RiskScore: knownRisk, GeneratedFraudsterId: knownFraudster },
      VoiceSpoofingRisk: { RiskScore: spoofRisk },
    },
  };
}

/**
 * Evaluates what a session has streamed so far. While streaming has not started the results are absent;
 * after the end the final result keeps coming back. A disabled feature's result is omitted.
 */
export function evaluateSession(ctx: ServiceContext, input: { DomainId: string; SessionNameOrId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const session = findSession(ds, input.SessionNameOrId);
  if (!session) throw notFound('SESSION', `Session ${input.SessionNameOrId} does not exist`);
  const now = ctx.clock.now();
  const status = streamingStatus(session, now);
  const out: OperationOutput = { DomainId: ds.domain.domainId, SessionId: session.sessionId, SessionName: session.sessionName, StreamingStatus: status };
  if (status === 'PENDING_CONFIGURATION') return out;
  const agg = aggregation(session, now);
  if (session.authentication.enabled) out.AuthenticationResult = authenticationResult(ctx, ds, session, agg, now);
  if (session.fraud.enabled) out.FraudDetectionResult = fraudDetectionResult(ds, session, agg);
  return out;
}
