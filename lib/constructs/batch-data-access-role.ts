import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { viaServiceEndpoint } from './service-only-key';
import { IVoiceIdDomain } from './voice-id-domain';

/** Properties of a {@link BatchDataAccessRole}. */
export interface BatchDataAccessRoleProps {
  /** The domain whose batch jobs assume the role; the trust policy admits no other domain. */
  readonly domain: IVoiceIdDomain;
  /** Bucket holding manifests and audio; the role may read it. */
  readonly inputBucket: s3.IBucket;
  /** Bucket receiving the jobs' `.out` files; the role may write it. */
  readonly outputBucket: s3.IBucket;
}

/**
 * The IAM role Voice ID assumes to run batch speaker-enrollment and fraudster-registration jobs.
 *
 * Trusts only `voiceid.amazonaws.com`, and only on behalf of this account's domain
 * (`aws:SourceAccount`, `aws:SourceArn`), against the confused-deputy problem.
 */
export class BatchDataAccessRole extends Construct {
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: BatchDataAccessRoleProps) {
    super(scope, id);

    const role = new iam.Role(this, 'Resource', {
      description: 'Assumed by Amazon Connect Voice ID to read batch manifests and audio and write job output',
      assumedBy: new iam.ServicePrincipal('voiceid.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': props.domain.domainArn },
        },
      }),
    });
    // Exactly the documented needs and nothing wider: GetObject on input, PutObject on output, Decrypt on
    // the input's key, Decrypt + GenerateDataKey on the output key (bucket grants would add List*, Abort*, ReEncrypt*).
    // A customer-managed policy rather than an inline one, so it can be reviewed and audited on its own.
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadBatchInput', actions: ['s3:GetObject'], resources: [props.inputBucket.arnForObjects('*')] }),
      new iam.PolicyStatement({ sid: 'WriteJobOutput', actions: ['s3:PutObject'], resources: [props.outputBucket.arnForObjects('*')] }),
    ];
    // The key is used only as S3 decrypts and encrypts those objects, never directly.
    const throughS3 = { StringEquals: { 'kms:ViaService': viaServiceEndpoint(this, 's3') } };
    const inputKey = props.inputBucket.encryptionKey;
    const outputKey = props.outputBucket.encryptionKey;
    if (inputKey) {
      statements.push(new iam.PolicyStatement({ sid: 'DecryptBatchInput', actions: ['kms:Decrypt'], resources: [inputKey.keyArn], conditions: throughS3 }));
    }
    if (outputKey) {
      statements.push(
        new iam.PolicyStatement({ sid: 'EncryptJobOutput', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [outputKey.keyArn], conditions: throughS3 }),
      );
    }
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Object-level access of Voice ID batch jobs to their input and output buckets',
      statements,
      roles: [role],
    });
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.inputBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
        reason: 'Manifests and audio may sit under any key of the batch input bucket; the action is GetObject alone.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.outputBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
        reason: 'Voice ID names its output objects <job-id>/<manifest>.out under the folder the job gives; the action is PutObject alone.',
      },
    );
    this.role = role;
  }
}
