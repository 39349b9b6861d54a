import { DEFAULT_POLICY } from './support';
import { InvalidEventError } from '../../../lambda/contact-flow-decision/domain/errors';
import { type DeploymentPolicy, effectivePolicy, parsePolicyOverrides } from '../../../lambda/contact-flow-decision/domain/policy';

const deployment: DeploymentPolicy = { ...DEFAULT_POLICY, maxVoiceSpoofingRiskScore: 60 };

describe('policy: flow parameters tighten, never loosen', () => {
  test('a higher minimum authentication score applies', () => {
    expect(effectivePolicy(deployment, 'v1', { minAuthenticationScore: 95 }).minAuthenticationScore).toBe(95);
  });

  test('a lower minimum authentication score is ignored', () => {
    expect(effectivePolicy(deployment, 'v1', { minAuthenticationScore: 10 }).minAuthenticationScore).toBe(90);
  });

  test('lower maximum risk scores apply', () => {
    const policy = effectivePolicy(deployment, 'v1', { maxKnownFraudsterRiskScore: 30, maxVoiceSpoofingRiskScore: 40 });
    expect(policy).toMatchObject({ maxKnownFraudsterRiskScore: 30, maxVoiceSpoofingRiskScore: 40 });
  });

  test('higher maximum risk scores are ignored', () => {
    const policy = effectivePolicy(deployment, 'v1', { maxKnownFraudsterRiskScore: 99, maxVoiceSpoofingRiskScore: 100 });
    expect(policy).toMatchObject({ maxKnownFraudsterRiskScore: 50, maxVoiceSpoofingRiskScore: 60 });
  });

  test('a flow cannot touch the thresholds Voice ID must have used, the screening mode or the result age', () => {
    const policy = effectivePolicy(deployment, 'v1', { minAuthenticationScore: 10, maxKnownFraudsterRiskScore: 99, maxVoiceSpoofingRiskScore: 99 });
    expect(policy).toEqual({ ...deployment, version: 'v1' });
  });

  test('no override keeps the deployment policy and its version', () => {
    expect(effectivePolicy(deployment, 'v1', {})).toEqual({ ...deployment, version: 'v1' });
  });

  test('the version names every threshold a flow tightened, and only those', () => {
    expect(effectivePolicy(deployment, 'v1', { minAuthenticationScore: 95, maxKnownFraudsterRiskScore: 99, maxVoiceSpoofingRiskScore: 20 }).version).toBe('v1_flow-min95-vs20');
    expect(effectivePolicy(deployment, 'v1', { minAuthenticationScore: 50 }).version).toBe('v1');
  });

  test('for every pair of values, the effective threshold is never looser than either side', () => {
    for (let d = 0; d <= 100; d += 5) {
      for (let o = 0; o <= 100; o += 5) {
        const p = effectivePolicy({ ...deployment, minAuthenticationScore: d, maxKnownFraudsterRiskScore: d, maxVoiceSpoofingRiskScore: d }, 'v', {
          minAuthenticationScore: o,
          maxKnownFraudsterRiskScore: o,
          maxVoiceSpoofingRiskScore: o,
        });
        expect(p.minAuthenticationScore).toBe(Math.max(d, o));
        expect(p.maxKnownFraudsterRiskScore).toBe(Math.min(d, o));
        expect(p.maxVoiceSpoofingRiskScore).toBe(Math.min(d, o));
      }
    }
  });
});

describe('policy: reading the flow parameters', () => {
  test('reads integer parameters 0-100 and ignores other parameters', () => {
    expect(parsePolicyOverrides({ minAuthenticationScore: '95', maxKnownFraudsterRiskScore: '0', maxVoiceSpoofingRiskScore: '100', other: 'x' })).toEqual({
      minAuthenticationScore: 95,
      maxKnownFraudsterRiskScore: 0,
      maxVoiceSpoofingRiskScore: 100,
    });
  });

  test('an empty parameter means no override', () => {
    expect(parsePolicyOverrides({ minAuthenticationScore: '', maxKnownFraudsterRiskScore: '  ' })).toEqual({
      minAuthenticationScore: undefined,
      maxKnownFraudsterRiskScore: undefined,
      maxVoiceSpoofingRiskScore: undefined,
    });
  });

  test.each([
    ['minAuthenticationScore', 'ninety', 'POLICY_PARAMETER_NOT_AN_INTEGER'],
    ['minAuthenticationScore', '90.5', 'POLICY_PARAMETER_NOT_AN_INTEGER'],
    ['minAuthenticationScore', '-1', 'POLICY_PARAMETER_NOT_AN_INTEGER'],
    ['minAuthenticationScore', '1e2', 'POLICY_PARAMETER_NOT_AN_INTEGER'],
    ['maxKnownFraudsterRiskScore', '101', 'POLICY_PARAMETER_OUT_OF_RANGE'],
    ['maxVoiceSpoofingRiskScore', '999', 'POLICY_PARAMETER_OUT_OF_RANGE'],
    ['maxVoiceSpoofingRiskScore', '0x10', 'POLICY_PARAMETER_NOT_AN_INTEGER'],
  ])('%s = %p is an invalid event (%s)', (name, value, detail) => {
    let thrown: unknown;
    try {
      parsePolicyOverrides({ [name]: value });
    } catch (error: unknown) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventError);
    expect(thrown).toMatchObject({ errorCode: 'INVALID_EVENT', detail, parameter: name });
    expect((thrown as Error).message).toContain(name);
  });
});
