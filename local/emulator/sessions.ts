import { TIMING } from './quotas';
import type { DomainState, SessionRecord } from './world';

export type StreamingStatus = 'PENDING_CONFIGURATION' | 'ONGOING' | 'ENDED';

/** When streaming stops: the explicit end, or the longest a contact is assumed to stream. */
export function sessionEndsAt(s: SessionRecord): number | undefined {
  if (s.endedAt !== undefined) return s.endedAt;
  return s.streamingStartsAt === null ? undefined : s.streamingStartsAt + TIMING.sessionMaxStreamingMs;
}

export function streamingStatus(s: SessionRecord, now: number): StreamingStatus {
  const end = sessionEndsAt(s);
  if (end !== undefined && now >= end) return 'ENDED';
  if (s.streamingStartsAt === null || now < s.streamingStartsAt) return 'PENDING_CONFIGURATION';
  return 'ONGOING';
}

/** The spans of streaming up to `now` in which the caller spoke, in order. */
function speechSpans(s: SessionRecord, now: number): Array<readonly [number, number]> {
  if (s.streamingStartsAt === null) return [];
  const start = s.streamingStartsAt;
  const until = Math.min(now, sessionEndsAt(s) ?? now);
  const spans = s.speaking ? s.speaking.map((p) => [p.from, p.to ?? until] as const) : [[start, until] as const];
  return spans.map(([from, to]) => [Math.max(from, start), Math.min(to, until)] as const).filter(([from, to]) => to > from);
}

/** Net speech streamed by `now`: it accrues at `speechRate` per second the caller speaks while streaming, until the audio runs out. */
export function speechAt(s: SessionRecord, now: number): number {
  const seconds = speechSpans(s, now).reduce((sum, [from, to]) => sum + (to - from) / 1000, 0);
  return Math.max(0, Math.min(s.audio.netSpeechSeconds, s.speechRate * seconds));
}

/** When the last speech counted by `now` arrived: the end of the caller's last words, or when the audio ran out. */
export function lastSpeechAt(s: SessionRecord, now: number): number | undefined {
  let accrued = 0;
  let last: number | undefined;
  for (const [from, to] of speechSpans(s, now)) {
    const rate = Math.max(s.speechRate, 1e-9);
    const left = s.audio.netSpeechSeconds - accrued;
    const spanSpeech = (rate * (to - from)) / 1000;
    if (spanSpeech >= left) return from + (left / rate) * 1000;
    accrued += spanSpeech;
    last = to;
  }
  return last;
}

/** Starts or stops the caller's speech (a listening window opens or closes). */
export function setSpeaking(s: SessionRecord, speaking: boolean, now: number): void {
  // A caller who has spoken since streaming started keeps that speech: it becomes the first span.
  const spans = (s.speaking ??= s.streamingStartsAt === null ? [] : [{ from: s.streamingStartsAt }]);
  const open = spans.length > 0 && spans[spans.length - 1].to === undefined;
  if (speaking && !open) spans.push({ from: now });
  if (!speaking && open) spans[spans.length - 1].to = now;
}

/** Sessions are addressed by SessionId or by name (the Connect ContactId); a name maps to its latest session. */
export function findSession(ds: DomainState, nameOrId: string): SessionRecord | undefined {
  if (nameOrId.startsWith('id#')) return ds.sessions[nameOrId];
  let latest: SessionRecord | undefined;
  for (const s of Object.values(ds.sessions)) {
    if (s.sessionName === nameOrId && (!latest || s.createdAt >= latest.createdAt)) latest = s;
  }
  return latest;
}

/** Drops sessions whose retention after the end has passed. */
export function expireSessions(ds: DomainState, now: number): boolean {
  let changed = false;
  for (const s of Object.values(ds.sessions)) {
    const end = sessionEndsAt(s);
    if (end !== undefined && now >= end + TIMING.sessionRetentionAfterEndMs) {
      delete ds.sessions[s.sessionId];
      changed = true;
    }
  }
  return changed;
}
