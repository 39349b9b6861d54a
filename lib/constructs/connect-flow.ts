import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Token } from 'aws-cdk-lib';

/**
 * Rendering of the flow-language files in `lib/connect/flows/` into contact-flow `Content`.
 *
 * A flow file is plain Amazon Connect flow language (Version 2019-10-30) with `${Name}` placeholders in
 * string values. Rendering happens in three steps:
 *  1. **Routes** (placeholders used as a `NextAction`) pick the branch a setting selects, e.g. whether
 *     HIGH_RISK callers go to a fraud queue or hear a prompt and are disconnected.
 *  2. **Pruning**: actions no longer reachable from `StartAction` are removed (Connect rejects flows with
 *     unreachable actions), e.g. the retry counters above `maxRetries` or the unused queue transfer.
 *  3. **Values**: a concrete value is written in at synth time; an unresolved token (the function ARN)
 *     stays a `${Name}` placeholder for `Fn::Sub` and is returned in `variables`; an optional value
 *     that is not set removes its key (and an object it leaves empty).
 *
 * The only `${` sequences a flow file may contain are these placeholders (Fn::Sub would choke on any
 * other); Connect's own JSONPath references (`$.External.decision`) have no braces.
 */

/** Where the flow files live. */
export const FLOWS_DIR = path.join(__dirname, '..', 'connect', 'flows');
/** The Voice ID authentication flow file. */
export const VOICE_ID_AUTHENTICATION_FLOW_FILE = path.join(FLOWS_DIR, 'voice-id-authentication.json');

/** `${Name}` placeholders; Name is letters and digits. */
export const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** One action of a flow (the subset this code reads). */
export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: {
    NextAction?: string;
    Errors?: Array<{ NextAction: string; ErrorType: string }>;
    Conditions?: Array<{ NextAction: string; Condition: { Operator: string; Operands: string[] } }>;
  };
}

/** A flow in the Amazon Connect flow language. */
export interface FlowDocument {
  Version: string;
  StartAction: string;
  Actions: FlowAction[];
  Metadata?: unknown;
}

/** A rendered flow: the body (for Fn::Sub) and the variables CloudFormation fills in. */
export interface RenderedFlow {
  /** Flow-language JSON; contains `${Name}` only for the names in `variables`. */
  readonly body: string;
  /** Unresolved values (tokens) by placeholder name. */
  readonly variables: Record<string, string>;
  /** First 12 hex digits of the SHA-256 of the flow file, to tell deployed versions apart. */
  readonly fileDigest: string;
}

export interface RenderInput {
  /** Placeholder names used as `NextAction`, mapped to the action identifier they select. */
  readonly routes: Record<string, string>;
  /** Required values by placeholder name (string, or an unresolved token). */
  readonly values: Record<string, string>;
  /** Optional values: `undefined` removes the key whose whole value is the placeholder. */
  readonly optionalValues?: Record<string, string | undefined>;
}

/** Every action id a transition of `action` can lead to. */
export function successorsOf(action: FlowAction): string[] {
  const t = action.Transitions ?? {};
  return [
    ...(t.NextAction !== undefined && t.NextAction !== '' ? [t.NextAction] : []),
    ...(t.Errors ?? []).map((e) => e.NextAction),
    ...(t.Conditions ?? []).map((c) => c.NextAction),
  ];
}

/** The ids of the actions reachable from `from` (default: StartAction), `from` included. */
export function reachableFrom(flow: FlowDocument, from: string = flow.StartAction): Set<string> {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const action = byId.get(id);
    if (action) stack.push(...successorsOf(action));
  }
  return seen;
}

/** Reads a flow file, refusing `${...}` sequences that are not placeholders. */
export function readFlowFile(file: string): { text: string; flow: FlowDocument } {
  const text = fs.readFileSync(file, 'utf8');
  const withoutPlaceholders = text.replace(PLACEHOLDER, '');
  if (withoutPlaceholders.includes('${')) {
    throw new Error(`${path.basename(file)} contains a '\${' that is not a \${Name} placeholder; Fn::Sub would reject the flow content`);
  }
  return { text, flow: JSON.parse(text) as FlowDocument };
}

