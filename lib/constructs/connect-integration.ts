import * as path from 'node:path';
import { ArnFormat, CfnElement, CustomResource, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DEFAULT_ACCEPTANCE_THRESHOLD, DEFAULT_FRAUD_RISK_THRESHOLD } from '../../lambda/contact-flow-decision/domain/policy';
import { MAX_FLOW_RETRIES, renderVoiceIdAuthenticationFlow, VoiceIdAuthenticationFlowSettings, type VoiceIdFlowPart } from './connect-flow';
import { BUNDLING } from './contact-flow-decision-function';
import { deploymentLogGroupName } from './telemetry-names';
import { IVoiceIdDomain } from './voice-id-domain';
import { acknowledgeLambdaPlacement } from '../nag/lambda-acknowledgements';

/** `arn:<partition>:connect:<region>:<account>:instance/<uuid>`. */
const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `<instance ARN>/queue/<uuid>`. */
const QUEUE_ARN_SUFFIX = /^\/queue\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `<instance ARN>/contact-flow/<uuid>`. */
const CONTACT_FLOW_ARN_SUFFIX = /^\/contact-flow\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Voice ID watchlist ids are 22 alphanumerics. */
const WATCHLIST_ID = /^[a-zA-Z0-9]{22}$/;

/** Properties of a {@link ConnectVoiceIdIntegration}. */
export interface ConnectVoiceIdIntegrationProps {
  /** ARN of the Amazon Connect instance: `arn:<partition>:connect:<region>:<account>:instance/<id>`. */
  readonly instanceArn: string;
  /** The Lambda the flow invokes for a decision (returns `decision` and `decisionId` as a string map). */
  readonly decisionFunction: lambda.IFunction;
  /** The Voice ID domain to associate with the instance (one domain per instance). */
  readonly domain: IVoiceIdDomain;
  /**
   * Name of the contact flow in the instance (1-127 characters). Names are unique per instance, so
   * two stacks deploying into one instance must choose different names.
   * @default 'Voice ID authentication'
   */
  readonly flowName?: string;
  /**
   * Set Voice ID authentication threshold: the score (0-100) at or above which Voice ID accepts the caller.
   * @default 90
   */
  readonly authenticationThreshold?: number;
  /**
   * Set Voice ID authentication response time: seconds (5-10) of net caller speech before Voice ID decides.
   * @default 10
   */
  readonly authenticationResponseTimeSeconds?: number;
  /**
   * Set Voice ID fraud detection threshold: the risk score (0-100) at or above which a caller is high risk.
   * @default 50
   */
  readonly fraudThreshold?: number;
  /**
   * Fraudster watchlist (22 letters or digits) to screen callers against.
   * @default - the domain's default watchlist
   */
  readonly watchlistId?: string;
  /**
   * How many more times the flow asks the caller to keep talking and re-invokes the Lambda when it answers
   * RETRY (speech still streaming); after that the caller is handed off as INCONCLUSIVE (1-5).
   * @default 2
   */
  readonly maxRetries?: number;
  /**
   * Queue HIGH_RISK callers are transferred to (an ARN of a queue of this instance), with the contact
   * attributes `voiceIdHighRisk=true` and `voiceIdAuthenticated=false`.
   * @default - HIGH_RISK callers hear a neutral prompt and are disconnected
   */
  readonly fraudQueueArn?: string;
  /**
   * Queue every other caller is transferred to after the check (an ARN of a queue of this instance).
   * Agents and later flows read `voiceIdAuthenticated` (`true` only for AUTHENTICATED) and `voiceIdDecision`.
   * @default - the contact's working queue, which the flow transferring into this one sets (Set working queue)
   */
  readonly nextQueueArn?: string;
  /**
   * Flow parameter `minAuthenticationScore` (0-100) passed to the Lambda. The Lambda applies it only when it
   * is stricter than its own policy, so it can tighten but never loosen authentication.
   * @default - not passed; the Lambda's deployment policy applies
   */
  readonly minAuthenticationScore?: number;
  /**
   * Whether the flow treats an AUTHENTICATED whose decision record failed (`recordStatus` FAILED) as not
   * authenticated. Set it to match the decision function's `decisionRecord` policy.
   * @default false
   */
  readonly decisionRecordRequired?: boolean;
  /**
   * The contact center's own IVR flow (an ARN of a contact flow of this instance). With it, a second flow
   * (`<flowName> - start streaming`) is deployed for the top of an inbound flow: it starts Voice ID streaming and
   * transfers to this IVR, so that the caller's dialogue with it is the speech Voice ID listens to; the IVR then
   * sets `customerId` and transfers to `<flowName> - after IVR`, which is always deployed.
   * @default - only the all-in-one flow and the after-IVR flow are deployed
   */
  readonly ivrFlowArn?: string;
  /**
   * How long the association handler's and the Provider framework's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key encrypting those log groups. Its key policy must let CloudWatch Logs use it for them
   * (`kms:EncryptionContext:aws:logs:arn`).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Prefix of the log groups' names, e.g. so that a key policy can be scoped to them; each name continues
   * with the function's purpose and the stack's id (`<prefix>connect-association-handler/<uuid>`).
   * @default - names CloudFormation generates
   */
  readonly logGroupNamePrefix?: string;
}

