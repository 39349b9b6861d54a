import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
