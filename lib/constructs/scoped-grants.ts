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
 * Reading (`s3:GetObject`) and/or writing (`s3:PutObject`) the objects whose keys match `keyPatterns`, with the
 * bucket's key through S3 only. Key patterns with a wildcard are acknowledged for cdk-nag, with `reason`.
 */
export function grantObjects(grantee: iam.IGrantable, bucket: s3.IBucket, access: { read?: boolean; write?: boolean }, keyPatterns: readonly string[], reason: string): void {
  const actions = [...(access.read ? ['s3:GetObject'] : []), ...(access.write ? ['s3:PutObject'] : [])];
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: keyPatterns.map((pattern) => bucket.arnForObjects(pattern)) });
  if (bucket.encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...(access.read || access.write ? ['kms:Decrypt'] : []), ...(access.write ? ['kms:GenerateDataKey'] : [])],
      resourceArns: [bucket.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(bucket).region}.amazonaws.com` } },
    });
  }
  const principal = grantee.grantPrincipal;
  if (principal instanceof iam.Role) acknowledgeObjectKeyWildcards(principal, keyPatterns.filter((p) => p.includes('*')), reason);
}
