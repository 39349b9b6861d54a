import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * The secure defaults every bucket of this app starts from, kept in one place and overridden
 * explicitly: no public access, TLS only, versioned, noncurrent versions expire, owner-enforced ACLs.
 */
export interface SecureBucketOptions {
  /** Customer-managed key for SSE-KMS; absent means SSE-S3 (server access log targets accept nothing else). */
  readonly encryptionKey?: kms.IKey;
  /** Bucket receiving server access logs; absent only for the log bucket itself. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of this bucket's access logs in the log bucket. */
  readonly serverAccessLogsPrefix?: string;
  /** Days a noncurrent object version is kept. */
  readonly noncurrentVersionRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

export function secureBucketProps(options: SecureBucketOptions): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    ...(options.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: options.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    serverAccessLogsBucket: options.serverAccessLogsBucket,
    serverAccessLogsPrefix: options.serverAccessLogsPrefix,
    lifecycleRules: [
      {
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(options.noncurrentVersionRetentionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    removalPolicy: options.removalPolicy,
  };
}

/**
 * Denies object writes that ask for any encryption other than KMS, so that nobody writes around the bucket's
 * key: a PutObject (or CopyObject, CreateMultipartUpload) naming SSE-S3 (`AES256`) would override the
 * bucket's default SSE-KMS, and one carrying a customer-provided key (SSE-C) bypasses KMS altogether.
 *
 * A write without the header gets the bucket default (SSE-KMS) and stays allowed: `StringNotEquals` alone is
 * also true when the key is absent (so would `StringNotEqualsIfExists` be), hence the `Null: false` that
 * limits the deny to requests that carry the header. DSSE-KMS (`aws:kms:dsse`) is KMS too and stays allowed.
 *
 * The key id (`s3:x-amz-server-side-encryption-aws-kms-key-id`) is deliberately not pinned: Voice ID writes
 * job output with whatever identifier it is given as `KmsKeyId` (id, ARN or alias), and that condition key
 * compares the header as sent, so pinning the ARN could refuse Voice ID's own output, which cannot be checked
 * without a real account. A writer naming another key still needs that key's permissions, and the bucket's
 * readers would need them too.
 */
export function denyWritesAroundTheKey(bucket: s3.IBucket): void {
  const objects = bucket.arnForObjects('*');
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyWritesRequestingOtherEncryption',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: {
        Null: { 's3:x-amz-server-side-encryption': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] },
      },
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyWritesWithCustomerProvidedKeys',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    }),
  );
}
