import { type FlowAction, type FlowDocument, renderVoiceIdAuthenticationFlow, VOICE_ID_FLOW_PARTS } from '../../../lib/constructs/connect-flow';

/**
 * The per-action rules of the Amazon Connect flow language (Version 2019-10-30) the shipped flow relies on, from
 * the flow-language reference (docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions) and, where
 * the reference is silent or disagrees, from what the console exports (see the comment in connect-flow.ts).
 */
interface ActionRule {
  /** Parameter keys the action accepts. */
  readonly keys: readonly string[];
  /** Error types it must handle. */
  readonly requiredErrors: readonly string[];
  /** Error types it may name. */
  readonly allowedErrors: readonly string[];
  /** Whether a NextAction is part of it. */
  readonly nextAction: 'required' | 'forbidden' | 'optional';
}

const RULES: Record<string, ActionRule> = {
  UpdateContactAttributes: { keys: ['TargetContact', 'Attributes'], requiredErrors: ['NoMatchingError'], allowedErrors: ['NoMatchingError'], nextAction: 'required' },
  UpdateContactData: {
    keys: ['CustomerId', 'IsVoiceIdStreamingEnabled', 'IsVoiceAuthenticationEnabled', 'IsFraudDetectionEnabled', 'VoiceAuthenticationThreshold', 'VoiceAuthenticationResponseTime', 'FraudDetectionThreshold', 'WatchlistId'],
    requiredErrors: ['NoMatchingError'],
    allowedErrors: ['NoMatchingError'],
    nextAction: 'required',
  },
  StartVoiceIdStream: { keys: [], requiredErrors: ['NoMatchingError'], allowedErrors: ['NoMatchingError'], nextAction: 'required' },
  CheckVoiceId: { keys: ['CheckVoiceIdOption'], requiredErrors: ['NoMatchingError'], allowedErrors: ['NoMatchingError'], nextAction: 'optional' },
  MessageParticipant: { keys: ['Text'], requiredErrors: ['NoMatchingError'], allowedErrors: ['NoMatchingError'], nextAction: 'required' },
  GetParticipantInput: {
    keys: ['Text', 'StoreInput', 'InputTimeLimitSeconds', 'InputValidation', 'DTMFConfiguration'],
    requiredErrors: ['NoMatchingError'],
    allowedErrors: ['NoMatchingError', 'NoMatchingCondition', 'InputTimeLimitExceeded'],
    nextAction: 'required',
  },
  InvokeLambdaFunction: {
    keys: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds', 'InvocationType', 'LambdaInvocationAttributes', 'ResponseValidation'],
    requiredErrors: ['NoMatchingError'],
    allowedErrors: ['NoMatchingError'],
    nextAction: 'required',
  },
  Compare: { keys: ['ComparisonValue'], requiredErrors: ['NoMatchingCondition'], allowedErrors: ['NoMatchingCondition'], nextAction: 'optional' },
  UpdateContactTargetQueue: { keys: ['QueueId'], requiredErrors: ['NoMatchingError'], allowedErrors: ['NoMatchingError'], nextAction: 'required' },
  TransferContactToQueue: { keys: [], requiredErrors: ['QueueAtCapacity', 'NoMatchingError'], allowedErrors: ['QueueAtCapacity', 'NoMatchingError'], nextAction: 'forbidden' },
  DisconnectParticipant: { keys: [], requiredErrors: [], allowedErrors: [], nextAction: 'forbidden' },
  TransferToFlow: { keys: ['ContactFlowId'], requiredErrors: ['NoMatchingError'], allowedErrors: ['NoMatchingError'], nextAction: 'forbidden' },
};

const CHECK_VOICE_ID_VALUES = { enrollmentStatus: ['Enrolled', 'NotEnrolled', 'OptedOut'] } as const;
const VOICE_ID_SWITCHES = ['IsVoiceIdStreamingEnabled', 'IsVoiceAuthenticationEnabled', 'IsFraudDetectionEnabled'];
const COMPARE_OPERATORS = ['Equals', 'TextStartsWith', 'TextEndsWith', 'TextContains', 'NumberGreaterThan', 'NumberGreaterOrEqualTo', 'NumberLessThan', 'NumberLessOrEqualTo'];

