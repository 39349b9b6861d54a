/**
 * Security properties of everything the app deploys, as scans over all resources of a type in both stacks,
 * so that resources added later are held to the same rules. Each configuration is synthesized once.
 */
import { buildTestApp } from '../support/app';
import {
  ACCOUNT,
  CfnTemplate,
  conditionHolds,
  PolicyStatementJson,
  REGION,
  RequestContext,
  servicePrincipalsOf,
  statementCoversAction,
  TemplateResolver,
} from '../support/template-eval';

const INSTANCE_ARN = 'arn:aws:connect:eu-west-2:111122223333:instance/0a1b2c3d-1111-2222-3333-444455556666';

function resolverFor(overrides: Record<string, unknown>): TemplateResolver {
  const app = buildTestApp(overrides);
  return new TemplateResolver({
    [app.stateful.stackName]: app.statefulTemplate.toJSON() as CfnTemplate,
    [app.stateless.stackName]: app.statelessTemplate.toJSON() as CfnTemplate,
  });
}

const configurations: Array<[string, TemplateResolver]> = [
  ['default configuration', resolverFor({})],
  ['with the Connect wiring', resolverFor({ connectInstanceArn: INSTANCE_ARN, alarmEmail: 'oncall@example.com' })],
];

/** Every KMS action that uses key material, or hands its use to someone else. */
const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:Sign',
  'kms:Verify',
  'kms:DeriveSharedSecret',
  'kms:CreateGrant',
];
/** What CloudFormation and the account's administrators must keep, so that nobody is locked out. */
const KEY_ADMINISTRATION = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyRotationStatus',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ListResourceTags',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:UpdateKeyDescription',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
];
/** The services whose use of a data key this app expects (`kms:ViaService`). */
const DATA_SERVICES = ['voiceid', 's3', 'dynamodb'].map((s) => `${s}.${REGION}.amazonaws.com`);
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

interface Key {
  stackName: string;
  logicalId: string;
  arn: string;
  statements: PolicyStatementJson[];
}

function keysOf(resolver: TemplateResolver): Key[] {
  return resolver.resourcesOfType('AWS::KMS::Key').map(({ stackName, logicalId, resource }) => ({
    stackName,
    logicalId,
    arn: resolver.arnOf(stackName, logicalId),
    statements: (resolver.resolve(stackName, resource.Properties?.KeyPolicy) as { Statement: PolicyStatementJson[] }).Statement,
  }));
}

function keyByArn(resolver: TemplateResolver, arn: string): Key {
  const key = keysOf(resolver).find((k) => k.arn === arn);
  if (!key) throw new Error(`no key of this app has ARN ${arn}`);
  return key;
}

/** Whether a key policy lets `principal` call all of `actions` in that request context. */
function keyAllows(key: Key, service: string, actions: string[], context: RequestContext): boolean {
  return actions.every((action) =>
    key.statements.some((s) => s.Effect === 'Allow' && servicePrincipalsOf(s).includes(service) && statementCoversAction(s, action) && conditionHolds(s.Condition, context)),
  );
}

/** The statements of the topic policies that cover a topic. */
function topicStatements(resolver: TemplateResolver, topicArn: string): PolicyStatementJson[] {
  return resolver.resourcesOfType('AWS::SNS::TopicPolicy').flatMap(({ stackName, resource }) => {
    const topics = resolver.resolve(stackName, resource.Properties?.Topics) as string[];
    if (!topics.includes(topicArn)) return [];
    return (resolver.resolve(stackName, resource.Properties?.PolicyDocument) as { Statement: PolicyStatementJson[] }).Statement;
  });
}

function topicAllowsPublish(statements: PolicyStatementJson[], service: string, context: RequestContext): boolean {
  const allowed = statements.some((s) => s.Effect === 'Allow' && servicePrincipalsOf(s).includes(service) && statementCoversAction(s, 'sns:Publish') && conditionHolds(s.Condition, context));
  const denied = statements.some((s) => s.Effect === 'Deny' && statementCoversAction(s, 'sns:Publish') && conditionHolds(s.Condition, { ...context, 'aws:SecureTransport': 'true' }));
  return allowed && !denied;
}

