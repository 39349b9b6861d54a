/**
 * Adapter: the Amazon Connect "Invoke Lambda function" event -> a plain, validated input.
 *
 * Accepts every shape Connect has sent (`Name` "ContactFlowEvent" or the old "ContactFlowExecution",
 * null endpoints/queue, media streams present or not) and reads only what the decision needs:
 * the contact's ids, the session to evaluate and the flow parameters. Caller data (CustomerEndpoint,
 * the contact's CustomerId, attributes) is never copied out of the event; the claimed customer id of
 * the `customerId` parameter is passed on only to be compared with Voice ID's result.
 */
import * as z from 'zod/mini';
import { InvalidEventError } from '../domain/errors';
import { parsePolicyOverrides, POLICY_PARAMETERS, type PolicyThresholds } from '../domain/policy';

/** Flow parameters that choose the Voice ID session. */
export const SESSION_PARAMETERS = {
  /** The session to evaluate: the ContactId, InitialContactId or PreviousContactId of this contact (e.g. `$.InitialContactId`). */
  sessionNameOrId: 'sessionNameOrId',
  /** `"true"` evaluates the session of `InitialContactId` (the stream usually belongs to it after transfers). */
  evaluateInitialContact: 'evaluateInitialContact',
} as const;

/** The flow parameter naming the customer the caller claims to be (Voice ID's CustomerSpeakerId, e.g. `$.CustomerId`). */
export const CUSTOMER_ID_PARAMETER = 'customerId';

/** Every flow parameter this function reads. Any other parameter is ignored, unless it looks like a misspelling of one of these. */
export const FLOW_PARAMETER_NAMES: readonly string[] = [...Object.values(POLICY_PARAMETERS), ...Object.values(SESSION_PARAMETERS), CUSTOMER_ID_PARAMETER];

/** Connect contact ids are UUIDs; accept any value Voice ID would accept as a session name (at most 36 characters). */
const CONTACT_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,35}$/;
/** Voice ID `CustomerSpeakerId`. */
const CUSTOMER_SPEAKER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,255}$/;

/** Limits against oversized payloads. Connect itself caps user-defined attributes at 32 KB. */
export const EVENT_LIMITS = {
  maxMapEntries: 200,
  maxKeyLength: 128,
  maxValueLength: 32 * 1024,
  /** UTF-8 bytes of all keys and values of the flow parameters. */
  maxMapBytes: 32 * 1024,
} as const;

export interface ContactFlowInput {
  readonly contactId: string;
  /** The session EvaluateSession is asked about: always one of this contact's own ids. */
  readonly sessionName: string;
  /**
   * The customer the flow claims the caller to be (`customerId`), absent when the flow claims none. Sensitive:
   * compared with Voice ID's result in memory, never logged, recorded or returned.
   */
  readonly claimedCustomerId?: string;
  /** Policy thresholds the flow asks for (only tighter ones will apply). */
  readonly policyOverrides: PolicyThresholds;
}

const stringMap = z.record(z.string().check(z.maxLength(EVENT_LIMITS.maxKeyLength)), z.string().check(z.maxLength(EVENT_LIMITS.maxValueLength)));

const eventSchema = z.object({
  Name: z.optional(z.string().check(z.maxLength(64))),
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().check(z.regex(CONTACT_ID, 'ContactId is not a contact id')),
      InitialContactId: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
      PreviousContactId: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
      // Contact attributes are the flow's business, not this function's: a contact with many or long ones
      // must still be evaluated, so they are neither validated nor read.
    }),
    Parameters: z.optional(z.nullable(stringMap)),
  }),
});