const IVR_FLOW_ARN = 'arn:aws:connect:eu-west-2:123456789012:instance/i/contact-flow/f1';
const settings = (extra: object) =>
  ({ decisionFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:f', authenticationThreshold: 90, authenticationResponseTimeSeconds: 10, fraudThreshold: 50, maxRetries: 2, decisionRecordRequired: false, ivrFlowArn: IVR_FLOW_ARN, ...extra }) as Parameters<typeof renderVoiceIdAuthenticationFlow>[0];
const EVERY_OPTION = { decisionRecordRequired: true, watchlistId: 'abcdefghijklmnopqrstuv', minAuthenticationScore: 95, fraudQueueArn: 'arn:aws:connect:eu-west-2:123456789012:instance/i/queue/q1', nextQueueArn: 'arn:aws:connect:eu-west-2:123456789012:instance/i/queue/q2', maxRetries: 5 };

const flows: Array<[string, FlowDocument]> = VOICE_ID_FLOW_PARTS.flatMap((part) => [
  [`${part}, defaults`, JSON.parse(renderVoiceIdAuthenticationFlow(settings({}), part).body) as FlowDocument] as [string, FlowDocument],
  [`${part}, every option`, JSON.parse(renderVoiceIdAuthenticationFlow(settings(EVERY_OPTION), part).body) as FlowDocument] as [string, FlowDocument],
]);

describe.each(flows)('flow-language rules of the rendered flow (%s)', (_label, flow) => {
  test.each(flow.Actions.map((a) => [a.Identifier, a] as [string, FlowAction]))('%s follows the rules of its action type', (_id, action) => {
    const rule = RULES[action.Type];
    expect(rule).toBeDefined();
    expect(Object.keys(action.Parameters).filter((k) => !rule.keys.includes(k))).toEqual([]);
    const errors = (action.Transitions.Errors ?? []).map((e) => e.ErrorType);
    expect(rule.requiredErrors.filter((e) => !errors.includes(e))).toEqual([]);
    expect(errors.filter((e) => !rule.allowedErrors.includes(e))).toEqual([]);
    if (rule.nextAction === 'required') expect(action.Transitions.NextAction).toEqual(expect.any(String));
    if (rule.nextAction === 'forbidden') expect(action.Transitions.NextAction).toBeUndefined();
    // Every parameter value the flow language reads is a string (numbers too).
    for (const value of Object.values(action.Parameters)) expect(['string', 'object']).toContain(typeof value);
    for (const condition of action.Transitions.Conditions ?? []) expect(COMPARE_OPERATORS).toContain(condition.Condition.Operator);
  });

  test('Voice ID switches are spelled as the console exports them ("true"/"false"), thresholds are whole numbers as strings', () => {
    for (const action of flow.Actions.filter((a) => a.Type === 'UpdateContactData')) {
      for (const key of VOICE_ID_SWITCHES) if (key in action.Parameters) expect(['true', 'false']).toContain(action.Parameters[key]);
      for (const key of ['VoiceAuthenticationThreshold', 'FraudDetectionThreshold', 'VoiceAuthenticationResponseTime']) {
        if (key in action.Parameters) expect(action.Parameters[key]).toMatch(/^\d{1,3}$/);
      }
    }
  });

  test('Check Voice ID branches on exactly the values its option produces, each once', () => {
    for (const action of flow.Actions.filter((a) => a.Type === 'CheckVoiceId')) {
      const option = action.Parameters.CheckVoiceIdOption as keyof typeof CHECK_VOICE_ID_VALUES;
      const operands = (action.Transitions.Conditions ?? []).flatMap((c) => c.Condition.Operands);
      expect([...operands].sort()).toEqual([...CHECK_VOICE_ID_VALUES[option]].sort());
    }
  });

  test('a listening window stores input ("True", with the validation that requires) so that speech, not a key press, fills it', () => {
    for (const action of flow.Actions.filter((a) => a.Type === 'GetParticipantInput')) {
      expect(action.Parameters).toEqual(expect.objectContaining({ StoreInput: 'True', InputValidation: { CustomValidation: { MaximumLength: expect.stringMatching(/^\d+$/) } } }));
      // At least Voice ID's response time (10 s in these settings), so a caller who speaks through it gave enough speech.
      expect(Number(action.Parameters.InputTimeLimitSeconds)).toBeGreaterThanOrEqual(10);
    }
  });

  test('the Lambda is invoked synchronously with a static integer time limit of at most 8 s', () => {
    for (const action of flow.Actions.filter((a) => a.Type === 'InvokeLambdaFunction')) {
      expect(action.Parameters.InvocationType).toBe('SYNCHRONOUS');
      expect(Number(action.Parameters.InvocationTimeLimitSeconds)).toBeLessThanOrEqual(8);
      expect(action.Parameters.InvocationTimeLimitSeconds).toMatch(/^[1-8]$/);
    }
  });
});