/** Renders a flow file; see the module comment for the steps. */
export function renderFlowFile(file: string, input: RenderInput): RenderedFlow {
  const { text, flow } = readFlowFile(file);
  const name = path.basename(file);

  // 1. Routes.
  const route = (target: string): string => {
    const match = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(target);
    if (!match) return target;
    const selected = input.routes[match[1]];
    if (selected === undefined) throw new Error(`${name}: no route given for NextAction placeholder \${${match[1]}}`);
    return selected;
  };
  for (const action of flow.Actions) {
    const t = action.Transitions ?? {};
    if (t.NextAction !== undefined) t.NextAction = route(t.NextAction);
    for (const e of t.Errors ?? []) e.NextAction = route(e.NextAction);
    for (const c of t.Conditions ?? []) c.NextAction = route(c.NextAction);
  }

  // 2. Pruning.
  const reachable = reachableFrom(flow);
  flow.Actions = flow.Actions.filter((a) => reachable.has(a.Identifier));
  const ids = new Set(flow.Actions.map((a) => a.Identifier));
  for (const action of flow.Actions) {
    for (const target of successorsOf(action)) {
      if (!ids.has(target)) throw new Error(`${name}: action '${action.Identifier}' leads to '${target}', which does not exist`);
    }
  }

  // 3. Values.
  const variables: Record<string, string> = {};
  const optional = input.optionalValues ?? {};
  const substitute = (value: string): string | undefined => {
    const whole = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(value);
    if (whole && whole[1] in optional && optional[whole[1]] === undefined) return undefined;
    return value.replace(PLACEHOLDER, (_m, key: string) => {
      const v = key in input.values ? input.values[key] : optional[key];
      if (v === undefined) throw new Error(`${name}: no value given for placeholder \${${key}}`);
      if (Token.isUnresolved(v)) {
        variables[key] = v;
        return `\${${key}}`;
      }
      if (v.includes('${')) throw new Error(`${name}: the value of \${${key}} must not contain '\${'`);
      return v;
    });
  };
  const walk = (node: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') {
        const rendered = substitute(value);
        if (rendered === undefined) delete node[key];
        else node[key] = rendered;
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const child = value as Record<string, unknown>;
        const before = Object.keys(child).length;
        walk(child);
        if (before > 0 && Object.keys(child).length === 0) delete node[key];
      }
    }
  };
  for (const action of flow.Actions) {
    walk(action.Parameters);
  }

  return {
    body: JSON.stringify(flow),
    variables,
    fileDigest: crypto.createHash('sha256').update(text).digest('hex').slice(0, 12),
  };
}

/** The decisions the contact-flow Lambda returns in `decision` (mirrors CALLER_DECISIONS of the Lambda). */
export const FLOW_DECISIONS = ['AUTHENTICATED', 'NOT_AUTHENTICATED', 'HIGH_RISK', 'RETRY', 'INCONCLUSIVE', 'NOT_ENROLLED', 'OPTED_OUT', 'EXPIRED', 'ERROR'] as const;