/**
 * Wires an Amazon Connect instance to Voice ID and the decision Lambda:
 *
 * - `AWS::Connect::IntegrationAssociation` (LAMBDA_FUNCTION) for the decision function, and an invoke
 *   permission for `connect.amazonaws.com` scoped to the instance (SourceArn) and its account (SourceAccount).
 * - The Voice ID domain <-> instance association (`VOICE_ID`, which CloudFormation does not support), as a
 *   custom resource on the CDK Provider framework whose handler is idempotent and refuses to displace
 *   another domain.
 * - The contact flow `lib/connect/flows/voice-id-authentication.json` (`AWS::Connect::ContactFlow`, ACTIVE).
 *
 * **Flow contract.** Transfer callers into the flow with the contact attribute `customerId` set to the
 * claimed identity (Voice ID's CustomerSpeakerId); the flow copies it into the contact's Customer ID. If
 * the attribute is absent the block takes its error branch and any Customer ID set before is kept; with
 * none, Voice ID can still screen for fraud but answers NOT_ENROLLED for authentication. The flow leaves
 * `voiceIdAuthenticated` (`true` only after AUTHENTICATED), `voiceIdDecision`, `voiceIdDecisionId` and,
 * for fraud, `voiceIdHighRisk` on the contact.
 */
export class ConnectVoiceIdIntegration extends Construct {
  /** The all-in-one contact flow. */
  readonly contactFlow: connect.CfnContactFlow;
  /** ARN of the all-in-one contact flow, e.g. for a TransferToFlow action or a phone number association. */
  readonly contactFlowArn: string;
  /** ARN of the flow an IVR transfers to once it has set `customerId` (streaming must already run). */
  readonly authenticateFlowArn: string;
  /** ARN of the flow that starts streaming and transfers to `ivrFlowArn`, when that is set. */
  readonly startStreamingFlowArn?: string;
  /** IntegrationAssociationId of the Voice ID domain association. */
  readonly voiceIdAssociationId: string;
  /** The Lambda integration association. */
  readonly lambdaIntegration: connect.CfnIntegrationAssociation;
  /** The function behind the Voice ID association custom resource. */
  readonly associationHandler: lambda.IFunction;