/**
 * Validates a Connect event. Throws {@link InvalidEventError} with a machine `detail`:
 * `EVENT_NOT_AN_OBJECT`, `CONTACT_ID_MISSING`, `EVENT_FIELD_INVALID`, `EVENT_TOO_LARGE`,
 * `FLOW_PARAMETER_MISSPELT`, `SESSION_PARAMETERS_CONFLICT`, `SESSION_NOT_OF_THIS_CONTACT`,
 * `INITIAL_CONTACT_ID_MISSING`, `EVALUATE_INITIAL_CONTACT_INVALID`, `CUSTOMER_ID_INVALID`, `POLICY_PARAMETER_*`.
 */
export function parseConnectEvent(event: unknown): ContactFlowInput {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError('EVENT_NOT_AN_OBJECT', 'The event is not a JSON object');
  }
  const contactId = (event as { Details?: { ContactData?: { ContactId?: unknown } } }).Details?.ContactData?.ContactId;
  if (contactId === undefined || contactId === null || contactId === '') {
    throw new InvalidEventError('CONTACT_ID_MISSING', 'The event has no Details.ContactData.ContactId');
  }
  // Size limits before the schema walks a huge map.
  checkMapSize(event);

  const parsed = z.safeParse(eventSchema, event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    if (issue?.code === 'too_big') throw new InvalidEventError('EVENT_TOO_LARGE', `Event field ${safePath(path)} is too large`);
    throw new InvalidEventError('EVENT_FIELD_INVALID', `Event field ${safePath(path)} is invalid (${issue?.code ?? 'unknown'})`);
  }

  const { ContactData, Parameters } = parsed.data.Details;
  const parameters = Parameters ?? {};
  rejectMisspeltParameters(parameters);
  return {
    contactId: ContactData.ContactId,
    sessionName: sessionNameOf(ContactData, parameters),
    claimedCustomerId: claimedCustomerIdOf(parameters),
    policyOverrides: parsePolicyOverrides(parameters),
  };
}

/**
 * A parameter that matches one of this function's names apart from case, separators, invisible characters
 * or compatibility forms is a mistake that
 * would silently run the flow at the deployment's looser policy (`MinAuthenticationScore`,
 * `min_authentication_score`): it is refused. Other parameters are the flow's own business.
 */
function rejectMisspeltParameters(parameters: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(parameters)) {
    if (FLOW_PARAMETER_NAMES.includes(key)) continue;
    const meant = FLOW_PARAMETER_NAMES.find((name) => normalizedName(name) === normalizedName(key));
    if (meant) {
      throw new InvalidEventError('FLOW_PARAMETER_MISSPELT', `Flow parameter '${safePath(key)}' is not one of this function's; rename it to '${meant}'`, meant);
    }
  }
}

/**
 * A name reduced to its ASCII letters and digits, lower case: compatibility forms (fullwidth letters) fold
 * to ASCII first, and every separator, space or invisible character a copy-paste can bring in is dropped.
 */
function normalizedName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]/g, '');
}

function claimedCustomerIdOf(parameters: Readonly<Record<string, string>>): string | undefined {
  const claimed = parameters[CUSTOMER_ID_PARAMETER]?.trim() ?? '';
  if (claimed === '') return undefined;
  // The value is the caller's identifier: the message names the parameter, never the value.
  if (!CUSTOMER_SPEAKER_ID.test(claimed)) {
    throw new InvalidEventError('CUSTOMER_ID_INVALID', `Flow parameter '${CUSTOMER_ID_PARAMETER}' is not a Voice ID customer speaker id (1-256 letters, digits, _ or -)`, CUSTOMER_ID_PARAMETER);
  }
  return claimed;
}

/**
 * The session to evaluate: the contact's own (`ContactId`), or for transfers and callbacks its initial or
 * previous contact's. A parameter naming any other session is refused: it would let one flow borrow
 * another caller's result.
 */