function topicsOf(resolver: TemplateResolver): Array<{ stackName: string; logicalId: string; arn: string; keyArn: string }> {
  return resolver.resourcesOfType('AWS::SNS::Topic').map(({ stackName, logicalId, resource }) => ({
    stackName,
    logicalId,
    arn: resolver.arnOf(stackName, logicalId),
    keyArn: resolver.resolveString(stackName, resource.Properties?.KmsMasterKeyId),
  }));
}

describe.each(configurations)('%s', (_label, resolver) => {
  const keys = keysOf(resolver);

  describe('KMS keys', () => {
    test('there are two: the data key and the telemetry key, both rotated', () => {
      expect(keys.map((k) => k.logicalId).sort()).toEqual([expect.stringMatching(/^DataKey/), expect.stringMatching(/^TelemetryKey/)]);
      for (const { stackName, logicalId } of keys) {
        expect(resolver.template(stackName).Resources[logicalId].Properties?.EnableKeyRotation).toBe(true);
      }
    });

    test.each(keys.map((k) => [k.logicalId, k] as const))('%s: no statement lets an account principal use the key except through a named service', (_id, key) => {
      for (const statement of key.statements.filter((s) => s.Effect === 'Allow')) {
        const uses = KEY_USE_ACTIONS.filter((a) => statementCoversAction(statement, a));
        if (uses.length === 0) continue;
        const where = `${key.logicalId} statement ${statement.Sid ?? JSON.stringify(statement.Action)}`;
        expect([where, statement.Principal]).not.toEqual([where, '*']);
        const services = servicePrincipalsOf(statement);
        if (services.length > 0) {
          // A service principal in its own name: only with a condition naming this app's resources.
          const keys = Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c));
          expect([where, keys.some((k) => /^aws:Source(Arn|Account)$|^kms:EncryptionContext:/.test(k))]).toEqual([where, true]);
          continue;
        }
        const via = [statement.Condition?.StringEquals?.['kms:ViaService'] ?? []].flat();
        expect([where, via.length > 0 && via.every((v) => DATA_SERVICES.includes(v as string))]).toEqual([where, true]);
        expect([where, statement.Condition?.StringEquals?.['kms:CallerAccount']]).toEqual([where, ACCOUNT]);
        if (uses.includes('kms:CreateGrant')) expect([where, statement.Condition?.Bool?.['kms:GrantIsForAWSResource']]).toEqual([where, 'true']);
      }
    });

    test.each(keys.map((k) => [k.logicalId, k] as const))('%s: the account keeps administering the key through IAM (no lock-out)', (_id, key) => {
      const administration = key.statements.filter((s) => s.Effect === 'Allow' && typeof s.Principal === 'object' && s.Principal.AWS === ROOT && s.Condition === undefined);
      for (const action of KEY_ADMINISTRATION) expect([action, administration.some((s) => statementCoversAction(s, action))]).toEqual([action, true]);
    });

    test('the data key protects the domain, the buckets and the tables; it encrypts no log group or topic and no telemetry service may use it', () => {
      const [domain] = resolver.resourcesOfType('AWS::VoiceID::Domain');
      const dataKeyArn = resolver.resolveString(domain.stackName, (domain.resource.Properties?.ServerSideEncryptionConfiguration as { KmsKeyId: unknown }).KmsKeyId);
      const dataKey = keyByArn(resolver, dataKeyArn);
      expect(dataKey.logicalId).toMatch(/^DataKey/);
      for (const { stackName, resource } of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
        expect(resolver.resolve(stackName, (resource.Properties?.SSESpecification as { KMSMasterKeyId: unknown }).KMSMasterKeyId)).toBe(dataKeyArn);
      }
      const telemetryKeyUses = [
        ...resolver.resourcesOfType('AWS::Logs::LogGroup').map(({ stackName, resource }) => resolver.resolve(stackName, resource.Properties?.KmsKeyId)),
        ...topicsOf(resolver).map((t) => t.keyArn),
      ];
      expect(telemetryKeyUses.length).toBeGreaterThan(0);
      expect(telemetryKeyUses).not.toContain(dataKeyArn);
      expect(dataKey.statements.flatMap(servicePrincipalsOf)).toEqual([]);
    });
  });

  describe('log groups', () => {
    const logGroups = resolver.resourcesOfType('AWS::Logs::LogGroup');

    test.each(logGroups.map((g) => [g.logicalId, g] as const))('%s: is encrypted with a key CloudWatch Logs may use for it, and not for log groups outside the app', (_id, { stackName, logicalId, resource }) => {
      const key = keyByArn(resolver, resolver.resolveString(stackName, resource.Properties?.KmsKeyId));
      const arn = resolver.arnOf(stackName, logicalId).replace(/:\*$/, '');
      const logs = `logs.${REGION}.amazonaws.com`;
      const actions = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];
      expect(keyAllows(key, logs, actions, { 'kms:EncryptionContext:aws:logs:arn': arn })).toBe(true);
      expect(keyAllows(key, logs, ['kms:Decrypt'], { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/someone-else` })).toBe(false);
      expect(resource.Properties?.RetentionInDays).toEqual(expect.any(Number));
    });
  });

  describe('SNS topics', () => {
    test.each(topicsOf(resolver).map((t) => [t.logicalId, t] as const))('%s: is KMS-encrypted, denies publishing without TLS, and lets CloudWatch publish for this account\'s alarms', (_id, topic) => {
      const statements = topicStatements(resolver, topic.arn);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const cloudwatch = statements.find((s) => s.Effect === 'Allow' && servicePrincipalsOf(s).includes('cloudwatch.amazonaws.com'));
      expect(cloudwatch?.Condition?.StringEquals?.['aws:SourceAccount']).toBe(ACCOUNT);
      expect(cloudwatch?.Condition?.ArnLike?.['aws:SourceArn']).toEqual(expect.stringMatching(new RegExp(`^arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:`)));
      expect(topicAllowsPublish(statements, 'cloudwatch.amazonaws.com', { 'aws:SourceAccount': '999999999999', 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:999999999999:alarm:x` })).toBe(false);
      keyByArn(resolver, topic.keyArn);
    });
  });

  describe('alarms', () => {
    const alarms = resolver.resourcesOfType('AWS::CloudWatch::Alarm');

    test('there are some, and each notifies a topic', () => {
      expect(alarms.length).toBeGreaterThan(0);
      for (const { resource } of alarms) expect(resource.Properties?.AlarmActions).toEqual([expect.anything()]);
    });

    test.each(alarms.map((a) => [a.logicalId, a] as const))('%s: every topic it notifies lets CloudWatch publish for it, and the topic\'s key lets CloudWatch encrypt for it', (_id, { stackName, logicalId, resource }) => {
      const alarmArn = resolver.arnOf(stackName, logicalId);
      for (const action of resolver.resolve(stackName, resource.Properties?.AlarmActions) as string[]) {
        const topic = topicsOf(resolver).find((t) => t.arn === action);
        expect([action, topic !== undefined]).toEqual([action, true]);
        const source = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': alarmArn };
        expect(topicAllowsPublish(topicStatements(resolver, topic!.arn), 'cloudwatch.amazonaws.com', source)).toBe(true);
        const key = keyByArn(resolver, topic!.keyArn);
        expect(keyAllows(key, 'cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey'], { ...source, 'kms:EncryptionContext:aws:sns:topicArn': topic!.arn })).toBe(true);
        // Scoped: not for another account's alarms, nor for alarms of this account outside the app.
        expect(keyAllows(key, 'cloudwatch.amazonaws.com', ['kms:Decrypt'], { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:other-app-alarm`, 'kms:EncryptionContext:aws:sns:topicArn': topic!.arn })).toBe(false);
      }
    });
  });

  describe('EventBridge rules', () => {
    const rules = resolver.resourcesOfType('AWS::Events::Rule');

    test('one watches the keys', () => {
      expect(rules.map((r) => r.logicalId)).toContainEqual(expect.stringMatching(/^KeyChanges/));
    });

    // The batch workflow's rules target its state machine and its wait function (test/lib/constructs/batch-workflow.test.ts).
    const topicRules = rules.filter((r) => !r.logicalId.startsWith('BatchWorkflow'));

    test.each(topicRules.map((r) => [r.logicalId, r] as const))('%s: every topic it targets lets EventBridge publish for this rule only, and the topic\'s key lets EventBridge encrypt', (_id, { stackName, logicalId, resource }) => {
      const ruleArn = resolver.arnOf(stackName, logicalId);
      const targets = resolver.resolve(stackName, resource.Properties?.Targets) as Array<{ Arn: string }>;
      const topicTargets = targets.map((t) => topicsOf(resolver).find((topic) => topic.arn === t.Arn)).filter((t) => t !== undefined);
      expect(topicTargets.length).toBe(targets.length);
      for (const topic of topicTargets) {
        const statements = topicStatements(resolver, topic.arn);
        expect(topicAllowsPublish(statements, 'events.amazonaws.com', { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': ruleArn })).toBe(true);
        expect(topicAllowsPublish(statements, 'events.amazonaws.com', { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/another-rule` })).toBe(false);
        // SNS: aws:SourceArn and aws:SourceAccount are not in the KMS request context for EventBridge deliveries.
        const key = keyByArn(resolver, topic.keyArn);
        expect(keyAllows(key, 'events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey'], { 'kms:EncryptionContext:aws:sns:topicArn': topic.arn })).toBe(true);
        expect(keyAllows(key, 'events.amazonaws.com', ['kms:Decrypt'], { 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:${REGION}:${ACCOUNT}:other-topic` })).toBe(false);
      }
    });
  });

  describe('S3 buckets', () => {
    const kmsBuckets = resolver.resourcesOfType('AWS::S3::Bucket').filter(({ resource }) =>
      JSON.stringify(resource.Properties?.BucketEncryption).includes('"SSEAlgorithm":"aws:kms"'),
    );

    /** Whether the bucket policy denies a PutObject (over TLS 1.3) carrying these encryption headers. */
    function deniesPut(stackName: string, logicalId: string, headers: RequestContext): boolean {
      const bucketArn = resolver.arnOf(stackName, logicalId);
      const policies = resolver
        .resourcesOfType('AWS::S3::BucketPolicy')
        .filter((p) => resolver.resolve(p.stackName, p.resource.Properties?.Bucket) === resolver.physicalName(stackName, logicalId));
      expect(policies).toHaveLength(1);
      const statements = (resolver.resolve(policies[0].stackName, policies[0].resource.Properties?.PolicyDocument) as { Statement: PolicyStatementJson[] }).Statement;
      const context = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3', ...headers };
      return statements.some(
        (s) =>
          s.Effect === 'Deny' &&
          statementCoversAction(s, 's3:PutObject') &&
          [s.Resource].flat().some((r) => r === `${bucketArn}/*`) &&
          conditionHolds(s.Condition, context),
      );
    }

    test('the batch input and output buckets are the KMS ones', () => {
      expect(kmsBuckets.map((b) => b.logicalId).sort()).toEqual([expect.stringMatching(/^BatchInputBucket/), expect.stringMatching(/^BatchOutputBucket/)]);
    });

    test.each(kmsBuckets.map((b) => [b.logicalId, b] as const))('%s: accepts writes under KMS (or the default) and refuses any other encryption', (_id, { stackName, logicalId }) => {
      const sse = 's3:x-amz-server-side-encryption';
      expect(deniesPut(stackName, logicalId, {})).toBe(false);
      expect(deniesPut(stackName, logicalId, { [sse]: 'aws:kms' })).toBe(false);
      expect(deniesPut(stackName, logicalId, { [sse]: 'aws:kms:dsse' })).toBe(false);
      expect(deniesPut(stackName, logicalId, { [sse]: 'AES256' })).toBe(true);
      expect(deniesPut(stackName, logicalId, { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' })).toBe(true);
    });
  });
});
