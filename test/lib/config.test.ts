import { ConfigError, loadConfig, StatefulRemovalPolicy } from '../../lib/config';
import { DecisionRecordRequirement, FraudScreening } from '../../lib/constructs/contact-flow-decision-function';

const VALID: Record<string, unknown> = {
  stage: 'dev',
  domainName: 'voice-id-connect',
  domainDescription: 'Caller authentication',
  decisionRetentionDays: 90,
  batchRecordRetentionDays: 365,
  removalPolicy: 'retain',
  tags: { project: 'voice-id-connect' },
};

function load(overrides: Record<string, unknown>) {
  const context = { ...VALID, ...overrides };
  return loadConfig((key) => context[key]);
}

function errorOf(overrides: Record<string, unknown>): ConfigError {
  try {
    load(overrides);
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('reads the cdk.json defaults into typed values', () => {
    expect(load({})).toEqual({
      stage: 'dev',
      domainName: 'voice-id-connect',
      domainDescription: 'Caller authentication',
      decisionRetentionDays: 90,
      batchRecordRetentionDays: 365,
      removalPolicy: StatefulRemovalPolicy.RETAIN,
      policyMinAuthenticationScore: undefined,
      policyMaxKnownFraudsterRiskScore: undefined,
      policyMaxVoiceSpoofingRiskScore: undefined,
      policyFraudScreening: FraudScreening.REQUIRED,
      policyDecisionRecord: DecisionRecordRequirement.BEST_EFFORT,
      policyMaxResultAgeSeconds: 1800,
      decisionBudgetMs: 6500,
      connectInstanceArn: undefined,
      flow: {},
      alarmEmail: undefined,
      tags: { project: 'voice-id-connect' },
      account: undefined,
      region: undefined,
    });
  });

  test('accepts -c overrides, which arrive as strings', () => {
    const config = load({
      decisionRetentionDays: '30',
      tags: '{"team":"contact-center"}',
      connectInstanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666',
      region: 'eu-west-2',
      account: '123456789012',
    });
    expect(config.decisionRetentionDays).toBe(30);
    expect(config.tags).toEqual({ team: 'contact-center' });
    expect(config.region).toBe('eu-west-2');
  });

  test('the flow thresholds and watchlist stand without a Connect instance: they are what the decision Lambda trusts for any flow', () => {
    expect(load({ flowAuthenticationThreshold: 95, flowFraudThreshold: 30 }).flow).toEqual({ authenticationThreshold: 95, fraudThreshold: 30 });
    expect(load({ flowWatchlistId: 'abcdefghijklmnopqrstuv' }).flow).toEqual({ watchlistId: 'abcdefghijklmnopqrstuv' });
  });

  test('fraud screening can be declared off and the result age shortened', () => {
    expect(load({ policyFraudScreening: 'off', policyMaxResultAgeSeconds: '300' })).toMatchObject({ policyFraudScreening: FraudScreening.OFF, policyMaxResultAgeSeconds: 300 });
  });

  test('decision records are best effort unless required', () => {
    expect(load({}).policyDecisionRecord).toBe(DecisionRecordRequirement.BEST_EFFORT);
    expect(load({ policyDecisionRecord: 'required' }).policyDecisionRecord).toBe(DecisionRecordRequirement.REQUIRED);
  });

  test('retains stateful resources unless told otherwise', () => {
    expect(load({ removalPolicy: undefined }).removalPolicy).toBe(StatefulRemovalPolicy.RETAIN);
  });

  test.each([
    ['stage', { stage: 'Prod!' }, /'stage'.*"Prod!".*lowercase/],
    ['stage', { stage: undefined }, /'stage'/],
    ['domainName', { domainName: '-bad' }, /'domainName'.*"-bad".*letters, digits/],
    ['domainDescription', { domainDescription: 'no <html>' }, /'domainDescription'/],
    ['decisionRetentionDays', { decisionRetentionDays: 'ninety' }, /'decisionRetentionDays'.*"ninety".*whole number from 1 to 3650/],
    ['batchRecordRetentionDays', { batchRecordRetentionDays: 0 }, /'batchRecordRetentionDays': 0/],
    ['decisionRetentionDays', { decisionRetentionDays: 0 }, /'decisionRetentionDays': 0/],
    ['decisionRetentionDays', { decisionRetentionDays: 1.5 }, /'decisionRetentionDays'/],
    ['removalPolicy', { removalPolicy: 'delete' }, /'removalPolicy'.*"delete".*'retain', 'destroy'/],
    ['removalPolicy', { stage: 'prod', removalPolicy: 'destroy' }, /'removalPolicy'.*production stage 'prod'/],
    ['connectInstanceArn', { connectInstanceArn: 'arn:aws:connect:us-east-1:123:instance/x' }, /'connectInstanceArn'.*instance ARN/],
    ['connectInstanceArn', { region: 'us-east-1', connectInstanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666' }, /configured region 'us-east-1'/],
    ['policyMinAuthenticationScore', { policyMinAuthenticationScore: '101' }, /'policyMinAuthenticationScore'.*"101".*0 to 100/],
    ['policyMaxKnownFraudsterRiskScore', { policyMaxKnownFraudsterRiskScore: -1 }, /'policyMaxKnownFraudsterRiskScore'/],
    ['policyMaxVoiceSpoofingRiskScore', { policyMaxVoiceSpoofingRiskScore: 'high' }, /'policyMaxVoiceSpoofingRiskScore'/],
    ['decisionBudgetMs', { decisionBudgetMs: 7000 }, /'decisionBudgetMs': 7000.*1500 to 6500/],
    ['flowAuthenticationThreshold', { flowAuthenticationThreshold: '120' }, /'flowAuthenticationThreshold'.*0 to 100/],
    ['flowMaxRetries', { flowMaxRetries: 2 }, /'flowMaxRetries': 2.*only with 'connectInstanceArn'/],
    ['flowFraudThreshold', { flowFraudThreshold: 140 }, /'flowFraudThreshold'.*0 to 100/],
    ['policyFraudScreening', { policyFraudScreening: 'disabled' }, /'policyFraudScreening'.*'required', 'off'/],
    ['policyDecisionRecord', { policyDecisionRecord: 'always' }, /'policyDecisionRecord'.*"always".*'best-effort', 'required'/],
    ['policyDecisionRecord', { policyDecisionRecord: 'constructor' }, /'policyDecisionRecord'/],
    ['policyMaxResultAgeSeconds', { policyMaxResultAgeSeconds: 3600 }, /'policyMaxResultAgeSeconds'.*30 to 1800/],
    ['policyMaxResultAgeSeconds', { policyMaxResultAgeSeconds: 5 }, /'policyMaxResultAgeSeconds'/],
    ['flowMinAuthenticationScore', { flowMinAuthenticationScore: 'x' }, /'flowMinAuthenticationScore'/],
    ['flowAuthenticationResponseTimeSeconds', { flowAuthenticationResponseTimeSeconds: 4 }, /'flowAuthenticationResponseTimeSeconds'.*5 to 10/],
    ['flowWatchlistId', { flowWatchlistId: 'short' }, /'flowWatchlistId'.*22 letters/],
    ['flowFraudQueueArn', { flowFraudQueueArn: 'queue-1' }, /'flowFraudQueueArn'.*queue ARN/],
    ['flowIvrFlowArn', { flowIvrFlowArn: 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666/queue/0a1b2c3d-1111-2222-3333-444455556666' }, /'flowIvrFlowArn'.*contact flow ARN/],
    ['flowIvrFlowArn', { flowIvrFlowArn: 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-1111-2222-3333-444455556666/contact-flow/0a1b2c3d-1111-2222-3333-444455556666' }, /'flowIvrFlowArn'.*only with 'connectInstanceArn'/],
    ['alarmEmail', { alarmEmail: 'oncall at example' }, /'alarmEmail'.*e-mail address/],
    ['account', { account: '1234' }, /'account'.*12-digit/],
    ['region', { region: 'mars' }, /'region'.*us-east-1/],
    ['tags', { tags: '{not json' }, /'tags'.*JSON object/],
    ['tags', { tags: ['a'] }, /'tags'/],
    ['tags', { tags: { 'aws:reserved': 'x' } }, /'tags.aws:reserved'/],
    ['tags', { tags: { team: 7 } }, /'tags.team'.*7/],
  ])('rejects an invalid %s with a message naming the key, the value and what is allowed', (key, overrides, message) => {
    const error = errorOf(overrides);
    expect(error.key.startsWith(key)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/-c /);
  });

  test('allows destroy for a throw-away stage', () => {
    expect(load({ stage: 'sandbox', removalPolicy: 'destroy' }).removalPolicy).toBe(StatefulRemovalPolicy.DESTROY);
  });
});