function sessionNameOf(
  contact: { readonly ContactId: string; readonly InitialContactId?: string | null; readonly PreviousContactId?: string | null },
  parameters: Readonly<Record<string, string>>,
): string {
  const contactId = contact.ContactId;
  const initialContactId = contact.InitialContactId ?? undefined;
  const explicit = parameters[SESSION_PARAMETERS.sessionNameOrId]?.trim() ?? '';
  const evaluateInitial = parameters[SESSION_PARAMETERS.evaluateInitialContact]?.trim().toLowerCase() ?? '';
  if (evaluateInitial !== '' && evaluateInitial !== 'true' && evaluateInitial !== 'false') {
    throw new InvalidEventError(
      'EVALUATE_INITIAL_CONTACT_INVALID',
      `Flow parameter '${SESSION_PARAMETERS.evaluateInitialContact}' must be "true" or "false"`,
      SESSION_PARAMETERS.evaluateInitialContact,
    );
  }
  if (explicit !== '' && evaluateInitial === 'true') {
    throw new InvalidEventError(
      'SESSION_PARAMETERS_CONFLICT',
      `Flow parameters '${SESSION_PARAMETERS.sessionNameOrId}' and '${SESSION_PARAMETERS.evaluateInitialContact}' both name a session; set one`,
      SESSION_PARAMETERS.sessionNameOrId,
    );
  }
  if (evaluateInitial === 'true') {
    if (!initialContactId || !CONTACT_ID.test(initialContactId)) {
      throw new InvalidEventError('INITIAL_CONTACT_ID_MISSING', `Flow parameter '${SESSION_PARAMETERS.evaluateInitialContact}' is "true" but the event has no usable InitialContactId`, SESSION_PARAMETERS.evaluateInitialContact);
    }
    return initialContactId;
  }
  if (explicit === '') return contactId;
  const ownSessions = [contactId, initialContactId, contact.PreviousContactId ?? undefined].filter((id): id is string => id !== undefined && CONTACT_ID.test(id));
  if (!ownSessions.includes(explicit)) {
    throw new InvalidEventError(
      'SESSION_NOT_OF_THIS_CONTACT',
      `Flow parameter '${SESSION_PARAMETERS.sessionNameOrId}' must be this contact's ContactId, InitialContactId or PreviousContactId`,
      SESSION_PARAMETERS.sessionNameOrId,
    );
  }
  return explicit;
}

/**
 * The event's ContactId when it is a well-formed one, whatever else is wrong with the event: a rejected
 * event from a real contact is still recorded against that contact.
 */
export function wellFormedContactIdOf(event: unknown): string | undefined {
  const contactId = (event as { Details?: { ContactData?: { ContactId?: unknown } } } | null)?.Details?.ContactData?.ContactId;
  return typeof contactId === 'string' && CONTACT_ID.test(contactId) ? contactId : undefined;
}

/** Rejects a map with too many entries or too many bytes, without looking at more than it must. */
function checkMapSize(event: object): void {
  const which = 'Parameters';
  const details = (event as { Details?: unknown }).Details;
  if (typeof details !== 'object' || details === null) return;
  const map = (details as Record<string, unknown>)[which];
  if (typeof map !== 'object' || map === null) return;

  const keys = Object.keys(map);
  if (keys.length > EVENT_LIMITS.maxMapEntries) {
    throw new InvalidEventError('EVENT_TOO_LARGE', `${which} has more than ${EVENT_LIMITS.maxMapEntries} entries`);
  }
  let bytes = 0;
  for (const key of keys) {
    if (key.length > EVENT_LIMITS.maxKeyLength) throw new InvalidEventError('EVENT_TOO_LARGE', `${which} has a key longer than ${EVENT_LIMITS.maxKeyLength}`);
    const value = (map as Record<string, unknown>)[key];
    bytes += Buffer.byteLength(key, 'utf8') + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
    if (bytes > EVENT_LIMITS.maxMapBytes) {
      throw new InvalidEventError('EVENT_TOO_LARGE', `${which} exceeds ${EVENT_LIMITS.maxMapBytes} bytes`);
    }
  }
}

/** Paths name schema fields, but a map key comes from the caller: keep only safe characters. */
function safePath(path: string): string {
  return path.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || '(root)';
}
