import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeObjectKeyWildcards } from '../nag/object-key-acknowledgements';

/**
 * Grants narrower than the L2 `grant*` methods, which add wildcard actions (`s3:GetObject*`, `s3:List*`,
 * `kms:GenerateDataKey*`, `kms:ReEncrypt*`) and table indexes: exactly the named actions, and the data key only
 * through the service that holds the data.
 */

/** `actions` on the table itself (no index), with its key for DynamoDB's use only. */
export function grantTableActions(grantee: iam.IGrantable, table: dynamodb.ITable, actions: readonly string[]): void {
  iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [table.tableArn] });
  if (table.encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resourceArns: [table.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(table).region}.amazonaws.com` } },
    });
  }
}

/**
 * Reading (`s3:GetObject`, and `s3:GetObjectVersion` for a versioned bucket) and/or writing (`s3:PutObject`) the
 * objects whose keys match `keyPatterns`, with the bucket's key through S3 only. `list` adds `s3:ListBucket` on the
 * bucket, without which S3 answers a missing key with 403 instead of 404. Key patterns with a wildcard are
 * acknowledged for cdk-nag, with `reason`.
 */
export function grantObjects(
  grantee: iam.IGrantable,
  bucket: s3.IBucket,
  access: { read?: boolean; readVersions?: boolean; write?: boolean; list?: boolean },
  keyPatterns: readonly string[],
  reason: string,
): void {
  const actions = [...(access.read ? ['s3:GetObject'] : []), ...(access.readVersions ? ['s3:GetObjectVersion'] : []), ...(access.write ? ['s3:PutObject'] : [])];
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: keyPatterns.map((pattern) => bucket.arnForObjects(pattern)) });
  if (access.list) iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
  if (bucket.encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', ...(access.write ? ['kms:GenerateDataKey'] : [])],
      resourceArns: [bucket.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(bucket).region}.amazonaws.com` } },
    });
  }
  const principal = grantee.grantPrincipal;
  const wildcards = keyPatterns.filter((p) => p.includes('*'));
  if (principal instanceof iam.Role && wildcards.length > 0) acknowledgeObjectKeyWildcards(principal, { bucket, keyPatterns: wildcards, actions }, reason);
}
