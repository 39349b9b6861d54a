/**
 * Use case: decide about one caller within a hard deadline.
 *
 * 1. Ask Voice ID (EvaluateSession). While the policy's answer is RETRY (speech still pending and the
 *    stream still open), ask again every `pollIntervalMs`, as long as the wait budget allows. The spacing
 *    keeps one contact from burning the account's 60 TPS EvaluateSession quota.
 * 2. Throttling, 5xx, network errors and call timeouts are retried with full-jitter exponential backoff,
 *    inside the same budget. The SDK client makes a single attempt per call (`maxAttempts: 1`) because
 *    its own retry strategy knows nothing about this deadline.
 * 3. Every Voice ID call is given a timeout that ends no later than `deadline - recordReserveMs`, so
 *    there is always time left to record and answer. When the budget runs out the answer is RETRY
 *    (a usable "speech pending" result was seen) or ERROR (no usable result); the Lambda never times out.
 * 4. The decision is recorded. By default (`decisionRecord: BEST_EFFORT`) a failure to record does NOT
 *    change the decision: the caller still gets the real answer, with `recordStatus: FAILED` and an empty
 *    `decisionId`; the handler counts it in the `RecordFailures` metric. (Failing the call instead would
 *    punish the caller for an audit-trail outage; an un-recorded AUTHENTICATED is visible in that metric
 *    and in the logs.) With `decisionRecord: REQUIRED` an AUTHENTICATED that could not be recorded is
 *    answered NOT_AUTHENTICATED (`DECISION_NOT_RECORDED`); every other decision keeps its answer, since
 *    none of them grants anything and a HIGH_RISK must reach the flow whatever the table does.
 *
 * Failures never authenticate anyone: every error path ends in ERROR.
 */
import { decide, type CallerDecision, type Verdict } from '../domain/decision-policy';
import { buildDecisionRecord, type DecisionRecord } from '../domain/decision-record';
import { DeadlineExceededError, type DecisionError, InternalError, VoiceIdError, VoiceIdUnexpectedResponseError } from '../domain/errors';
import { type DeploymentPolicy, effectivePolicy, type EffectivePolicy, UNKNOWN_WATCHLIST } from '../domain/policy';
import { bindToClaim, type VoiceIdEvaluation } from '../domain/voice-id-outcome';
import type { ContactFlowInput } from '../adapters/connect-event';
import type { DecisionStore, RecordStatus } from '../adapters/decision-store';
import type { VoiceIdGateway } from '../adapters/voice-id-gateway';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface EvaluateCallerDependencies {
  readonly voiceId: VoiceIdGateway;
  readonly store: DecisionStore;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  /** Numbers in [0, 1): backoff jitter and unique record keys. */
  readonly random: () => number;
}

export interface EvaluateCallerSettings {
  readonly deploymentPolicy: DeploymentPolicy;
  readonly policyVersion: string;
  readonly retentionDays: number;
  /** Total budget from `startedAt`: the hard deadline. */
  readonly budgetMs: number;
  /** Spacing of EvaluateSession calls while speech is pending. */
  readonly pollIntervalMs: number;
  /** Kept free at the end of the budget for recording and answering. Default 1000. */
  readonly recordReserveMs?: number;
  /** Upper bound of one EvaluateSession call. Default 2500. */
  readonly callTimeoutMs?: number;
  /** No call is started with less time than this before the Voice ID deadline. Default 250. */
  readonly minCallTimeMs?: number;
  /** Backoff base and cap for retried errors. Defaults 100 and 1000. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Retries of failed calls (not polls). Default 3. */
  readonly maxErrorRetries?: number;
}

export type RecordOutcome = RecordStatus | 'FAILED';

export interface CallerDecisionResult {
  readonly contactId: string;
  readonly decision: CallerDecision;
  /** Machine code: the policy reason, or the error's detail. */
  readonly reason: string;
  readonly error?: DecisionError;
  readonly evaluation?: VoiceIdEvaluation;
  readonly policy: EffectivePolicy;
  readonly voiceIdCalls: number;
  /** Failed calls that were asked again. */
  readonly retries: number;
  readonly decisionId: string;
  readonly recordStatus: RecordOutcome;
  /** Why the record failed, when it did. */
  readonly recordError?: Error;
  readonly elapsedMs: number;
}

const DEFAULTS = {
  recordReserveMs: 1000,
  callTimeoutMs: 2500,
  minCallTimeMs: 250,
  backoffBaseMs: 100,
  backoffMaxMs: 1000,
  maxErrorRetries: 3,
} as const;

/** Reason of the NOT_AUTHENTICATED answered for an AUTHENTICATED that a `REQUIRED` record could not back. */
export const DECISION_NOT_RECORDED = 'DECISION_NOT_RECORDED';

/** Below this, recording is not attempted at all (it could not finish before the deadline). */
const MIN_RECORD_TIME_MS = 50;

/**
 * @param startedAt epoch ms the budget counts from (the handler's start)
 * @throws nothing: every failure becomes an ERROR result
 */
