/**
 * The validation-time acknowledgement of object-key wildcards: it must silence exactly the registered grant on the
 * registered bucket (a cross-stack one, whose reference only exists after synthesis), and nothing else.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { grantObjects } from '../../../lib/constructs/scoped-grants';
import { ObjectKeyAcknowledgements } from '../../../lib/nag/object-key-acknowledgements';

function synthWith(extra: (role: iam.Role, bucket: s3.IBucket, other: s3.IBucket) => void): string {
  const app = new App();
  const data = new Stack(app, 'Data');
  const bucket = new s3.Bucket(data, 'Bucket');
  const other = new s3.Bucket(data, 'Other');
  for (const b of [bucket, other]) Validations.of(b).acknowledge({ id: 'AwsSolutions-S1', reason: 'test bucket' }, { id: 'AwsSolutions-S10', reason: 'test bucket' });
  const code = new Stack(app, 'Code');
  const role = new iam.Role(code, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grantObjects(role, bucket, { write: true }, ['jobs/*'], 'writes under jobs/ only');
  extra(role, bucket, other);
  Validations.of(app).addPlugins(new ObjectKeyAcknowledgements(), new AwsSolutionsChecks(app));
  try {
    app.synth();
    return '';
  } catch (e: unknown) {
    return (e as Error).message;
  }
}

test('the registered grant on a bucket of another stack is acknowledged', () => {
  expect(synthWith(() => undefined)).not.toMatch(/AwsSolutions-IAM5/);
});

test.each([
  ['another action on the same keys', (role: iam.Role, bucket: s3.IBucket) => role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [bucket.arnForObjects('jobs/*')] }))],
  ['the same action on another bucket', (role: iam.Role, _bucket: s3.IBucket, other: s3.IBucket) => role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [other.arnForObjects('jobs/*')] }))],
  ['the same action on other keys', (role: iam.Role, bucket: s3.IBucket) => role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('*')] }))],
])('%s in the same role is still reported', (_label, extra) => {
  expect(synthWith(extra)).toMatch(/AwsSolutions-IAM5/);
});
