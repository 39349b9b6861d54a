import { Arn, ArnFormat, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnDomain } from 'aws-cdk-lib/aws-voiceid';
import { Construct } from 'constructs';

/** `AWS::VoiceID::Domain` Name and Description constraints, from the CloudFormation schema. */
export const DOMAIN_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
export const DOMAIN_DESCRIPTION_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-%@]*)$/u;

/** Voice ID API actions, grouped by what a caller does with the domain. */
const EVALUATE_ACTIONS = ['voiceid:EvaluateSession'];
const DESCRIBE_ACTIONS = ['voiceid:DescribeDomain'];
const BATCH_JOB_ACTIONS = [
  'voiceid:StartSpeakerEnrollmentJob',
  'voiceid:DescribeSpeakerEnrollmentJob',
  'voiceid:ListSpeakerEnrollmentJobs',
  'voiceid:StartFraudsterRegistrationJob',
  'voiceid:DescribeFraudsterRegistrationJob',
  'voiceid:ListFraudsterRegistrationJobs',
  'voiceid:DescribeDomain',
];
const DESCRIBE_JOB_ACTIONS = ['voiceid:DescribeSpeakerEnrollmentJob', 'voiceid:DescribeFraudsterRegistrationJob'];
const SPEAKER_ADMIN_ACTIONS = [
  'voiceid:DescribeSpeaker',
  'voiceid:ListSpeakers',
  'voiceid:OptOutSpeaker',
  'voiceid:DeleteSpeaker',
  'voiceid:DescribeFraudster',
  'voiceid:ListFraudsters',
  'voiceid:DeleteFraudster',
  'voiceid:AssociateFraudster',
  'voiceid:DisassociateFraudster',
  'voiceid:ListWatchlists',
  'voiceid:DescribeWatchlist',
  'voiceid:DescribeDomain',
];

/** A Voice ID domain, imported or defined here. */
export interface IVoiceIdDomain extends IResource {
  /** The 22-character domain id. @attribute */
  readonly domainId: string;
  /** `arn:<partition>:voiceid:<region>:<account>:domain/<domainId>`. @attribute */
  readonly domainArn: string;
  /** The customer-managed key the domain's data is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** Lets the grantee evaluate sessions (the contact-flow Lambda). */
  grantEvaluate(grantee: iam.IGrantable): iam.Grant;
  /** Lets the grantee describe the domain (e.g. to associate it with an Amazon Connect instance). */
  grantDescribe(grantee: iam.IGrantable): iam.Grant;
  /**
   * Lets the grantee start and follow batch speaker-enrollment and fraudster-registration jobs,
   * passing `dataAccessRole` to Voice ID (and to no other service).
   */
  grantBatchJobs(grantee: iam.IGrantable, dataAccessRole: iam.IRole): iam.Grant;
  /** Lets the grantee read the status of batch jobs (and start none). */
  grantDescribeJobs(grantee: iam.IGrantable): iam.Grant;
  /** Lets the grantee read, opt out and delete speakers and fraudsters, and manage watchlist membership. */
  grantSpeakerAdmin(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of a {@link VoiceIdDomain}. */
export interface VoiceIdDomainProps {
  /**
   * Name of the domain: 1-256 letters, digits, `_` or `-`, starting with a letter or digit.
   * Names need not be unique; the service identifies a domain by its generated id.
   */
  readonly domainName: string;
  /**
   * Description of the domain.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Symmetric customer-managed key that encrypts voiceprints, audio, speaker ids and metadata.
   * Voice ID does not accept AWS-managed or asymmetric keys. The key policy gains the statement
   * Voice ID needs to create its grant at `CreateDomain`.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to the domain when it leaves the stack. Deleting a domain is a 30-day soft delete
   * that counts against the 3-domains-per-account quota.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

abstract class VoiceIdDomainBase extends Resource implements IVoiceIdDomain {
  abstract readonly domainId: string;
  abstract readonly domainArn: string;
  abstract readonly encryptionKey: kms.IKey;

  grantEvaluate(grantee: iam.IGrantable): iam.Grant {
    return this.grantDomainActions(grantee, EVALUATE_ACTIONS);
  }

  grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return this.grantDomainActions(grantee, DESCRIBE_ACTIONS);
  }

  grantBatchJobs(grantee: iam.IGrantable, dataAccessRole: iam.IRole): iam.Grant {
    const grant = this.grantDomainActions(grantee, BATCH_JOB_ACTIONS);
    // The caller hands the role to Voice ID with the job; the condition keeps it from being passed anywhere else.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [dataAccessRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'voiceid.amazonaws.com' } },
    });
    return grant;
  }

  grantDescribeJobs(grantee: iam.IGrantable): iam.Grant {
    return this.grantDomainActions(grantee, DESCRIBE_JOB_ACTIONS);
  }

  grantSpeakerAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grantDomainActions(grantee, SPEAKER_ADMIN_ACTIONS);
  }

  /**
   * Every Voice ID call on the domain decrypts with the domain key, so each grant carries `kms:Decrypt`,
   * usable only through Voice ID in this region.
   */
  private grantDomainActions(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.domainArn] });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': voiceIdServiceEndpoint(this) } },
    });
    return grant;
  }
}