  constructor(scope: Construct, id: string, props: ConnectVoiceIdIntegrationProps) {
    super(scope, id);
    const settings = validate(props);
    const stack = Stack.of(this);
    const instance = stack.splitArn(props.instanceArn, ArnFormat.SLASH_RESOURCE_NAME);
    const instanceId = instance.resourceName as string;

    // 1. The decision Lambda: callable by this instance only, and associated with it.
    props.decisionFunction.addPermission(`ConnectInvoke${stableSuffix(this)}`, {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: instance.account,
      sourceArn: props.instanceArn,
    });
    this.lambdaIntegration = new connect.CfnIntegrationAssociation(this, 'LambdaIntegration', {
      instanceId: props.instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: props.decisionFunction.functionArn,
    });

    // 2. The Voice ID domain association (custom resource).
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const logGroupName = (purpose: string) => (props.logGroupNamePrefix === undefined ? undefined : deploymentLogGroupName(this, props.logGroupNamePrefix, purpose));
    const handlerLogGroup = new logs.LogGroup(this, 'AssociationHandlerLogGroup', {
      logGroupName: logGroupName('connect-association-handler'),
      retention: logRetention,
      encryptionKey: props.logEncryptionKey,
    });
    const handlerRole = this.functionRole('AssociationHandlerRole', handlerLogGroup, 'Role of the Voice ID association custom resource handler');
    const handler = new NodejsFunction(this, 'AssociationHandler', {
      description: 'Associates a Voice ID domain with an Amazon Connect instance (custom resource)',
      entry: path.join(__dirname, '..', '..', 'lambda', 'connect-voice-id-association', 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role: handlerRole,
      logGroup: handlerLogGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { POWERTOOLS_SERVICE_NAME: 'connect-voice-id-association', NODE_OPTIONS: '--enable-source-maps' },
      bundling: BUNDLING,
    });
    this.associationHandler = handler;
    this.grantManageVoiceIdAssociation(handlerRole, props.instanceArn);
    // voiceid:DescribeDomain on this domain, with kms:Decrypt through Voice ID only.
    props.domain.grantDescribe(handlerRole);

    const providerLogGroup = new logs.LogGroup(this, 'AssociationProviderLogGroup', {
      logGroupName: logGroupName('connect-association-provider'),
      retention: logRetention,
      encryptionKey: props.logEncryptionKey,
    });
    const provider = new cr.Provider(this, 'AssociationProvider', {
      onEventHandler: handler,
      logGroup: providerLogGroup,
      frameworkOnEventRole: this.functionRole('AssociationProviderRole', providerLogGroup, 'Role of the CDK Provider framework function of the Voice ID association'),
    });
    const association = new CustomResource(this, 'VoiceIdAssociation', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ConnectVoiceIdAssociation',
      properties: { InstanceId: instanceId, DomainArn: props.domain.domainArn },
    });
    // The role's subtree holds the domain grant's default policy, which the function does not wait for.
    association.node.addDependency(handlerRole);
    this.voiceIdAssociationId = association.ref;
    this.acknowledgeFindings(handler, handlerRole, provider);

    // 3. The contact flows: all in one, and the two halves around the contact center's own IVR.
    const flow = (id: string, part: VoiceIdFlowPart, name: string, purpose: string): connect.CfnContactFlow => {
      const rendered = renderVoiceIdAuthenticationFlow({ ...settings, decisionFunctionArn: props.decisionFunction.functionArn }, part);
      const contactFlow = new connect.CfnContactFlow(this, id, {
        instanceArn: props.instanceArn,
        name,
        type: 'CONTACT_FLOW',
        state: 'ACTIVE',
        description: `${purpose} (voice-id-authentication.json ${part} ${rendered.fileDigest})`,
        content: Object.keys(rendered.variables).length > 0 ? Fn.sub(rendered.body, rendered.variables) : rendered.body,
      });
      // Connect checks at save time that the flow's Lambda is associated with the instance.
      contactFlow.addResourceDependency(this.lambdaIntegration);
      contactFlow.node.addDependency(association);
      return contactFlow;
    };
    this.contactFlow = flow('ContactFlow', 'all-in-one', settings.flowName, 'Voice ID caller authentication and fraud screening');
    this.contactFlowArn = this.contactFlow.attrContactFlowArn;
    this.authenticateFlowArn = flow('AuthenticateFlow', 'authenticate', `${settings.flowName} - after IVR`, 'Voice ID authentication after the IVR set customerId').attrContactFlowArn;
    if (settings.ivrFlowArn !== undefined) {
      this.startStreamingFlowArn = flow('StartStreamingFlow', 'start-streaming', `${settings.flowName} - start streaming`, 'Starts Voice ID streaming, then transfers to the IVR').attrContactFlowArn;
    }
  }

