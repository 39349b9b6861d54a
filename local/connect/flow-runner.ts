/**
 * A small interpreter of Amazon Connect's flow language (Version 2019-10-30) for one voice contact: it runs a
 * rendered flow's actions the way Connect does, as far as the shipped flows use them, and leaves everything
 * the caller hears, says or reaches to a {@link ContactCenter} (the local stack, or a fake in unit tests).
 *
 * What each action does here:
 * - `UpdateContactAttributes`: sets attributes; `$.Attributes.x`, `$.External.x` and `$.CustomerId` are resolved.
 * - `UpdateContactData`: `CustomerId` sets the contact's Customer ID (Voice ID's speaker follows it); the Voice ID
 *   keys are kept for the next `StartVoiceIdStream`.
 * - `StartVoiceIdStream`: starts streaming with those settings; `CheckVoiceId` (`enrollmentStatus`): branches on
 *   the Customer ID's enrollment, the error branch when Voice ID refuses the id.
 * - `MessageParticipant`: the prompt plays (the caller is silent); `GetParticipantInput`: the prompt plays, then
 *   the caller talks for `InputTimeLimitSeconds` (no key press: with `StoreInput` True the timeout is the success
 *   branch, with False it is the `InputTimeLimitExceeded` error).
 * - `InvokeLambdaFunction`: invokes with `LambdaInvocationAttributes` resolved; a response that is not a flat
 *   string map, or a failed invocation, takes the error branch; the answer becomes `$.External`.
 * - `TransferToFlow`: continues in the flow of that ARN among `flows` (the error branch for any other).
 * - `Compare` (`Equals` and the documented text and number operators), `UpdateContactTargetQueue`,
 *   `TransferContactToQueue` and `DisconnectParticipant` (both end the run).
 * Any other action type fails the run: the runner never pretends to know what an action does.
 */
import type { FlowAction, FlowDocument } from '../../lib/constructs/connect-flow';

/** The Voice ID settings a Set Voice ID block (UpdateContactData) gives the stream. */
export interface VoiceIdStreamSettings {
  readonly authenticationEnabled: boolean;
  readonly fraudDetectionEnabled: boolean;
  readonly authenticationThreshold?: number;
  readonly authenticationResponseTimeSeconds?: number;
  readonly fraudThreshold?: number;
  readonly watchlistId?: string;
}

export type EnrollmentStatus = 'Enrolled' | 'NotEnrolled' | 'OptedOut';

/** What the flow does to the world: Voice ID, the caller, the Lambda. Every method may throw to take the error branch. */
export interface ContactCenter {
  startVoiceIdStream(settings: VoiceIdStreamSettings, customerId: string | undefined): Promise<void>;
  /** The Customer ID changed (once streaming runs, Voice ID's session follows it). */
  setCustomerId(customerId: string): Promise<void>;
  checkEnrollment(customerId: string | undefined): Promise<EnrollmentStatus>;
  /** A prompt plays for its length: the caller listens. */
  play(text: string): Promise<void>;
  /** The caller speaks for `seconds`; contact attributes the IVR changed meanwhile (a caller switching accounts, say) come back. */
  listen(seconds: number): Promise<void | { readonly attributes?: Record<string, string> }>;
  /** Invokes the function; an answer later than `timeLimitSeconds` (the block's InvocationTimeLimitSeconds) must fail. */
  invokeLambda(functionArn: string, parameters: Record<string, string>, contact: { customerId?: string }, timeLimitSeconds: number): Promise<unknown>;
}

export interface FlowRun {
  readonly attributes: Record<string, string>;
  readonly customerId?: string;
  readonly invocations: number;
  /** The action the run ended on (a transfer or a disconnect). */
  readonly end: FlowAction;
  readonly targetQueue?: string;
  readonly visited: string[];
}

export class FlowRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowRunError';
  }
}

const VOICE_ID_KEYS = ['IsVoiceIdStreamingEnabled', 'IsVoiceAuthenticationEnabled', 'IsFraudDetectionEnabled', 'VoiceAuthenticationThreshold', 'VoiceAuthenticationResponseTime', 'FraudDetectionThreshold', 'WatchlistId'];