export async function evaluateCaller(
  input: ContactFlowInput,
  deps: EvaluateCallerDependencies,
  settings: EvaluateCallerSettings,
  startedAt: number = deps.clock.now(),
): Promise<CallerDecisionResult> {
  const s = { ...DEFAULTS, ...definedOnly(settings) };
  const deadline = startedAt + s.budgetMs;
  const voiceIdDeadline = deadline - s.recordReserveMs;
  const policy = effectivePolicy(settings.deploymentPolicy, settings.policyVersion, input.policyOverrides);
  // The watchlist a LOW_RISK must come from: configured, or the domain's default, learned alongside the first evaluation.
  const watchlist: Promise<TrustedWatchlist> =
    policy.watchlistId !== undefined
      ? Promise.resolve({ watchlistId: policy.watchlistId, watchlistIsDomainDefault: false })
      : deps.voiceId
          .defaultWatchlistId({ timeoutMs: Math.max(0, voiceIdDeadline - deps.clock.now()) })
          .then((id) => ({ watchlistId: id ?? UNKNOWN_WATCHLIST, watchlistIsDomainDefault: id !== undefined }));

  const evaluated = await evaluateWithinBudget(input, policy, watchlist, deps, s, voiceIdDeadline);
  // Recorded and answered: the policy the verdict was reached under, the watchlist it trusted included.
  const decidedUnder = evaluated.decidedUnder ?? policy;

  const decision: CallerDecision = evaluated.verdict?.decision ?? 'ERROR';
  const reason = evaluated.verdict?.reason ?? evaluated.error?.detail ?? 'UNKNOWN';
  const record = buildDecisionRecord(
    {
      contactId: input.contactId,
      sessionName: input.sessionName,
      decision,
      reason,
      errorCode: evaluated.error?.errorCode,
      evaluation: evaluated.evaluation,
      policy: decidedUnder,
      voiceIdCalls: evaluated.calls,
    },
    deps.clock.now(),
    settings.retentionDays,
    deps.random,
  );

  const { recordStatus, decisionId, recordError } = await recordWithin(record, deps, deadline);
  const unrecordedAuthentication = decision === 'AUTHENTICATED' && recordStatus === 'FAILED' && policy.decisionRecord === 'REQUIRED';

  return {
    contactId: input.contactId,
    ...(unrecordedAuthentication ? { decision: 'NOT_AUTHENTICATED', reason: DECISION_NOT_RECORDED } : { decision, reason }),
    error: evaluated.error,
    evaluation: evaluated.evaluation,
    policy: decidedUnder,
    voiceIdCalls: evaluated.calls,
    retries: evaluated.retries,
    decisionId,
    recordStatus,
    recordError,
    elapsedMs: deps.clock.now() - startedAt,
  };
}

interface Recorded {
  readonly recordStatus: RecordOutcome;
  readonly decisionId: string;
  readonly recordError?: Error;
}

/** Stores a record if there is time left before the deadline. Never throws: a failure is returned. */
async function recordWithin(record: DecisionRecord, deps: EvaluateCallerDependencies, deadline: number): Promise<Recorded> {
  const recordTime = deadline - deps.clock.now();
  if (recordTime < MIN_RECORD_TIME_MS) {
    return { recordStatus: 'FAILED', decisionId: '', recordError: new Error(`No time left to record the decision (${recordTime} ms)`) };
  }
  try {
    const stored = await deps.store.record(record, { timeoutMs: recordTime });
    return { recordStatus: stored.status, decisionId: stored.decisionId };
  } catch (error: unknown) {
    return { recordStatus: 'FAILED', decisionId: '', recordError: error instanceof Error ? error : new Error('Recording the decision failed') };
  }
}

/**
 * Records the ERROR answered to an event that was rejected (a malformed flow parameter, say) but names a
 * well-formed contact: the audit trail shows that this contact was not evaluated, and why.
 */
export async function recordRejectedEvent(
  contactId: string,
  error: DecisionError,
  deps: EvaluateCallerDependencies,
  settings: Pick<EvaluateCallerSettings, 'deploymentPolicy' | 'policyVersion' | 'retentionDays' | 'budgetMs'>,
  startedAt: number = deps.clock.now(),
): Promise<Recorded> {
  const record = buildDecisionRecord(
    {
      contactId,
      sessionName: contactId,
      decision: 'ERROR',
      reason: error.detail,
      errorCode: error.errorCode,
      policy: effectivePolicy(settings.deploymentPolicy, settings.policyVersion, {}),
      voiceIdCalls: 0,
    },
    deps.clock.now(),
    settings.retentionDays,
    deps.random,
  );
  return recordWithin(record, deps, startedAt + settings.budgetMs);
}

interface Evaluated {
  /** Set when a usable answer was obtained. */
  readonly verdict?: Verdict;
  readonly evaluation?: VoiceIdEvaluation;
  /** Set when no usable answer was obtained. */
  readonly error?: DecisionError;
  readonly calls: number;
  readonly retries: number;
  /** The policy the answer was decided under (with the watchlist it trusted), when one was decided on. */
  readonly decidedUnder?: EffectivePolicy;
}