/** The service endpoint KMS sees in `kms:ViaService` when Voice ID calls it on a principal's behalf. */
export function voiceIdServiceEndpoint(scope: Construct): string {
  return `voiceid.${Stack.of(scope).region}.amazonaws.com`;
}

/**
 * An Amazon Connect Voice ID domain (`AWS::VoiceID::Domain`), encrypted with a customer-managed key.
 *
 * CloudFormation returns only the domain id, so the ARN is built here.
 */
export class VoiceIdDomain extends VoiceIdDomainBase {
  /** Imports a domain defined elsewhere, by id, with the key it is encrypted with. */
  static fromDomainAttributes(scope: Construct, id: string, attrs: { domainId: string; encryptionKey: kms.IKey }): IVoiceIdDomain {
    class Import extends VoiceIdDomainBase {
      readonly domainId = attrs.domainId;
      readonly domainArn = domainArnOf(this, attrs.domainId);
      readonly encryptionKey = attrs.encryptionKey;
    }
    return new Import(scope, id);
  }

  readonly domainId: string;
  readonly domainArn: string;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: VoiceIdDomainProps) {
    super(scope, id);
    validateProps(props);

    this.encryptionKey = props.encryptionKey;
    const domain = new CfnDomain(this, 'Resource', {
      name: props.domainName,
      description: props.description,
      serverSideEncryptionConfiguration: { kmsKeyId: props.encryptionKey.keyArn },
    });
    domain.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.domainId = domain.attrDomainId;
    this.domainArn = domainArnOf(this, this.domainId);

    // CreateDomain runs as the deploying principal; Voice ID then creates its own grant on the key,
    // scoped by encryption context to this domain. Only through Voice ID, and only for grants to AWS resources.
    const throughVoiceId = { 'kms:ViaService': voiceIdServiceEndpoint(this), 'kms:CallerAccount': Stack.of(this).account };
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowVoiceIdDomainGrantThroughVoiceId',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: throughVoiceId, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowVoiceIdDomainUseThroughVoiceId',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: throughVoiceId },
      }),
    );
  }
}

function domainArnOf(scope: Construct, domainId: string): string {
  return Arn.format({ service: 'voiceid', resource: 'domain', resourceName: domainId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, Stack.of(scope));
}

function validateProps(props: VoiceIdDomainProps): void {
  const { domainName, description } = props;
  if (!Token.isUnresolved(domainName) && (domainName.length < 1 || domainName.length > 256 || !DOMAIN_NAME_PATTERN.test(domainName))) {
    throw new Error(`VoiceIdDomain: domainName '${domainName}' must be 1-256 letters, digits, _ or -, starting with a letter or digit`);
  }
  if (description !== undefined && !Token.isUnresolved(description) && (description.length < 1 || description.length > 1024 || !DOMAIN_DESCRIPTION_PATTERN.test(description))) {
    throw new Error('VoiceIdDomain: description must be 1-1024 letters, digits, spaces or _.:/=+-%@');
  }
}
