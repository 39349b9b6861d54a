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

/** Net speech streamed by `now`: it accrues at `speechRate` per second of streaming until the audio runs out. */
export function speechAt(s: SessionRecord, now: number): number {
  if (s.streamingStartsAt === null || now <= s.streamingStartsAt) return 0;
  const until = Math.min(now, sessionEndsAt(s) ?? now);
  return Math.max(0, Math.min(s.audio.netSpeechSeconds, (s.speechRate * (until - s.streamingStartsAt)) / 1000));
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
