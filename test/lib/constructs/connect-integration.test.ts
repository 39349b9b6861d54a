import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { ConnectVoiceIdIntegration, ConnectVoiceIdIntegrationProps } from '../../../lib/constructs/connect-integration';
import { VoiceIdDomain } from '../../../lib/constructs/voice-id-domain';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-2';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const DOMAIN_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:voiceid:${REGION}:${ACCOUNT}:domain/abcdefghijklmnopqrstuv`]] };

function fixture(props: Partial<ConnectVoiceIdIntegrationProps> = {}, options: { importFunction?: boolean } = {}) {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: REGION } });
  const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
  const domain = VoiceIdDomain.fromDomainAttributes(stack, 'Domain', { domainId: 'abcdefghijklmnopqrstuv', encryptionKey: key });
  const decisionFunction = options.importFunction
    ? lambda.Function.fromFunctionArn(stack, 'Decide', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:contact-flow-decision`)
    : new lambda.Function(stack, 'Decide', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ decision: "ERROR" })'),
  });
  const integration = new ConnectVoiceIdIntegration(stack, 'Connect', { instanceArn: INSTANCE_ARN, decisionFunction, domain, logEncryptionKey: key, ...props });
  return { app, stack, key, domain, decisionFunction, integration };
}

let shared: ReturnType<typeof fixture> & { template: Template };
beforeAll(() => {
  const f = fixture();
  shared = { ...f, template: Template.fromStack(f.stack) };
});

function fnArn(stack: Stack, fn: lambda.IFunction) {
  return { 'Fn::GetAtt': [stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction), 'Arn'] };
}

/** Statements of every policy (inline and managed) attached to the role of the association handler. */
function handlerStatements(template: Template): Array<Record<string, unknown>> {
  const [handlerId, handler] = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Voice ID domain') } }))[0];
  expect(handlerId).toBeDefined();
  const roleId = (handler as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }).Properties.Role['Fn::GetAtt'][0];
  const role = template.toJSON().Resources[roleId] as { Properties: { ManagedPolicyArns?: Array<{ Ref: string }> } };
  const managedIds = (role.Properties.ManagedPolicyArns ?? []).map((p) => p.Ref);
  const statements: Array<Record<string, unknown>> = [];
  for (const id of managedIds) statements.push(...template.toJSON().Resources[id].Properties.PolicyDocument.Statement);
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Array<{ Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Array<Record<string, unknown>> } } }>) {
    if (policy.Properties.Roles.some((r) => r.Ref === roleId)) statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  return statements;
}

describe('ConnectVoiceIdIntegration', () => {
  test('associates the decision function with the instance (LAMBDA_FUNCTION)', () => {
    shared.template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: INSTANCE_ARN,
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: fnArn(shared.stack, shared.decisionFunction),
    });
  });

  test('lets connect.amazonaws.com invoke the function only for this instance and its account', () => {
    shared.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fnArn(shared.stack, shared.decisionFunction),
      Principal: 'connect.amazonaws.com',
      SourceArn: INSTANCE_ARN,
      SourceAccount: ACCOUNT,
    });
  });

  test('associates the Voice ID domain through a custom resource given the domain ARN and the instance id', () => {
    shared.template.hasResourceProperties('Custom::ConnectVoiceIdAssociation', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('AssociationProviderframeworkonEvent'), 'Arn'] },
      InstanceId: INSTANCE_ID,
      DomainArn: DOMAIN_ARN,
    });
  });

  test('the custom resource waits for every policy of the handler role, the domain grant included', () => {
    const [resource] = Object.values(shared.template.findResources('Custom::ConnectVoiceIdAssociation')) as Array<{ DependsOn: string[] }>;
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ConnectAssociationHandlerRoleDefaultPolicy/), expect.stringMatching(/^ConnectAssociationHandlerRole[0-9A-F]{8}$/)]));
  });

  test('the association handler is Node.js 22 on arm64 with a log group that has a retention', () => {
    shared.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Voice ID domain'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('AssociationHandlerLogGroup') }, LogFormat: 'JSON' },
    });
    shared.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: KEY_ARN });
  });

  test('names its log groups under logGroupNamePrefix, unique per stack', () => {
    const { stack } = fixture({ logGroupNamePrefix: '/app/dev/' });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup')).map((g) => (g as { Properties: { LogGroupName: unknown } }).Properties.LogGroupName);
    const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
    expect(names).toEqual([
      { 'Fn::Join': ['', ['/app/dev/connect-association-handler/', stackUuid]] },
      { 'Fn::Join': ['', ['/app/dev/connect-association-provider/', stackUuid]] },
    ]);
  });

  test('the association handler has least privilege: the instance, Connect\'s service-linked role and managed rule, the domain', () => {
    const statements = handlerStatements(shared.template);
    expect(statements).toContainEqual({
      Sid: 'ManageVoiceIdAssociationOfThisInstance',
      Effect: 'Allow',
      Action: ['connect:CreateIntegrationAssociation', 'connect:DeleteIntegrationAssociation', 'connect:ListIntegrationAssociations'],
      Resource: [INSTANCE_ARN, `${INSTANCE_ARN}/integration-association/*`],
    });
    // The dependent actions the IAM action reference lists for CreateIntegrationAssociation and DeleteIntegrationAssociation.
    expect(statements).toContainEqual({ Sid: 'DescribeThisInstance', Effect: 'Allow', Action: 'connect:DescribeInstance', Resource: INSTANCE_ARN });
    expect(statements).toContainEqual({ Sid: 'DescribeInstanceDirectory', Effect: 'Allow', Action: 'ds:DescribeDirectories', Resource: '*' });
    expect(statements).toContainEqual({
      Sid: 'ListTargetsOfConnectManagedVoiceIdRule',
      Effect: 'Allow',
      Action: 'events:ListTargetsByRule',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${REGION}:${ACCOUNT}:rule/*`]] },
    });
    expect(statements).toContainEqual({
      Sid: 'AddVoiceIdPermissionsToConnectServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:PutRolePolicy',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect*`]] },
    });
    expect(statements).toContainEqual({
      Sid: 'ManageConnectManagedVoiceIdRule',
      Effect: 'Allow',
      Action: ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${REGION}:${ACCOUNT}:rule/*`]] },
      Condition: { StringEquals: { 'events:ManagedBy': 'connect.amazonaws.com' } },
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'voiceid:DescribeDomain', Resource: DOMAIN_ARN });
    expect(JSON.stringify(statements)).not.toContain('voiceid:EvaluateSession');
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': `voiceid.${REGION}.amazonaws.com` } },
    });
    // Its own log group and its streams: the Arn attribute already ends in `:*` (no `:*:*`).
    expect(statements).toContainEqual({
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ConnectAssociationHandlerLogGroup/), 'Arn'] },
    });
    expect(statements).toHaveLength(9);
  });

  test('no policy grants on Resource "*" but ds:DescribeDirectories (no resource-level permissions), and no role uses an AWS managed policy', () => {
    const statements = [
      ...Object.values(shared.template.findResources('AWS::IAM::Policy')),
      ...Object.values(shared.template.findResources('AWS::IAM::ManagedPolicy')),
    ].flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } } }).Properties.PolicyDocument.Statement);
    const onEverything = statements.filter((s) => [s.Resource].flat().includes('*'));
    expect(onEverything.map((s) => s.Action)).toEqual(['ds:DescribeDirectories']);
    const connectRoles = Object.entries(shared.template.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('Connect'));
    expect(connectRoles).toHaveLength(2);
    for (const [, role] of connectRoles) {
      expect(JSON.stringify(role)).not.toContain(':iam::aws:policy/');
    }
  });

  test('creates the all-in-one flow and the after-IVR flow, active, after the Lambda association and the Voice ID association', () => {
    const flows = Object.values(shared.template.findResources('AWS::Connect::ContactFlow')) as Array<{ Properties: Record<string, unknown>; DependsOn: string[] }>;
    expect(flows.map((f) => f.Properties.Name).sort()).toEqual(['Voice ID authentication', 'Voice ID authentication - after IVR']);
    for (const flow of flows) {
      expect(flow.Properties).toEqual(
        expect.objectContaining({
          InstanceArn: INSTANCE_ARN,
          Type: 'CONTACT_FLOW',
          State: 'ACTIVE',
          Description: expect.stringMatching(/\(voice-id-authentication\.json (all-in-one|authenticate) [0-9a-f]{12}\)$/),
          Content: { 'Fn::Sub': [expect.any(String), { DecisionFunctionArn: fnArn(shared.stack, shared.decisionFunction) }] },
        }),
      );
      expect(flow.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ConnectLambdaIntegration/), expect.stringMatching(/^ConnectVoiceIdAssociation/)]));
    }
    expect(shared.integration.startStreamingFlowArn).toBeUndefined();
  });

  test('with ivrFlowArn also deploys the start-streaming flow, which transfers to that IVR and invokes no Lambda', () => {
    const ivrFlowArn = `${INSTANCE_ARN}/contact-flow/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
    const { stack, integration } = fixture({ ivrFlowArn });
    const flows = Object.values(Template.fromStack(stack).findResources('AWS::Connect::ContactFlow')) as Array<{ Properties: { Name: string; Content: unknown } }>;
    const start = flows.find((f) => f.Properties.Name === 'Voice ID authentication - start streaming')!;
    expect(typeof start.Properties.Content).toBe('string');
    const body = JSON.parse(start.Properties.Content as string) as { Actions: Array<{ Type: string; Parameters: Record<string, unknown> }> };
    expect(body.Actions.map((a) => a.Type)).toEqual(expect.arrayContaining(['UpdateContactData', 'StartVoiceIdStream', 'TransferToFlow']));
    expect(body.Actions.map((a) => a.Type)).not.toContain('InvokeLambdaFunction');
    expect(body.Actions.find((a) => a.Type === 'TransferToFlow')!.Parameters).toEqual({ ContactFlowId: ivrFlowArn });
    expect(stack.resolve(integration.startStreamingFlowArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ConnectStartStreamingFlow/), 'ContactFlowArn'] });
  });

  test('exposes the flow ARN and the association id', () => {
    expect(shared.stack.resolve(shared.integration.contactFlowArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ConnectContactFlow/), 'ContactFlowArn'] });
    expect(shared.stack.resolve(shared.integration.voiceIdAssociationId)).toEqual({ Ref: expect.stringMatching(/^ConnectVoiceIdAssociation/) });
  });

  test('takes the flow name and settings from props', () => {
    const { stack } = fixture({ flowName: 'Auth v2', authenticationThreshold: 80, watchlistId: 'abcdefghijklmnopqrstuv', minAuthenticationScore: 92 });
    const flows = Object.values(Template.fromStack(stack).findResources('AWS::Connect::ContactFlow')) as Array<{ Properties: { Name: string; Content: { 'Fn::Sub': [string, unknown] } } }>;
    const flow = flows.find((f) => f.Properties.Name === 'Auth v2')!;
    expect(flows.map((f) => f.Properties.Name)).toContain('Auth v2 - after IVR');
    const body = JSON.parse(flow.Properties.Content['Fn::Sub'][0]);
    const setVoiceId = body.Actions.find((a: { Identifier: string }) => a.Identifier === 'set-voice-id');
    expect(setVoiceId.Parameters).toEqual(expect.objectContaining({ VoiceAuthenticationThreshold: '80', WatchlistId: 'abcdefghijklmnopqrstuv' }));
    const invoke = body.Actions.find((a: { Type: string }) => a.Type === 'InvokeLambdaFunction');
    expect(invoke.Parameters.LambdaInvocationAttributes).toEqual({ customerId: '$.Attributes.customerId', minAuthenticationScore: '92' });
  });

  test.each([
    ['a malformed instance ARN', { instanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance' }, /instanceArn/],
    ['a blank flow name', { flowName: '  ' }, /flowName/],
    ['a flow name too long for the after-IVR name within 127 characters', { flowName: 'x'.repeat(116) }, /flowName must be 1-115 characters/],
    ['a flow name too long for the start-streaming name', { flowName: 'x'.repeat(110), ivrFlowArn: `${INSTANCE_ARN}/contact-flow/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee` }, /flowName must be 1-109 characters/],
    ['an IVR flow of another instance', { ivrFlowArn: 'arn:aws:connect:eu-west-2:123456789012:instance/99999999-2222-3333-4444-555555555555/contact-flow/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }, /ivrFlowArn must be the ARN of a contact flow of instance/],
    ['an authentication threshold over 100', { authenticationThreshold: 101 }, /authenticationThreshold must be a whole number from 0 to 100, got 101/],
    ['a fractional authentication threshold', { authenticationThreshold: 90.5 }, /authenticationThreshold/],
    ['a response time under 5 s', { authenticationResponseTimeSeconds: 4 }, /authenticationResponseTimeSeconds must be a whole number from 5 to 10, got 4/],
    ['a response time over 10 s', { authenticationResponseTimeSeconds: 11 }, /authenticationResponseTimeSeconds/],
    ['a negative fraud threshold', { fraudThreshold: -1 }, /fraudThreshold/],
    ['a watchlist id of the wrong length', { watchlistId: 'short' }, /watchlistId must be 22 letters or digits/],
    ['no retries', { maxRetries: 0 }, /maxRetries must be a whole number from 1 to 5, got 0/],
    ['more than 5 retries', { maxRetries: 6 }, /maxRetries/],
    ['a fraud queue of another instance', { fraudQueueArn: 'arn:aws:connect:eu-west-2:123456789012:instance/99999999-2222-3333-4444-555555555555/queue/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }, /fraudQueueArn must be the ARN of a queue of instance/],
    ['a next queue that is not a queue ARN', { nextQueueArn: `${INSTANCE_ARN}/contact-flow/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee` }, /nextQueueArn/],
    ['a minimum score over 100', { minAuthenticationScore: 150 }, /minAuthenticationScore/],
  ])('rejects %s, naming the prop', (_label, props, message) => {
    expect(() => fixture(props as Partial<ConnectVoiceIdIntegrationProps>)).toThrow(message);
  });

  test('accepts an instance ARN that is a token', () => {
    const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Tokens', { env: { account: ACCOUNT, region: REGION } });
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    const domain = VoiceIdDomain.fromDomainAttributes(stack, 'Domain', { domainId: 'abcdefghijklmnopqrstuv', encryptionKey: key });
    const decisionFunction = lambda.Function.fromFunctionArn(stack, 'Decide', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:decide`);
    const instanceArn = new CfnParameter(stack, 'InstanceArn').valueAsString;
    new ConnectVoiceIdIntegration(stack, 'Connect', { instanceArn, decisionFunction, domain });
    Template.fromStack(stack).hasResourceProperties('Custom::ConnectVoiceIdAssociation', {
      InstanceId: { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { Ref: 'InstanceArn' }] }] }] }] },
    });
  });
});

describe('cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA)', () => {
  test('reports no unacknowledged finding for the construct with a function and an imported domain', () => {
    // A dummy (imported) decision function: its own findings belong to its own construct.
    const { app } = fixture({}, { importFunction: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app));
    // In a test, synth throws on unacknowledged findings.
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? []);
    expect(violations).toEqual([]);
  });
});