/** Settings of the Voice ID authentication flow, already validated by the construct. */
export interface VoiceIdAuthenticationFlowSettings {
  /** ARN of the decision Lambda (usually a token). */
  readonly decisionFunctionArn: string;
  /** 0-100. */
  readonly authenticationThreshold: number;
  /** 5-10 seconds of net speech. */
  readonly authenticationResponseTimeSeconds: number;
  /** 0-100. */
  readonly fraudThreshold: number;
  /** 22 alphanumerics; `undefined` uses the domain's default watchlist. */
  readonly watchlistId?: string;
  /** 1-5 extra evaluations after RETRY. */
  readonly maxRetries: number;
  /** Queue HIGH_RISK callers are transferred to; `undefined`: prompt and disconnect. */
  readonly fraudQueueArn?: string;
  /** Queue every other caller is transferred to; `undefined`: the contact's working queue. */
  readonly nextQueueArn?: string;
  /** Flow parameter `minAuthenticationScore` for the Lambda; `undefined`: not sent. */
  readonly minAuthenticationScore?: number;
  /** Whether an AUTHENTICATED whose record failed (`recordStatus` FAILED) is treated as not authenticated. */
  readonly decisionRecordRequired: boolean;
  /** The contact center's own IVR flow, which the `start-streaming` part transfers to; `undefined`: that part is not rendered. */
  readonly ivrFlowArn?: string;
}

/** Highest retry count the flow file has counters for. */
export const MAX_FLOW_RETRIES = 5;
/**
 * Flow-language choices where the reference and what the console exports disagree, pinned by
 * `test/lib/connect/flow-language.test.ts`:
 * - Voice ID switches of UpdateContactData (`IsVoiceIdStreamingEnabled`, ...) are written `"true"`/`"false"`, as the
 *   console exports them (public exports of Set Voice ID blocks); the reference says `"TRUE"`/`"FALSE"`, but an
 *   export is what the import API is known to accept.
 * - The listening window is a Store customer input block (GetParticipantInput with `StoreInput` `"True"`), as in
 *   AWS's Voice ID sample application: for a voice contact GetParticipantInput collects only DTMF, so with
 *   `StoreInput` `"False"` a key press ends it and its timeout is an error branch; storing input, the caller can
 *   speak freely for the whole `InputTimeLimitSeconds` and a timeout continues on the success branch.
 * - The Customer ID is set after Set Voice ID (UpdateContactData + StartVoiceIdStream), as the Set Voice ID block's
 *   documentation orders it, and before Check Voice ID, which needs it.
 * - Whether the claim is present is a Compare of the contact attribute with `""`; Connect documents a NULL check
 *   only through a Lambda, so an absent attribute is taken to compare equal to `""` (the local flow runner does so).
 *   Its characters are checked by Check Voice ID, which fails (error branch) for an id Voice ID would not accept.
 */

/**
 * Seconds of a listening window: Voice ID's response time, so that a caller who speaks through it has given the
 * net speech Voice ID needs by the time the flow invokes the decision function (which waits a little itself).
 */
export function speechWindowSeconds(settings: Pick<VoiceIdAuthenticationFlowSettings, 'authenticationResponseTimeSeconds'>): number {
  return settings.authenticationResponseTimeSeconds;
}

/**
 * The flows rendered from `voice-id-authentication.json`:
 * - `all-in-one`: streaming, the claim, enrollment, a listening window and the decision in one flow (for trying
 *   it out, or for a contact center with no IVR dialogue of its own);
 * - `start-streaming`: the top of an inbound flow: a prompt, Set Voice ID, then on to the contact center's own
 *   IVR flow (`ivrFlowArn`), so that the caller's IVR dialogue (a Lex bot, say) is the speech Voice ID listens to;
 * - `authenticate`: what that IVR transfers to once it has set the `customerId` attribute: the Customer ID,
 *   enrollment, the decision at once (the IVR dialogue was the speech), and a listening window only on RETRY.
 */
export const VOICE_ID_FLOW_PARTS = ['all-in-one', 'start-streaming', 'authenticate'] as const;
export type VoiceIdFlowPart = (typeof VOICE_ID_FLOW_PARTS)[number];

