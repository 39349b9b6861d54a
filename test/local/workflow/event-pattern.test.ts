/** The local bus's EventBridge pattern matching: the operators the app's rules use, and a refusal of any other. */
import { matchesPattern } from '../../../local/workflow/event-pattern';
import { resolveCfn, statefulOutputs } from '../../../local/workflow/cfn-resolver';

const upload = (key: string, bucket = 'in') => ({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucket }, object: { key, size: 10 } } });

describe('event patterns', () => {
  const rule = { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['in'] }, object: { key: [{ wildcard: 'enrollment/*.csv' }, { wildcard: 'enrollment/*.json' }] } } };

  test.each([
    ['enrollment/a.csv', true],
    ['enrollment/deep/b.json', true],
    ['enrollment/a.csv.summary.txt', false],
    ['enrollment/a.csv.validation-report.txt', false],
    ['fraudsters/a.csv', false],
    ['voice-id-jobs/enr-1.json', false],
  ])('the upload rule and key %s: %s', (key, expected) => {
    expect(matchesPattern(rule, upload(key))).toBe(expected);
  });

  test('another bucket, another source or a missing field does not match', () => {
    expect(matchesPattern(rule, upload('enrollment/a.csv', 'other'))).toBe(false);
    expect(matchesPattern(rule, { ...upload('enrollment/a.csv'), source: 'aws.voiceid' })).toBe(false);
    expect(matchesPattern({ detail: { action: ['BATCH_ENROLLMENT_REQUEST'] } }, { detail: {} })).toBe(false);
  });

  test('prefix, suffix, anything-but, exists, numeric, equals-ignore-case and $or', () => {
    const event = { detail: { key: 'enrollment/a.csv', size: 10, status: 'Failed' } };
    expect(matchesPattern({ detail: { key: [{ prefix: 'enrollment/' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { key: [{ suffix: '.json' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { key: [{ 'anything-but': { suffix: '.txt' } }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: false }], key: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { size: [{ numeric: ['>', 5, '<=', 10] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { status: [{ 'equals-ignore-case': 'FAILED' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { $or: [{ size: [1] }, { status: ['Failed'] }] } }, event)).toBe(true);
  });

  test('an operator the local matcher does not know is an error, never a guess', () => {
    expect(() => matchesPattern({ detail: { key: [{ cidr: '10.0.0.0/24' }] } }, { detail: { key: 'x' } })).toThrow(/does not know the operator cidr/);
  });
});

describe('CloudFormation tokens', () => {
  const values = {
    region: 'us-east-1',
    account: '123456789012',
    stackName: 'S',
    ref: (id: string) => (id === 'Fn1' ? 'function-1' : undefined),
    getAtt: (id: string, attribute: string) => (id === 'Fn1' && attribute === 'Arn' ? 'arn:aws:lambda:us-east-1:123456789012:function:Fn1' : undefined),
    stackOutput: statefulOutputs({ BatchInputBucket: { Ref: 'in', Arn: 'arn:aws:s3:::in' } }),
  };

  test('Join, Ref, GetAtt, pseudo parameters and the stateful stack\'s outputs resolve to the local values', () => {
    const value = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }, ':', { 'Fn::GetStackOutput': { OutputName: 'PublishOutputRefBatchInputBucket40AFE905F10C87B8' } }, ':', { 'Fn::GetAtt': ['Fn1', 'Arn'] }]] };
    expect(resolveCfn(value, values)).toBe('arn:aws:x:us-east-1:in:arn:aws:lambda:us-east-1:123456789012:function:Fn1');
    expect(resolveCfn({ 'Fn::GetStackOutput': { OutputName: 'PublishOutputFnGetAttBatchInputBucket40AFE905Arn94FFDF70' } }, values)).toBe('arn:aws:s3:::in');
  });

  test('a token it cannot resolve is an error naming it', () => {
    expect(() => resolveCfn({ a: { Ref: 'Unknown' } }, values)).toThrow(/\$\.a: cannot resolve \{"Ref":"Unknown"\}/);
    expect(() => resolveCfn({ 'Fn::GetStackOutput': { OutputName: 'PublishOutputRefSomethingElseABCDEF0112345678' } }, values)).toThrow(/cannot resolve/);
  });
});
