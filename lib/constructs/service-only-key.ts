import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * What the account keeps through IAM: managing the key, never using it. AWS's key-administrator list, with
 * `kms:CreateAlias` instead of `kms:Create*` (which also matches `kms:CreateGrant`).
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** What encrypting and decrypting data with a symmetric key takes. */
export const DATA_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/** Every KMS action that uses key material, or hands that use to someone else (a grant). */
const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:Sign',
  'kms:Verify',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:DeriveSharedSecret',
  'kms:CreateGrant',
];

/** The service endpoint KMS sees in `kms:ViaService` when `service` (e.g. `s3`) calls it on a principal's behalf. */
export function viaServiceEndpoint(scope: Construct, service: string): string {
  return `${service}.${Stack.of(scope).region}.amazonaws.com`;
}

/** Properties of a {@link ServiceOnlyKey}. */
export interface ServiceOnlyKeyProps {
  /** What the key protects. */
  readonly description: string;
  /**
   * Alias of the key.
   * @default - no alias
   */
  readonly alias?: string;
  /**
   * What happens to the key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Waiting period before a scheduled deletion takes effect (7-30 days).
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/**
 * A symmetric customer-managed key (rotation on) whose policy separates duties: the account administers it
 * through IAM, so nobody is locked out and CloudFormation can manage it, but the key policy lets account
 * principals use it for data only through named AWS services (`kms:ViaService`, `kms:CallerAccount`) and
 * lets service principals use it only under conditions.
 *
 * The default key policy (account root: `kms:*`) would make every `kms:ViaService` condition meaningless,
 * since any principal with KMS rights in IAM could decrypt directly; this key never has it. Synth fails if
 * any statement (a later `grant*` falling back to the key policy, say) lets a principal use the key without
 * such conditions.
 */
export class ServiceOnlyKey extends kms.Key {
  constructor(scope: Construct, id: string, props: ServiceOnlyKeyProps) {
    super(scope, id, {
      description: props.description,
      alias: props.alias,
      enableKeyRotation: true,
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AllowKeyAdministrationThroughIam',
            principals: [new iam.AccountRootPrincipal()],
            actions: KEY_ADMINISTRATION_ACTIONS,
            resources: ['*'],
          }),
        ],
      }),
    });
    this.node.addValidation({ validate: () => unconditionedUseOf(Stack.of(this).resolve(this.policy?.toJSON())) });
  }

  /**
   * Lets principals of this account encrypt and decrypt with the key, but only through the given services of
   * this region (`s3`, `dynamodb`, ...) acting on their behalf; their IAM policies still decide who may.
   */
  allowUseThrough(sid: string, services: string[]): void {
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.AccountRootPrincipal()],
        actions: DATA_ACTIONS,
        resources: ['*'],
        conditions: { StringEquals: this.throughServices(services) },
      }),
    );
  }

  /**
   * Lets principals of this account create grants on the key through the given services, only for the
   * service's own use (`kms:GrantIsForAWSResource`), as services that keep data encrypted at rest do.
   */
  allowGrantsThrough(sid: string, services: string[]): void {
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: this.throughServices(services), Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }

  /**
   * Lets an AWS service principal use the key in its own name. The conditions are required: they are what
   * tie the service's use to this app's resources (`aws:SourceArn`, an encryption context).
   */
  allowServicePrincipal(sid: string, servicePrincipal: string, actions: string[], conditions: Record<string, Record<string, unknown>>): void {
    if (Object.keys(conditions).length === 0) throw new Error(`ServiceOnlyKey: statement ${sid} for ${servicePrincipal} needs conditions that scope it to this app's resources`);
    this.addToResourcePolicy(
      new iam.PolicyStatement({ sid, principals: [new iam.ServicePrincipal(servicePrincipal)], actions, resources: ['*'], conditions }),
    );
  }

  private throughServices(services: string[]): Record<string, unknown> {
    if (services.length === 0) throw new Error('ServiceOnlyKey: name at least one service');
    const endpoints = services.map((s) => viaServiceEndpoint(this, s));
    return { 'kms:ViaService': endpoints.length === 1 ? endpoints[0] : endpoints, 'kms:CallerAccount': Stack.of(this).account };
  }
}

interface ResolvedStatement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: unknown; Service?: unknown } | string;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Statements that let a principal use the key without the conditions that make it a service-only key. */
function unconditionedUseOf(policy: { Statement?: ResolvedStatement[] } | undefined): string[] {
  const findings: string[] = [];
  for (const statement of policy?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    // NotAction allows every action it does not name.
    const uses =
      statement.NotAction !== undefined
        ? KEY_USE_ACTIONS.filter((action) => ![statement.NotAction].flat().some((pattern) => actionMatches(pattern as string, action)))
        : [statement.Action ?? []].flat().flatMap((pattern) => KEY_USE_ACTIONS.filter((action) => actionMatches(pattern, action)));
    if (uses.length === 0) continue;
    const name = statement.Sid ?? JSON.stringify(statement.Action ?? statement.NotAction);
    const keys = Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c));
    // Only an exact match restricts: StringLike "*" or StringNotEquals on the same keys would let anything through.
    const exact = Object.keys(statement.Condition?.StringEquals ?? {});
    const principal = statement.Principal;
    if (typeof principal === 'object' && principal.Service !== undefined && principal.AWS === undefined) {
      if (keys.length === 0 || Object.keys(statement.Condition ?? {}).every((operator) => operator.startsWith('StringNot') || operator.startsWith('ArnNot'))) findings.push(`ServiceOnlyKey: statement ${name} lets a service principal use the key without conditions`);
    } else if (typeof principal === 'object' && principal.AWS !== undefined && principal.Service === undefined) {
      if (!exact.includes('kms:ViaService') || !exact.includes('kms:CallerAccount')) {
        findings.push(`ServiceOnlyKey: statement ${name} lets IAM principals use the key (${uses.join(', ')}) without kms:ViaService and kms:CallerAccount under StringEquals`);
      }
      if (uses.includes('kms:CreateGrant') && statement.Condition?.Bool?.['kms:GrantIsForAWSResource'] !== 'true') {
        findings.push(`ServiceOnlyKey: statement ${name} allows kms:CreateGrant without kms:GrantIsForAWSResource`);
      }
    } else {
      findings.push(`ServiceOnlyKey: statement ${name} mixes or omits principal kinds; give IAM and service principals statements of their own`);
    }
  }
  return findings;
}

function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}
