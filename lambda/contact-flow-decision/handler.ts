/**
 * Amazon Connect contact-flow decision Lambda (synchronous "Invoke AWS Lambda function" block).
 *
 * Thin adapter: parse the event, call the use case, map the result or a typed error to the
 * STRING_MAP response (in `adapters/connect-response.ts`), log and count it. Never throws: Connect
 * would retry a throwing Lambda and then take the Error branch, after spending the 8 s.
 *
 * Cold start reads the configuration once. A bad configuration is logged loudly (naming the variable)
 * and every invocation then answers ERROR / CONFIGURATION_ERROR: it never authenticates anyone.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { VoiceIDClient } from '@aws-sdk/client-voice-id';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { EnvironmentError, type EnvironmentSource } from '../shared/env';
import { parseConnectEvent, wellFormedContactIdOf } from './adapters/connect-event';
import { type ConnectDecisionResponse, type DecisionAnswer, errorAnswer, toConnectResponse } from './adapters/connect-response';
import { DynamoDbDecisionStore } from './adapters/decision-store';
import { SdkVoiceIdGateway } from './adapters/voice-id-gateway';
import { type DecisionLambdaConfig, loadConfig } from './config';
import { ConfigurationError, InvalidEventError } from './domain/errors';
import { DECISION_NOT_RECORDED, evaluateCaller, recordRejectedEvent, type EvaluateCallerDependencies } from './use-case/evaluate-caller';

/** Kept free of the Lambda's own remaining time for serialising the answer and flushing metrics. */
export const HANDLER_SAFETY_MARGIN_MS = 300;

export interface Runtime {
  readonly config: DecisionLambdaConfig;
  readonly deps: EvaluateCallerDependencies;
}

export type RuntimeOrError = { readonly ok: true; readonly runtime: Runtime } | { readonly ok: false; readonly error: ConfigurationError };

/** Reads the configuration and builds the SDK clients, once. Never throws. */
export function createRuntime(env: EnvironmentSource, log: Logger): RuntimeOrError {
  try {
    const config = loadConfig(env);
    // maxAttempts 1: the use case retries inside its own deadline.
    const voiceIdClient = new VoiceIDClient({ maxAttempts: 1 });
    const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    return {
      ok: true,
      runtime: {
        config,
        deps: {
          voiceId: new SdkVoiceIdGateway(voiceIdClient, config.voiceIdDomainId),
          store: new DynamoDbDecisionStore(documentClient, config.decisionsTableName),
          clock: { now: () => Date.now() },
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          random: Math.random,
        },
      },
    };
  } catch (error: unknown) {
    const variable = error instanceof EnvironmentError ? error.variable : undefined;
    const message = error instanceof Error ? error.message : 'Invalid configuration';
    log.critical('Invalid configuration: every invocation will answer ERROR/CONFIGURATION_ERROR', { variable, configurationError: message });
    return { ok: false, error: new ConfigurationError(variable ? `ENV_${variable}` : 'ENV_INVALID', message, { cause: error }) };
  }
}

export interface HandlerDependencies {
  readonly runtime: RuntimeOrError;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** When the environment's init phase started and ended (epoch ms); absent outside Lambda. */
  readonly init?: InitTiming;
}

/** The init phase of this execution environment. */
export interface InitTiming {
  readonly startedAt: number;
  readonly endedAt: number;
  /**
   * `AWS_LAMBDA_INITIALIZATION_TYPE`: `on-demand`, `provisioned-concurrency` or `snap-start`. Only an
   * on-demand init can have kept a caller waiting.
   */
  readonly type?: string;
}

/**
 * An invocation that starts within this long after init ended is the one init ran for: Connect has been
 * waiting through init. Later, the environment was initialized ahead of demand and nobody waited.
 */
export const INIT_FOLLOWED_DIRECTLY_MS = 250;

/**
 * How long Connect has already waited when the first invocation starts. Connect's 8 s include a cold
 * start's init, Lambda's own timeout does not; but an environment initialized ahead of its first call
 * (provisioned concurrency, or Lambda initializing before demand) kept nobody waiting.
 */
export function initWaitMs(init: InitTiming | undefined, invocationStartedAt: number): number {
  if (!init || (init.type !== undefined && init.type !== 'on-demand')) return 0;
  if (invocationStartedAt - init.endedAt > INIT_FOLLOWED_DIRECTLY_MS) return 0;
  return Math.max(0, invocationStartedAt - init.startedAt);
}

export type DecisionHandler = (event: unknown, context: Context) => Promise<ConnectDecisionResponse>;