type Settings = Required<Omit<EvaluateCallerSettings, 'deploymentPolicy'>> & Pick<EvaluateCallerSettings, 'deploymentPolicy'>;

type TrustedWatchlist = Pick<EffectivePolicy, 'watchlistId' | 'watchlistIsDomainDefault'>;

async function evaluateWithinBudget(
  { sessionName, claimedCustomerId }: ContactFlowInput,
  basePolicy: EffectivePolicy,
  trustedWatchlist: Promise<TrustedWatchlist>,
  { voiceId, clock, sleep, random }: EvaluateCallerDependencies,
  s: Settings,
  voiceIdDeadline: number,
): Promise<Evaluated> {
  let calls = 0;
  let retries = 0;
  let latest: { evaluation: VoiceIdEvaluation; verdict: Verdict } | undefined;
  let lastError: VoiceIdError | undefined;
  const timeLeft = (): number => voiceIdDeadline - clock.now();

  // Only a LOW_RISK is judged against the watchlist: any other answer is decided without waiting for the lookup.
  let checked: EffectivePolicy | undefined;
  const policyToDecide = async (answer: { fraud?: { decision: string } } | undefined): Promise<EffectivePolicy> => {
    if (checked) return checked;
    if (answer?.fraud?.decision !== 'LOW_RISK') return { ...basePolicy, watchlistId: UNKNOWN_WATCHLIST };
    return (checked = { ...basePolicy, ...(await trustedWatchlist) });
  };

  while (timeLeft() >= s.minCallTimeMs) {
    calls++;
    try {
      const answer = await voiceId.evaluateSession(sessionName, { timeoutMs: Math.min(s.callTimeoutMs, timeLeft()) });
      const policy = await policyToDecide(answer);
      // The claimed customer id is compared here and goes no further: the evaluation holds only whether it matched.
      const evaluation = bindToClaim(answer, claimedCustomerId);
      lastError = undefined;
      latest = { evaluation, verdict: decide(evaluation, policy, clock.now()) };
      if (latest.verdict.decision !== 'RETRY') break;
      // Speech pending while the stream is open: ask again after the poll interval, if there is time.
      if (timeLeft() - s.pollIntervalMs < s.minCallTimeMs) break;
      await sleep(s.pollIntervalMs);
    } catch (error: unknown) {
      lastError = error instanceof VoiceIdError ? error : undefined;
      if (!lastError) return { error: new InternalError('VOICE_ID_GATEWAY_FAILED', 'The Voice ID gateway failed unexpectedly', { cause: error }), calls, retries };
      // An answer came that nobody can read (it may hold a fraud signal): the earlier "speech pending" is no
      // longer Voice ID's latest word, so it must not stand in for it.
      if (lastError instanceof VoiceIdUnexpectedResponseError) {
        latest = fraudSignalIn(lastError, claimedCustomerId, await policyToDecide(lastError.partialAnswer), clock.now());
        break;
      }
      // A pending answer already seen is still the honest answer to a call that failed (RETRY); do not turn it into ERROR.
      if (latest) break;
      if (!lastError.retryable || retries >= s.maxErrorRetries) break;
      const delay = Math.floor(random() * Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** retries));
      if (timeLeft() - delay < s.minCallTimeMs) break;
      retries++;
      await sleep(delay);
    }
  }

  if (latest) return { ...latest, calls, retries, decidedUnder: checked };
  // The last failure names the problem (VOICE_ID_THROTTLED after retries, DEADLINE_EXCEEDED for timeouts, ...).
  if (lastError) return { error: lastError, calls, retries, decidedUnder: checked };
  return { error: new DeadlineExceededError('NO_TIME_FOR_VOICE_ID', 'The budget left no time to call Voice ID'), calls, retries, decidedUnder: checked };
}

/**
 * What an answer that could not be read properly may still decide: a fraud signal in it makes the caller
 * HIGH_RISK (a new timestamp format must not turn a known fraudster into an ERROR routed like any caller), and
 * speech still pending is RETRY. Anything else it says is not trusted, and the call ends in ERROR.
 */
function fraudSignalIn(error: VoiceIdUnexpectedResponseError, claimedCustomerId: string | undefined, policy: EffectivePolicy, nowMs: number): { evaluation: VoiceIdEvaluation; verdict: Verdict } | undefined {
  if (!error.partialAnswer) return undefined;
  const evaluation = bindToClaim(error.partialAnswer, claimedCustomerId);
  const verdict = decide(evaluation, policy, nowMs);
  // "Speech pending" never authenticates either, and keeps the flow asking rather than routing a caller whose fraud
  // check has not finished like any other (a field Voice ID now sends in a new format must not end every screening).
  return verdict.decision === 'HIGH_RISK' || verdict.decision === 'RETRY' ? { evaluation, verdict } : undefined;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