/** Where each part goes after the shared actions (a route is a `${Name}` NextAction placeholder). */
const PART_ROUTES: Record<VoiceIdFlowPart, Record<string, string>> = {
  'all-in-one': {
    AfterResetRoute: 'welcome-prompt',
    AfterWelcomeRoute: 'check-claim',
    ClaimRoute: 'set-voice-id',
    NoClaimRoute: 'set-fraud-screening-only',
    AfterStreamRoute: 'set-customer-id',
    EnrolledRoute: 'collect-speech',
    StreamErrorRoute: 'mark-error',
  },
  'start-streaming': {
    AfterResetRoute: 'welcome-prompt',
    // The claim is not known yet at the top of the inbound flow: authentication and fraud detection both start.
    AfterWelcomeRoute: 'set-voice-id',
    ClaimRoute: 'set-voice-id',
    NoClaimRoute: 'set-voice-id',
    AfterStreamRoute: 'transfer-to-ivr',
    EnrolledRoute: 'invoke-decision',
    // At the top of an inbound flow no queue is set yet: a Voice ID failure must not cost the caller their call.
    StreamErrorRoute: 'mark-streaming-error',
  },
  authenticate: {
    AfterResetRoute: 'check-claim',
    AfterWelcomeRoute: 'check-claim',
    ClaimRoute: 'set-customer-id',
    // Streaming already runs; without a claim only the fraud check can say anything.
    NoClaimRoute: 'invoke-decision',
    AfterStreamRoute: 'set-customer-id',
    EnrolledRoute: 'invoke-decision',
    StreamErrorRoute: 'mark-error',
  },
};

/** What the caller hears before Set Voice ID (Connect needs a prompt there), per part. */
const WELCOME_TEXT: Record<VoiceIdFlowPart, string> = {
  'all-in-one': 'Thank you for calling. To keep your account safe, we check callers by their voice. After the next question, please answer in your own words, in a few sentences.',
  'start-streaming': 'Thank you for calling. To keep your account safe, we check callers by their voice.',
  authenticate: '',
};

/** Renders one part (see {@link VOICE_ID_FLOW_PARTS}) of `voice-id-authentication.json` for one set of settings. */
export function renderVoiceIdAuthenticationFlow(settings: VoiceIdAuthenticationFlowSettings, part: VoiceIdFlowPart = 'all-in-one'): RenderedFlow {
  if (part === 'start-streaming' && settings.ivrFlowArn === undefined) throw new Error('the start-streaming flow needs ivrFlowArn, the flow it transfers to');
  const routes: Record<string, string> = {
    ...PART_ROUTES[part],
    FraudRoute: settings.fraudQueueArn !== undefined ? 'set-fraud-queue' : 'fraud-prompt',
    NextRoute: settings.nextQueueArn !== undefined ? 'set-next-queue' : 'transfer-to-queue',
    // The Lambda already refuses an unrecorded AUTHENTICATED when records are required; the flow checks again,
    // so that a function whose configuration was edited in the console cannot grant it either.
    RecordFailedRoute: settings.decisionRecordRequired ? 'mark-not-recorded' : 'mark-authenticated',
  };
  // After k retries, count the next one while k < maxRetries; otherwise stop retrying.
  for (let k = 0; k < MAX_FLOW_RETRIES; k++) {
    routes[`RetryAfter${k}`] = k < settings.maxRetries ? `set-retries-${k + 1}` : 'retries-exhausted';
  }
  return renderFlowFile(VOICE_ID_AUTHENTICATION_FLOW_FILE, {
    routes,
    values: {
      DecisionFunctionArn: settings.decisionFunctionArn,
      AuthenticationThreshold: String(settings.authenticationThreshold),
      AuthenticationResponseTime: String(settings.authenticationResponseTimeSeconds),
      FraudThreshold: String(settings.fraudThreshold),
      SpeechWindowSeconds: String(speechWindowSeconds(settings)),
      WelcomeText: WELCOME_TEXT[part],
    },
    optionalValues: {
      WatchlistId: settings.watchlistId,
      MinAuthenticationScore: settings.minAuthenticationScore === undefined ? undefined : String(settings.minAuthenticationScore),
      FraudQueueArn: settings.fraudQueueArn,
      NextQueueArn: settings.nextQueueArn,
      IvrFlowArn: settings.ivrFlowArn,
    },
  });
}
