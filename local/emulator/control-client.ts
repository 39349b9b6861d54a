/** Typed client for the emulator's control API (`/_control/`), on Node's global fetch. */

export interface StartSessionRequest {
  domainId: string;
  /** The Connect ContactId. */
  sessionName: string;
  customerSpeakerId?: string;
  audio: { s3Uri: string; channelId?: 0 | 1 } | { wavBase64: string; channelId?: 0 | 1 };
  /** Net speech seconds per emulated second. @default 1 */
  speechRate?: number;
  /** @default 0 */
  streamingStartDelaySeconds?: number;
  /** false keeps the session in PENDING_CONFIGURATION until startStreaming(). @default true */
  startStreaming?: boolean;
  /** false: the caller is silent until speak(true). @default true (speaking from the start of streaming) */
  speaking?: boolean;
  authentication?: { enabled?: boolean; acceptanceThreshold?: number; minimumSpeechSeconds?: number };
  fraudDetection?: { enabled?: boolean; riskThreshold?: number; watchlistId?: string; minimumSpeechSeconds?: number };
}

export interface SessionInfo {
  sessionId: string;
  sessionName: string;
  domainId: string;
  streamingStatus: 'PENDING_CONFIGURATION' | 'ONGOING' | 'ENDED';
  customerSpeakerId?: string;
  speechRate: number;
  netSpeechInAudioSeconds: number;
  authentication: { enabled: boolean; acceptanceThreshold: number; minimumSpeechSeconds: number };
  fraudDetection: { enabled: boolean; riskThreshold: number; watchlistId?: string; minimumSpeechSeconds: number };
}

export interface FaultRequest {
  /** A Voice ID operation name or `*`. */
  operation: string;
  /** JOB_FAILURE: the batch job the operation starts ends FAILED. */
  type: 'THROTTLING' | 'INTERNAL_ERROR' | 'LATENCY' | 'DROP_CONNECTION' | 'JOB_FAILURE';
  /** Hit only this many requests. @default unlimited */
  count?: number;
  /** Probability a matching request is hit. @default 1 */
  rate?: number;
  /** Required for LATENCY. */
  latencyMs?: number;
}

export interface ClockState {
  now: string;
  epochMillis: number;
  speed: number;
}

/** A control request the emulator refused; `code` is its error code (e.g. BAD_REQUEST, SESSION_NOT_FOUND). */
export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorControlError';
  }
}

export class EmulatorControl {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/_control/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string; message?: string };
    if (!res.ok) throw new EmulatorControlError(res.status, json.error ?? 'ERROR', json.message ?? `HTTP ${res.status}`);
    return json;
  }

  health(): Promise<{ status: string; now: string }> {
    return this.call('GET', 'health');
  }

  startSession(request: StartSessionRequest): Promise<SessionInfo> {
    return this.call('POST', 'sessions', request);
  }

  getSession(nameOrId: string, domainId?: string): Promise<SessionInfo> {
    return this.call('GET', `sessions/${encodeURIComponent(nameOrId)}${domainId ? `?domainId=${domainId}` : ''}`);
  }

  /** Starts streaming for a session created with `startStreaming: false`. */
  startStreaming(nameOrId: string, domainId?: string): Promise<SessionInfo> {
    return this.call('POST', `sessions/${encodeURIComponent(nameOrId)}/start`, { domainId });
  }

  /** The caller starts (true) or stops (false) talking, as in a flow's listening window. */
  speak(nameOrId: string, speaking: boolean, domainId?: string): Promise<SessionInfo> {
    return this.call('POST', `sessions/${encodeURIComponent(nameOrId)}/speech`, { domainId, speaking });
  }

  endSession(nameOrId: string, domainId?: string): Promise<SessionInfo> {
    return this.call('POST', `sessions/${encodeURIComponent(nameOrId)}/end`, { domainId });
  }

  updateSession(
    nameOrId: string,
    update: Pick<StartSessionRequest, 'customerSpeakerId' | 'speechRate' | 'authentication' | 'fraudDetection'> & { domainId?: string },
  ): Promise<SessionInfo> {
    return this.call('POST', `sessions/${encodeURIComponent(nameOrId)}/config`, update);
  }

  async injectFault(fault: FaultRequest): Promise<void> {
    await this.call('POST', 'faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', 'faults');
  }

  /** Sets a TPS limit for an operation (or `*`); null removes it. */
  async setQuota(operation: string, tps: number | null): Promise<void> {
    await this.call('POST', 'quotas', { operation, tps });
  }

  async clearQuotas(): Promise<void> {
    await this.call('DELETE', 'quotas');
  }

  advanceClock(seconds: number): Promise<ClockState> {
    return this.call('POST', 'clock', { advanceSeconds: seconds });
  }

  /** Emulated seconds per real second; 0 freezes time. */
  setClockSpeed(speed: number): Promise<ClockState> {
    return this.call('POST', 'clock', { speed });
  }

  async now(): Promise<Date> {
    const c = await this.call<ClockState>('GET', 'clock');
    return new Date(c.epochMillis);
  }

  /** Signed Voice ID requests the emulator received, per operation, since it started. */
  /** Drops every batch event from now on (`true`) or delivers them again (`false`); returns what was emitted and dropped so far. */
  async dropEvents(drop: boolean): Promise<{ emitted: number; dropped: number }> {
    return this.call('POST', 'events', { drop });
  }

  /** Every batch job started from now on takes this many emulated seconds (null: a duration by its size). */
  async setJobDuration(durationSeconds: number | null): Promise<void> {
    await this.call('POST', 'jobs', { durationSeconds });
  }

  async requestCounts(): Promise<Record<string, number>> {
    return (await this.call<{ requests: Record<string, number> }>('GET', 'requests')).requests;
  }

  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }
}