export interface RunOptions {
  /** Contact attributes when the contact enters the flow. */
  readonly attributes?: Record<string, string>;
  /** The working queue the flow that transferred the contact here set (`TransferContactToQueue` without one fails). */
  readonly workingQueue?: string;
  /**
   * How a reference to something absent (an attribute never set) compares: `''` (the default; what the shipped flow's
   * claim check assumes), or `'no-match'`: equal to nothing, since Connect documents a NULL check only through a Lambda.
   */
  readonly absentValues?: '' | 'no-match';
  /** Flows a `TransferToFlow` may go to, by ARN (the contact stays the same: attributes, Customer ID, streaming). */
  readonly flows?: Readonly<Record<string, FlowDocument>>;
  readonly maxSteps?: number;
}

export async function runFlow(flow: FlowDocument, center: ContactCenter, initial: RunOptions = {}): Promise<FlowRun> {
  let byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const attributes: Record<string, string> = { ...initial.attributes };
  let external: Record<string, string> = {};
  let customerId: string | undefined;
  let voiceId: Record<string, string> = {};
  let targetQueue: string | undefined = initial.workingQueue;
  let invocations = 0;
  const visited: string[] = [];

  /** A reference's value; undefined when it names something absent. */
  const lookup = (value: string): string | undefined => {
    if (value.startsWith('$.External.')) return external[value.slice('$.External.'.length)];
    if (value.startsWith('$.Attributes.')) return attributes[value.slice('$.Attributes.'.length)];
    if (value === '$.CustomerId') return customerId;
    if (value.startsWith('$.')) throw new FlowRunError(`reference ${value} is not supported by the flow runner`);
    return value;
  };
  // Everywhere but Compare, something absent reads as an empty value.
  const resolve = (value: string): string => lookup(value) ?? '';
  const errorTarget = (action: FlowAction, type: string): string => {
    const target = action.Transitions.Errors?.find((e) => e.ErrorType === type)?.NextAction;
    if (target === undefined) throw new FlowRunError(`${action.Identifier} (${action.Type}) has no ${type} branch`);
    return target;
  };
  const success = (action: FlowAction): string => {
    if (!action.Transitions.NextAction) throw new FlowRunError(`${action.Identifier} (${action.Type}) has no NextAction`);
    return action.Transitions.NextAction;
  };
  /** Runs an effect: its success continues with `onSuccess`, a failure takes the NoMatchingError branch. */
  const attempt = async (action: FlowAction, effect: () => Promise<void>, onSuccess: () => string = () => success(action)): Promise<string> => {
    try {
      await effect();
    } catch (error: unknown) {
      if (error instanceof FlowRunError) throw error;
      return errorTarget(action, 'NoMatchingError');
    }
    return onSuccess();
  };

  let action = byId.get(flow.StartAction);
  for (let step = 0; step < (initial.maxSteps ?? 500); step++) {
    if (!action) throw new FlowRunError(`transition to an action that does not exist after ${visited.at(-1) ?? 'the start'}`);
    visited.push(action.Identifier);
    const p = action.Parameters as Record<string, unknown>;
    const current = action;
    let next: string;
    switch (action.Type) {
      case 'DisconnectParticipant':
        return { attributes, customerId, invocations, end: action, targetQueue, visited };
      case 'TransferContactToQueue':
        // Without a working queue (none set by this flow or the one before it) the transfer fails.
        if (targetQueue === undefined) {
          next = errorTarget(action, 'NoMatchingError');
          break;
        }
        return { attributes, customerId, invocations, end: action, targetQueue, visited };
      case 'UpdateContactAttributes':
        for (const [key, value] of Object.entries(p.Attributes as Record<string, string>)) attributes[key] = resolve(value);
        next = success(action);
        break;
      case 'UpdateContactTargetQueue':
        targetQueue = p.QueueId as string;
        next = success(action);
        break;
      case 'UpdateContactData':
        next = await attempt(action, async () => {
          for (const key of VOICE_ID_KEYS) if (typeof p[key] === 'string') voiceId = { ...voiceId, [key]: p[key] as string };
          if (typeof p.CustomerId === 'string') {
            const value = resolve(p.CustomerId);
            if (value === '') throw new Error('empty Customer ID');
            customerId = value;
            await center.setCustomerId(value);
          }
        });
        break;
      case 'StartVoiceIdStream':
        next = await attempt(action, async () => {
          if (voiceId.IsVoiceIdStreamingEnabled?.toLowerCase() !== 'true') throw new Error('Voice ID streaming is not enabled');
          const flag = (key: string) => voiceId[key]?.toLowerCase() === 'true';
          const num = (key: string) => (voiceId[key] === undefined ? undefined : Number(voiceId[key]));
          await center.startVoiceIdStream(
            {
              authenticationEnabled: flag('IsVoiceAuthenticationEnabled'),
              fraudDetectionEnabled: flag('IsFraudDetectionEnabled'),
              authenticationThreshold: num('VoiceAuthenticationThreshold'),
              authenticationResponseTimeSeconds: num('VoiceAuthenticationResponseTime'),
              fraudThreshold: num('FraudDetectionThreshold'),
              watchlistId: voiceId.WatchlistId,
            },
            customerId,
          );
        });
        break;
      case 'CheckVoiceId': {
        if (p.CheckVoiceIdOption !== 'enrollmentStatus') throw new FlowRunError(`CheckVoiceId option ${String(p.CheckVoiceIdOption)} is not supported by the flow runner`);
        let status: EnrollmentStatus | undefined;
        next = await attempt(
          action,
          async () => {
            status = await center.checkEnrollment(customerId);
          },
          () => conditionTarget(current, status as string) ?? errorTarget(current, 'NoMatchingError'),
        );
        break;
      }
      case 'MessageParticipant':
        next = await attempt(action, () => center.play(String(p.Text ?? '')));
        break;
      case 'GetParticipantInput': {
        const seconds = Number(p.InputTimeLimitSeconds ?? 5);
        await center.play(String(p.Text ?? ''));
        Object.assign(attributes, (await center.listen(seconds))?.attributes);
        if (p.StoreInput === 'True') {
          attributes.StoredCustomerInput = 'Timeout';
          next = success(action);
        } else {
          next = errorTarget(action, 'InputTimeLimitExceeded');
        }
        break;
      }
      case 'InvokeLambdaFunction': {
        invocations++;
        const parameters = Object.fromEntries(Object.entries((p.LambdaInvocationAttributes as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k, resolve(v)]));
        let answer: unknown;
        next = await attempt(
          action,
          async () => {
            answer = await center.invokeLambda(String(p.LambdaFunctionARN), parameters, { customerId }, Number(p.InvocationTimeLimitSeconds ?? 8));
            if (!isStringMap(answer)) throw new Error('response is not a flat string map');
          },
          () => {
            external = answer as Record<string, string>;
            return success(current);
          },
        );
        break;
      }
      case 'TransferToFlow': {
        const target = initial.flows?.[String(p.ContactFlowId)];
        if (!target) {
          next = errorTarget(action, 'NoMatchingError');
          break;
        }
        byId = new Map(target.Actions.map((a) => [a.Identifier, a]));
        next = target.StartAction;
        break;
      }
      case 'Compare': {
        const value = lookup(String(p.ComparisonValue)) ?? (initial.absentValues === 'no-match' ? undefined : '');
        next = (value === undefined ? undefined : conditionTarget(action, value)) ?? errorTarget(action, 'NoMatchingCondition');
        break;
      }
      default:
        throw new FlowRunError(`action type ${action.Type} (${action.Identifier}) is not supported by the flow runner`);
    }
    action = byId.get(next);
  }
  throw new FlowRunError(`no end after ${initial.maxSteps ?? 500} steps: ${visited.slice(-20).join(' > ')}`);
}

function conditionTarget(action: FlowAction, value: string): string | undefined {
  return action.Transitions.Conditions?.find((c) => c.Condition.Operands.some((operand) => compare(c.Condition.Operator, value, operand)))?.NextAction;
}

function compare(operator: string, value: string, operand: string): boolean {
  const a = Number(value);
  const b = Number(operand);
  const numeric = value.trim() !== '' && Number.isFinite(a) && Number.isFinite(b);
  switch (operator) {
    case 'Equals':
      return value === operand;
    case 'TextStartsWith':
      return value.startsWith(operand);
    case 'TextEndsWith':
      return value.endsWith(operand);
    case 'TextContains':
      return value.includes(operand);
    case 'NumberGreaterThan':
      return numeric && a > b;
    case 'NumberGreaterOrEqualTo':
      return numeric && a >= b;
    case 'NumberLessThan':
      return numeric && a < b;
    case 'NumberLessOrEqualTo':
      return numeric && a <= b;
    default:
      throw new FlowRunError(`Compare operator ${operator} is not supported by the flow runner`);
  }
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
