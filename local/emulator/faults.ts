/** `JOB_FAILURE` does not fail the request: the batch job it starts ends FAILED, as Voice ID reports a job it could not run. */
export type FaultType = 'THROTTLING' | 'INTERNAL_ERROR' | 'LATENCY' | 'DROP_CONNECTION' | 'JOB_FAILURE';

export interface FaultRule {
  /** A Voice ID operation name, or `*` for all. */
  readonly operation: string;
  readonly type: FaultType;
  /** How many more requests the fault hits; undefined = unlimited. */
  remaining?: number;
  /** Probability (0–1) that a matching request is hit. @default 1 */
  readonly rate: number;
  readonly latencyMs: number;
}

/** What to do to one request: wait first, then (maybe) fail it in one way. */
export interface FaultPlan {
  readonly delayMs: number;
  readonly failure?: Exclude<FaultType, 'LATENCY' | 'JOB_FAILURE'>;
}

/** Injected faults, consulted once per Voice ID request, in the order they were added. */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(rule: Omit<FaultRule, 'rate' | 'latencyMs'> & { rate?: number; latencyMs?: number }): void {
    this.rules.push({ ...rule, rate: rule.rate ?? 1, latencyMs: rule.latencyMs ?? 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  plan(operation: string, random: () => number = Math.random): FaultPlan {
    let delayMs = 0;
    let failure: FaultPlan['failure'];
    for (const rule of this.rules) {
      if (rule.type === 'JOB_FAILURE') continue;
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.type !== 'LATENCY' && failure) continue;
      if (random() >= rule.rate) continue;
      if (rule.remaining !== undefined) rule.remaining--;
      if (rule.type === 'LATENCY') delayMs += rule.latencyMs;
      else failure = rule.type as Exclude<FaultType, 'LATENCY' | 'JOB_FAILURE'>;
    }
    this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    return { delayMs, failure };
  }

  /** Whether a job this start creates is to fail (a `JOB_FAILURE` rule for the operation); uses up one hit. */
  takeJobFailure(operation: string, random: () => number = Math.random): boolean {
    const rule = this.rules.find((r) => r.type === 'JOB_FAILURE' && (r.operation === '*' || r.operation === operation) && (r.remaining === undefined || r.remaining > 0) && random() < r.rate);
    if (!rule) return false;
    if (rule.remaining !== undefined) rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    return true;
  }
}

/**
 * Per-operation TPS limits as token buckets (burst = one second's worth). They run on real time, not the
 * emulated clock, because the clients being throttled live in real time.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tps: number; tokens: number; at: number }>();

  set(operation: string, tps: number | null): void {
    if (tps === null || tps <= 0) this.buckets.delete(operation);
    else this.buckets.set(operation, { tps, tokens: tps, at: Date.now() });
  }

  clear(): void {
    this.buckets.clear();
  }

  list(): Record<string, number> {
    return Object.fromEntries([...this.buckets].map(([op, b]) => [op, b.tps]));
  }

  /** Takes a token for the operation (and for `*`, if set); false means throttle. */
  tryAcquire(operation: string): boolean {
    for (const key of [operation, '*']) {
      const b = this.buckets.get(key);
      if (!b) continue;
      const now = Date.now();
      b.tokens = Math.min(b.tps, b.tokens + ((now - b.at) / 1000) * b.tps);
      b.at = now;
      if (b.tokens < 1) return false;
      b.tokens -= 1;
    }
    return true;
  }
}
