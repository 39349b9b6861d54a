import { EVENT_LIMITS, parseConnectEvent } from '../../../lambda/contact-flow-decision/adapters/connect-event';
import { InvalidEventError } from '../../../lambda/contact-flow-decision/domain/errors';
import { CALLER_PHONE, CUSTOMER_ID, fixtureNames, liveEvent, loadFixture } from './support';

function parseError(event: unknown): InvalidEventError {
  try {
    parseConnectEvent(event);
  } catch (error: unknown) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected the event to be rejected');
}

describe('Connect event parsing: the official samples', () => {
  test('all six official sample events are present as fixtures', () => {
    expect(fixtureNames()).toHaveLength(6);
  });

  test.each(fixtureNames())('%s parses, with the contact id as session name', (name) => {
    const event = loadFixture(name);
    const contactId = (event as { Details: { ContactData: { ContactId: string } } }).Details.ContactData.ContactId;
    expect(parseConnectEvent(event)).toEqual({
      contactId,
      sessionName: contactId,
      claimedCustomerId: undefined,
      policyOverrides: { minAuthenticationScore: undefined, maxKnownFraudsterRiskScore: undefined, maxVoiceSpoofingRiskScore: undefined },
    });
  });

  test('the unrendered SAM template (placeholder contact id) is rejected, not crashed on', () => {
    expect(parseError(loadFixture('ContactFlowEvent.aws-sam-cli.json', { render: false })).detail).toBe('EVENT_FIELD_INVALID');
  });

  test("the parsed input carries no caller data but the claim it must compare; the contact's own CustomerId is never read", () => {
    const claimed = parseConnectEvent(liveEvent());
    expect(claimed.claimedCustomerId).toBe(CUSTOMER_ID);
    const text = JSON.stringify(parseConnectEvent(liveEvent({ customerId: '' })));
    expect(text).not.toContain(CALLER_PHONE);
    expect(text).not.toContain(CUSTOMER_ID);
    expect(text).not.toContain('Jane');
  });
});

describe('Connect event parsing: choosing the session', () => {
  test("sessionNameOrId may name the contact's own, initial or previous contact", () => {
    const event = liveEvent({}, 'aca32fbd-8f92-46af-92a5-6b0f970f0efe') as { Details: { ContactData: Record<string, unknown>; Parameters: Record<string, string> } };
    for (const id of ['aca32fbd-8f92-46af-92a5-6b0f970f0efe', '6ca32fbd-8f92-46af-92a5-6b0f970f0efe', '5ca32fbd-8f92-46af-92a5-6b0f970f0efe']) {
      event.Details.Parameters['sessionNameOrId'] = id;
      expect(parseConnectEvent(event).sessionName).toBe(id);
    }
  });

  test.each([
    ['another contact', '00000000-0000-4000-8000-000000000999'],
    ['a Voice ID session id (it cannot be shown to be this contact\'s)', 'id#Ses0123456789abcdefGHI'],
    ['a name with spaces', 'has spaces'],
    ['a name longer than a session name', 'a'.repeat(37)],
  ])('sessionNameOrId naming %s is an invalid event naming the parameter', (_, session) => {
    expect(parseError(liveEvent({ sessionNameOrId: session }))).toMatchObject({ detail: 'SESSION_NOT_OF_THIS_CONTACT', parameter: 'sessionNameOrId' });
  });

  test('without InitialContactId or PreviousContactId, only the ContactId itself is allowed', () => {
    const event = liveEvent({ sessionNameOrId: '6ca32fbd-8f92-46af-92a5-6b0f970f0efe' }) as { Details: { ContactData: Record<string, unknown> } };
    event.Details.ContactData['InitialContactId'] = null;
    delete event.Details.ContactData['PreviousContactId'];
    expect(parseError(event).detail).toBe('SESSION_NOT_OF_THIS_CONTACT');
  });

  test('evaluateInitialContact=true evaluates the InitialContactId (after transfers)', () => {
    expect(parseConnectEvent(liveEvent({ evaluateInitialContact: 'true' })).sessionName).toBe('6ca32fbd-8f92-46af-92a5-6b0f970f0efe');
    expect(parseConnectEvent(liveEvent({ evaluateInitialContact: 'false' })).sessionName).toBe('5ca32fbd-8f92-46af-92a5-6b0f970f0efe');
  });

  test.each([
    [{ sessionNameOrId: 'x', evaluateInitialContact: 'true' }, 'SESSION_PARAMETERS_CONFLICT'],
    [{ evaluateInitialContact: 'yes' }, 'EVALUATE_INITIAL_CONTACT_INVALID'],
    [{ minAuthenticationScore: 'high' }, 'POLICY_PARAMETER_NOT_AN_INTEGER'],
    [{ maxKnownFraudsterRiskScore: '150' }, 'POLICY_PARAMETER_OUT_OF_RANGE'],
  ])('parameters %p are an invalid event (%s)', (parameters, detail) => {
    expect(parseError(liveEvent(parameters)).detail).toBe(detail);
  });

  test.each([
    ['MinAuthenticationScore', 'minAuthenticationScore'],
    ['min_authentication_score', 'minAuthenticationScore'],
    ['MAX-KNOWN-FRAUDSTER-RISK-SCORE', 'maxKnownFraudsterRiskScore'],
    ['max voice spoofing risk score', 'maxVoiceSpoofingRiskScore'],
    ['CustomerId', 'customerId'],
    ['customer_id', 'customerId'],
    ['SessionNameOrId', 'sessionNameOrId'],
    ['evaluate.initial.contact', 'evaluateInitialContact'],
    // Pasted from a document: invisible characters, fullwidth letters, other separators.
    ['min\u200bAuthenticationScore', 'minAuthenticationScore'],
    ['minAuthenticationScore\u200d', 'minAuthenticationScore'],
    ['\uff4d\uff49\uff4e\uff21\uff55\uff54\uff48\uff45\uff4e\uff54\uff49\uff43\uff41\uff54\uff49\uff4f\uff4e\uff33\uff43\uff4f\uff52\uff45', 'minAuthenticationScore'],
    ['min/authentication/score', 'minAuthenticationScore'],
    ['maxKnownFraudster+RiskScore', 'maxKnownFraudsterRiskScore'],
  ])('a parameter %p is refused as a misspelling of %p', (key, meant) => {
    const error = parseError(liveEvent({ [key]: '95' }));
    expect(error).toMatchObject({ errorCode: 'INVALID_EVENT', detail: 'FLOW_PARAMETER_MISSPELT', parameter: meant });
    expect(error.message).toContain(meant);
  });

  test('parameters of the flow\'s own are ignored', () => {
    expect(() => parseConnectEvent(liveEvent({ accountNumber: '1', minScore: '10', customer: 'x', authentication: 'y' }))).not.toThrow();
  });

  test.each([
    ['spaces', 'cust 4711'],
    ['a leading separator', '-cust'],
    ['characters Voice ID does not allow', 'cust#4711'],
    ['more than 256 characters', 'c'.repeat(257)],
  ])('a customerId with %s is an invalid event naming the parameter, without its value', (_, value) => {
    const error = parseError(liveEvent({ customerId: value }));
    expect(error).toMatchObject({ detail: 'CUSTOMER_ID_INVALID', parameter: 'customerId' });
    expect(error.message).not.toContain(value);
  });

  test('an empty customerId is no claim', () => {
    expect(parseConnectEvent(liveEvent({ customerId: '  ' })).claimedCustomerId).toBeUndefined();
  });

  test('policy overrides come through as numbers', () => {
    expect(parseConnectEvent(liveEvent({ minAuthenticationScore: '95' })).policyOverrides.minAuthenticationScore).toBe(95);
  });
});