export function createHandler({ runtime, logger, metrics, init }: HandlerDependencies): DecisionHandler {
  let firstInvocation = true;
  return async (event, context) => {
    const startedAt = Date.now();
    const initMs = firstInvocation ? initWaitMs(init, startedAt) : 0;
    firstInvocation = false;
    let answer: DecisionAnswer;
    if (!runtime.ok) {
      answer = errorAnswer(runtime.error);
    } else {
      const { config, deps } = runtime.runtime;
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY;
      // One budget for everything this invocation does, evaluation or recording a rejected event alike.
      const settings = {
        deploymentPolicy: config.policy,
        policyVersion: config.policyVersion,
        retentionDays: config.retentionDays,
        budgetMs: Math.max(0, Math.min(config.budgetMs - initMs, remaining - HANDLER_SAFETY_MARGIN_MS)),
        pollIntervalMs: config.pollIntervalMs,
      };
      try {
        logger.addContext(context);
        const input = parseConnectEvent(event);
        logger.appendKeys({ contactId: input.contactId });
        answer = await evaluateCaller(input, deps, settings, startedAt);
      } catch (error: unknown) {
        answer = errorAnswer(error, config.policyVersion);
        const contactId = error instanceof InvalidEventError ? wellFormedContactIdOf(event) : undefined;
        if (contactId) {
          logger.appendKeys({ contactId });
          answer = { ...answer, ...(await recordRejectedEvent(contactId, answer.error!, deps, settings, startedAt)) };
        }
      }
    }
    let response: ConnectDecisionResponse;
    try {
      response = toConnectResponse(answer);
    } catch {
      // Mapping is pure and tested; should it ever fail, the caller still gets a well-formed ERROR.
      response = toConnectResponse(errorAnswer(new Error('response mapping failed')));
    }
    observe(answer, response, Date.now() - startedAt, logger, metrics);
    return response;
  };
}

/** One structured log line and the metrics for one answer. Caller identifiers never appear; observing never throws. */
function observe(answer: DecisionAnswer, response: ConnectDecisionResponse, elapsedMs: number, logger: Logger, metrics: Metrics): void {
  try {
    const summary = {
      decision: response.decision,
      reason: response.reason,
      errorCode: response.errorCode || undefined,
      recordStatus: response.recordStatus,
      decisionId: response.decisionId || undefined,
      policyVersion: response.policyVersion || undefined,
      streamingStatus: response.streamingStatus || undefined,
      authenticationDecision: response.authenticationDecision,
      fraudDecision: response.fraudDecision,
      voiceIdCalls: answer.voiceIdCalls,
      retries: answer.retries ?? 0,
      elapsedMs,
    };
    if (answer.error) logger.warn('Decision: ERROR', { ...summary, error: describeError(answer.error) });
    else logger.info(`Decision: ${response.decision}`, summary);
    if (answer.recordError) {
      // Under a required record the answer was lowered to NOT_AUTHENTICATED; a write that timed out may still have
      // stored the AUTHENTICATED it carried, and this line is what tells an auditor the caller was not let through.
      const outcome = answer.reason === DECISION_NOT_RECORDED ? 'answered NOT_AUTHENTICATED instead (the table may still hold the AUTHENTICATED record if the write timed out after succeeding)' : 'the decision stands';
      logger.error(`Decision not recorded; ${outcome}`, { ...summary, recordError: describeError(answer.recordError) });
    }

    metrics.addMetric(`Decision_${response.decision}`, MetricUnit.Count, 1);
    metrics.addMetric('EvaluationLatency', MetricUnit.Milliseconds, elapsedMs);
    metrics.addMetric('VoiceIdCalls', MetricUnit.Count, answer.voiceIdCalls);
    metrics.addMetric('VoiceIdRetries', MetricUnit.Count, answer.retries ?? 0);
    if (answer.decision === 'ERROR') {
      metrics.addMetric('DecisionErrors', MetricUnit.Count, 1);
      metrics.addMetric(`Error_${response.errorCode}`, MetricUnit.Count, 1);
    }
    if (answer.recordError) metrics.addMetric('RecordFailures', MetricUnit.Count, 1);
    if (answer.recordStatus === 'DUPLICATE') metrics.addMetric('DuplicateDecisions', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  } catch {
    // Observability must never cost the caller an answer.
  } finally {
    try {
      logger.resetKeys();
    } catch {
      // ignore
    }
  }
}

/** Name, code and detail of an error and of its cause; never messages from outside this code, never request data. */
function describeError(error: Error): Record<string, unknown> {
  const cause = (error as { cause?: unknown }).cause;
  const causeShape = typeof cause === 'object' && cause !== null ? (cause as { name?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } }) : undefined;
  return {
    name: error.name,
    message: error.message,
    errorCode: (error as { errorCode?: unknown }).errorCode,
    detail: (error as { detail?: unknown }).detail,
    parameter: (error as { parameter?: unknown }).parameter,
    causeName: typeof causeShape?.name === 'string' ? causeShape.name : undefined,
    httpStatusCode: causeShape?.$metadata?.httpStatusCode,
    awsRequestId: causeShape?.$metadata?.requestId,
  };
}

// In Lambda, the process starts with the init phase, so its uptime covers the runtime's bootstrap and loading
// the whole bundle, not just this module. Anywhere else (tests, scripts) the process is older than the module.
const initStartedAt = process.env.AWS_LAMBDA_FUNCTION_NAME ? Date.now() - process.uptime() * 1000 : undefined;
const logger = new Logger();
const metrics = new Metrics();
const runtime = createRuntime(process.env, logger);
const init = initStartedAt === undefined ? undefined : { startedAt: initStartedAt, endedAt: Date.now(), type: process.env.AWS_LAMBDA_INITIALIZATION_TYPE };

/** The Lambda entry point: `lambda/contact-flow-decision/handler.handler`. */
export const handler: DecisionHandler = createHandler({ runtime, logger, metrics, init });
