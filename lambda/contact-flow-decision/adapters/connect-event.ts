/**
 * Adapter: the Amazon Connect "Invoke Lambda function" event -> a plain, validated input.
 *
 * Accepts every shape Connect has sent (`Name` "ContactFlowEvent" or the old "ContactFlowExecution",
 * null endpoints/queue, media streams present or not) and reads only what the decision needs:
 * the contact id, the session to evaluate and the flow parameters. Caller data (CustomerEndpoint,
 * CustomerId, attributes) is never copied out of the event.
 */
import * as z from 'zod/mini';
import { InvalidEventError } from '../domain/errors';
import { parsePolicyOverrides, type PolicyThresholds } from '../domain/policy';

/** Flow parameters that choose the Voice ID session. */
export const SESSION_PARAMETERS = {
  /** An explicit session name or id, e.g. `$.InitialContactId` set by the flow. */
  sessionNameOrId: 'sessionNameOrId',
  /** `"true"` evaluates the session of `InitialContactId` (the stream usually belongs to it after transfers). */
  evaluateInitialContact: 'evaluateInitialContact',
} as const;

/** Voice ID `SessionNameOrId`: a session id (`id#` + 22) or a name; a Connect contact id (UUID) is a name. */
const SESSION_NAME_OR_ID = /^(id#[a-zA-Z0-9]{22}|[a-zA-Z0-9][a-zA-Z0-9_-]{0,35})$/;
/** Connect contact ids are UUIDs; accept any value Voice ID would accept as a session name. */
const CONTACT_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,35}$/;

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
  /** The session EvaluateSession is asked about. */
  readonly sessionName: string;
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
      // Contact attributes are the flow's business, not this function's: a contact with many or long ones
      // must still be evaluated, so they are neither validated nor read.
    }),
    Parameters: z.optional(z.nullable(stringMap)),
  }),
});

/**
 * Validates a Connect event. Throws {@link InvalidEventError} with a machine `detail`:
 * `EVENT_NOT_AN_OBJECT`, `CONTACT_ID_MISSING`, `EVENT_FIELD_INVALID`, `EVENT_TOO_LARGE`,
 * `SESSION_PARAMETERS_CONFLICT`, `SESSION_NAME_INVALID`, `POLICY_PARAMETER_*`.
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
  return {
    contactId: ContactData.ContactId,
    sessionName: sessionNameOf(ContactData.ContactId, ContactData.InitialContactId ?? undefined, parameters),
    policyOverrides: parsePolicyOverrides(parameters),
  };
}

function sessionNameOf(contactId: string, initialContactId: string | undefined, parameters: Readonly<Record<string, string>>): string {
  const explicit = parameters[SESSION_PARAMETERS.sessionNameOrId]?.trim() ?? '';
  const evaluateInitial = parameters[SESSION_PARAMETERS.evaluateInitialContact]?.trim().toLowerCase() ?? '';
  if (evaluateInitial !== '' && evaluateInitial !== 'true' && evaluateInitial !== 'false') {
    throw new InvalidEventError('EVALUATE_INITIAL_CONTACT_INVALID', `Flow parameter '${SESSION_PARAMETERS.evaluateInitialContact}' must be "true" or "false"`);
  }
  if (explicit !== '' && evaluateInitial === 'true') {
    throw new InvalidEventError(
      'SESSION_PARAMETERS_CONFLICT',
      `Flow parameters '${SESSION_PARAMETERS.sessionNameOrId}' and '${SESSION_PARAMETERS.evaluateInitialContact}' both name a session; set one`,
    );
  }
  let sessionName = contactId;
  if (explicit !== '') sessionName = explicit;
  else if (evaluateInitial === 'true') {
    if (!initialContactId) throw new InvalidEventError('INITIAL_CONTACT_ID_MISSING', 'evaluateInitialContact is true but the event has no InitialContactId');
    sessionName = initialContactId;
  }
  if (!SESSION_NAME_OR_ID.test(sessionName)) {
    throw new InvalidEventError('SESSION_NAME_INVALID', 'The session to evaluate is not a valid Voice ID session name or id');
  }
  return sessionName;
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