  /**
   * A Lambda role that may write to its own log group only (instead of AWSLambdaBasicExecutionRole's
   * `logs:*` on every log group), through a customer-managed policy.
   */
  private functionRole(id: string, logGroup: logs.ILogGroup, description: string): iam.Role {
    const role = new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
    const policy = new iam.ManagedPolicy(this, `${id}LogsPolicy`, {
      description: 'Writes the function\'s logs to its own log group',
      statements: [
        // The log group's Arn attribute already ends in `:*`, which covers the streams Lambda creates in it.
        new iam.PolicyStatement({ sid: 'WriteOwnLogGroup', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ],
    });
    // Attached from the role's side, so that the function (which depends on its role) waits for the policy.
    role.addManagedPolicy(policy);
    return role;
  }

  /**
   * What CreateIntegrationAssociation / DeleteIntegrationAssociation with `VOICE_ID` need (the custom policy
   * AWS documents next to AmazonConnectVoiceIDFullAccess): the association APIs on this instance, Connect's
   * service-linked role policy, and Connect's managed EventBridge rule; plus the dependent actions the IAM
   * action reference lists, which Connect checks on the caller: `connect:DescribeInstance` and
   * `ds:DescribeDirectories` for the create, `events:ListTargetsByRule` for the delete.
   *
   * The IAM and EventBridge statements are not tied to Connect calling on the handler's behalf: `aws:CalledVia`
   * is set only by the few services IAM documents for it (Amazon Connect is not one of them), and whether
   * Connect's checks of these dependent actions carry `aws:ViaAWSService` is not documented, so a condition
   * on it could refuse the association with no way to test it here.
   */
  private grantManageVoiceIdAssociation(role: iam.Role, instanceArn: string): void {
    const stack = Stack.of(this);
    const rules = `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/*`;
    const policy = new iam.ManagedPolicy(this, 'AssociationPolicy', {
      description: 'Lets the custom resource associate a Voice ID domain with one Amazon Connect instance',
      statements: [
        new iam.PolicyStatement({
          sid: 'ManageVoiceIdAssociationOfThisInstance',
          actions: ['connect:CreateIntegrationAssociation', 'connect:DeleteIntegrationAssociation', 'connect:ListIntegrationAssociations'],
          resources: [instanceArn, `${instanceArn}/integration-association/*`],
        }),
        new iam.PolicyStatement({ sid: 'DescribeThisInstance', actions: ['connect:DescribeInstance'], resources: [instanceArn] }),
        new iam.PolicyStatement({ sid: 'DescribeInstanceDirectory', actions: ['ds:DescribeDirectories'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'AddVoiceIdPermissionsToConnectServiceLinkedRole',
          actions: ['iam:PutRolePolicy'],
          resources: [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect*`],
        }),
        new iam.PolicyStatement({
          sid: 'ManageConnectManagedVoiceIdRule',
          actions: ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets'],
          resources: [rules],
          conditions: { StringEquals: { 'events:ManagedBy': 'connect.amazonaws.com' } },
        }),
        // Read-only, and apart from the statement above: a condition key missing from this action's request
        // context (events:ManagedBy is documented for the rule-changing actions) would make it deny.
        new iam.PolicyStatement({ sid: 'ListTargetsOfConnectManagedVoiceIdRule', actions: ['events:ListTargetsByRule'], resources: [rules] }),
      ],
    });
    role.addManagedPolicy(policy);
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${instanceArnForNag(instanceArn)}/integration-association/*]`,
        reason: 'DeleteIntegrationAssociation acts on the association the handler created, whose id Connect generates; the wildcard stays inside this instance.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:${partitionForNag(stack)}:iam::${accountForNag(stack)}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect*]`,
        reason: 'Connect adds the Voice ID policy to its service-linked role, whose name carries a generated suffix (AWSServiceRoleForAmazonConnect_<id>); AWS documents exactly this pattern.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:${partitionForNag(stack)}:events:${regionForNag(stack)}:${accountForNag(stack)}:rule/*]`,
        reason:
          'Connect names its managed Voice ID rule itself; events:ManagedBy = connect.amazonaws.com limits the changing actions to rules Connect manages, and ListTargetsByRule only reads.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ds:DescribeDirectories, which Connect checks before CreateIntegrationAssociation, supports no resource-level permissions; it only reads directory metadata.',
      },
    );
  }

  private acknowledgeFindings(handler: NodejsFunction, handlerRole: iam.Role, provider: cr.Provider): void {
    const stack = Stack.of(this);
    const noVpc = 'Runs only during deployment and calls the public Amazon Connect API; it holds no data and needs no network isolation.';
    const noDlq = 'Invoked synchronously by the Provider framework during a deployment; a failure fails the deployment, there is nothing to re-drive.';
    const noConcurrency = 'Runs once per deployment of this stack; reserving concurrency would only take it from the account pool.';
    // The Provider framework does not expose its function; 'framework-onEvent' is its construct id.
    const frameworkFunction = provider.node.findChild('framework-onEvent');
    for (const fn of [handler, frameworkFunction]) {
      acknowledgeLambdaPlacement(fn, { noVpc, noDlq, noReservedConcurrency: noConcurrency });
    }
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 like every function of this app, matching the esbuild target it is bundled for; moved together with them.',
    });

    // The domain's grant lands in the role's default (inline) policy; everything else is in managed policies.
    const grantReason = 'Holds only what IVoiceIdDomain.grantDescribe adds (Voice ID on this one domain, kms:Decrypt through Voice ID); the domain construct owns that statement.';
    Validations.of(handlerRole.node.findChild('DefaultPolicy')).acknowledge(
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: grantReason },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: grantReason },
    );
    // The framework grants itself the right to invoke the handler (any version: `<arn>:*`) in its role's default policy.
    const frameworkRole = this.node.findChild('AssociationProviderRole');
    const invokeReason = 'The CDK Provider framework grants itself lambda:InvokeFunction on the handler; CDK writes it into the role\'s default policy.';
    Validations.of(frameworkRole.node.findChild('DefaultPolicy')).acknowledge(
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: invokeReason },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: invokeReason },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(handler.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'The Provider framework may invoke any version of the association handler (lambda:InvokeFunction on <handler ARN>:*), and only that function.',
      },
    );
  }
}

/** Settings after defaults, as the flow renderer takes them. */
type ResolvedSettings = Omit<VoiceIdAuthenticationFlowSettings, 'decisionFunctionArn'> & { readonly flowName: string };

function validate(props: ConnectVoiceIdIntegrationProps): ResolvedSettings {
  const fail = (message: string): never => {
    throw new Error(`ConnectVoiceIdIntegration: ${message}`);
  };
  const { instanceArn } = props;
  if (!Token.isUnresolved(instanceArn) && !INSTANCE_ARN.test(instanceArn)) {
    fail(`instanceArn must be an Amazon Connect instance ARN (arn:<partition>:connect:<region>:<account>:instance/<id>), got '${instanceArn}'`);
  }
  const integer = (name: string, value: number | undefined, min: number, max: number, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min || v > max) fail(`${name} must be a whole number from ${min} to ${max}, got ${v}`);
    return v;
  };
  const settings: ResolvedSettings = {
    flowName: props.flowName ?? 'Voice ID authentication',
    authenticationThreshold: integer('authenticationThreshold', props.authenticationThreshold, 0, 100, DEFAULT_ACCEPTANCE_THRESHOLD),
    authenticationResponseTimeSeconds: integer('authenticationResponseTimeSeconds', props.authenticationResponseTimeSeconds, 5, 10, 10),
    fraudThreshold: integer('fraudThreshold', props.fraudThreshold, 0, 100, DEFAULT_FRAUD_RISK_THRESHOLD),
    maxRetries: integer('maxRetries', props.maxRetries, 1, MAX_FLOW_RETRIES, 2),
    watchlistId: props.watchlistId,
    fraudQueueArn: props.fraudQueueArn,
    nextQueueArn: props.nextQueueArn,
    minAuthenticationScore: props.minAuthenticationScore === undefined ? undefined : integer('minAuthenticationScore', props.minAuthenticationScore, 0, 100, 0),
    decisionRecordRequired: props.decisionRecordRequired ?? false,
    ivrFlowArn: props.ivrFlowArn,
  };
  const { flowName } = settings;
  // The longest name derived from it must fit Connect's 127 characters too.
  const maxName = 127 - (props.ivrFlowArn !== undefined ? ' - start streaming' : ' - after IVR').length;
  if (!Token.isUnresolved(flowName) && (flowName.trim().length === 0 || flowName.length > maxName)) {
    fail(`flowName must be 1-${maxName} characters and not blank, got '${flowName}'`);
  }
  if (props.ivrFlowArn !== undefined && !Token.isUnresolved(props.ivrFlowArn) && !Token.isUnresolved(instanceArn)) {
    if (!props.ivrFlowArn.startsWith(instanceArn) || !CONTACT_FLOW_ARN_SUFFIX.test(props.ivrFlowArn.slice(instanceArn.length))) {
      fail(`ivrFlowArn must be the ARN of a contact flow of instance ${instanceArn} (<instanceArn>/contact-flow/<id>), got '${props.ivrFlowArn}'`);
    }
  }
  if (props.watchlistId !== undefined && !Token.isUnresolved(props.watchlistId) && !WATCHLIST_ID.test(props.watchlistId)) {
    fail(`watchlistId must be 22 letters or digits, got '${props.watchlistId}'`);
  }
  for (const [name, queueArn] of [['fraudQueueArn', props.fraudQueueArn], ['nextQueueArn', props.nextQueueArn]] as const) {
    if (queueArn === undefined || Token.isUnresolved(queueArn) || Token.isUnresolved(instanceArn)) continue;
    if (!queueArn.startsWith(instanceArn) || !QUEUE_ARN_SUFFIX.test(queueArn.slice(instanceArn.length))) {
      fail(`${name} must be the ARN of a queue of instance ${instanceArn} (<instanceArn>/queue/<id>), got '${queueArn}'`);
    }
  }
  return settings;
}

/** A suffix that keeps permission ids unique when two integrations share one function. */
function stableSuffix(scope: Construct): string {
  return scope.node.addr.slice(0, 8);
}

/** How cdk-nag prints a value in a finding id: tokens as `<Logical.Attr>` / `<AWS::Pseudo>`, literals as is. */
function instanceArnForNag(instanceArn: string): string {
  return Token.isUnresolved(instanceArn) ? '<instanceArn>' : instanceArn;
}
function accountForNag(stack: Stack): string {
  return Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
}
/** A literal once the region is known and cdk.json's `@aws-cdk/core:target-partitions` names the partitions. */
function partitionForNag(stack: Stack): string {
  return Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
}
function regionForNag(stack: Stack): string {
  return Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
}