describe('Connect event parsing: malformed events are typed errors', () => {
  const withContactData = (patch: Record<string, unknown>) => {
    const event = liveEvent() as { Details: { ContactData: Record<string, unknown> } };
    Object.assign(event.Details.ContactData, patch);
    return event;
  };

  test.each([
    ['null', null, 'EVENT_NOT_AN_OBJECT'],
    ['a string', 'ContactFlowEvent', 'EVENT_NOT_AN_OBJECT'],
    ['a number', 42, 'EVENT_NOT_AN_OBJECT'],
    ['an array', [liveEvent()], 'EVENT_NOT_AN_OBJECT'],
    ['undefined', undefined, 'EVENT_NOT_AN_OBJECT'],
    ['an empty object', {}, 'CONTACT_ID_MISSING'],
    ['Details without ContactData', { Details: {} }, 'CONTACT_ID_MISSING'],
    ['Details null', { Details: null }, 'CONTACT_ID_MISSING'],
    ['no ContactId', withContactData({ ContactId: undefined }), 'CONTACT_ID_MISSING'],
    ['an empty ContactId', withContactData({ ContactId: '' }), 'CONTACT_ID_MISSING'],
    ['a numeric ContactId', withContactData({ ContactId: 12345 }), 'EVENT_FIELD_INVALID'],
    ['a ContactId that is not an id', withContactData({ ContactId: '../../etc/passwd' }), 'EVENT_FIELD_INVALID'],
    ['Parameters with a non-string value', { ...liveEvent(), Details: { ...(liveEvent() as { Details: object }).Details, Parameters: { p: 1 } } }, 'EVENT_FIELD_INVALID'],
    ['Parameters with a nested object', { ...liveEvent(), Details: { ...(liveEvent() as { Details: object }).Details, Parameters: { p: { nested: true } } } }, 'EVENT_FIELD_INVALID'],
    ['Name not a string', { ...liveEvent(), Name: 7 }, 'EVENT_FIELD_INVALID'],
  ])('%s -> %s', (_, event, detail) => {
    const error = parseError(event);
    expect(error.errorCode).toBe('INVALID_EVENT');
    expect(error.detail).toBe(detail);
  });

  test('contact attributes are the flow\'s business: many, long or odd ones do not stop an evaluation', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v']));
    for (const Attributes of [many, { ['k'.repeat(500)]: 'v' }, { big: 'x'.repeat(200_000) }, { a: 1 }, 'a=b']) {
      expect(() => parseConnectEvent(withContactData({ Attributes }))).not.toThrow();
    }
  });

  test('an oversized parameter is rejected', () => {
    expect(parseError(liveEvent({ p: 'x'.repeat(EVENT_LIMITS.maxMapBytes + 1) })).detail).toBe('EVENT_TOO_LARGE');
  });

  test('too many parameters are rejected before the schema walks them', () => {
    const parameters = Object.fromEntries(Array.from({ length: EVENT_LIMITS.maxMapEntries + 1 }, (_, i) => [`k${i}`, 'v']));
    expect(parseError(liveEvent(parameters)).detail).toBe('EVENT_TOO_LARGE');
  });

  test('a very long parameter key is rejected', () => {
    expect(parseError(liveEvent({ ['k'.repeat(EVENT_LIMITS.maxKeyLength + 1)]: 'v' })).detail).toBe('EVENT_TOO_LARGE');
  });

  test('error messages never echo caller data', () => {
    const error = parseError(liveEvent({ [CALLER_PHONE]: 5 } as unknown as Record<string, string>));
    expect(error.message).not.toContain(CALLER_PHONE);
  });
});
