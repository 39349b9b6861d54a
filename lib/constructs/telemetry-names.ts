import { Fn, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Name prefixes of the app's operational telemetry: log groups, alarms and topics.
 *
 * The key that encrypts them lives in another stack and cannot reference them (they reference it), so its
 * policy can only be scoped to them by name. Both sides take the prefixes from one value of this type.
 */
export interface TelemetryNames {
  /** Every log group of the app is named under this prefix, e.g. `/voice-id-connect/dev/`. */
  readonly logGroupNamePrefix: string;
  /**
   * Every alarm and SNS topic of the app is named with this prefix, e.g. `voice-id-connect-dev_`. It ends in a
   * character stage names cannot hold, so that stage `dev`'s prefix does not also match stage `dev-eu`'s names.
   */
  readonly resourceNamePrefix: string;
}

/** The names one stage of the app uses. */
export function telemetryNamesFor(appName: string, stage: string): TelemetryNames {
  return { logGroupNamePrefix: `/${appName}/${stage}/`, resourceNamePrefix: `${appName}-${stage}_` };
}

/**
 * `<prefix><purpose>/<stack uuid>`: log groups outlive their stack (they are retained), so the name carries
 * the stack's own id and a stack that is destroyed and deployed again does not collide with its predecessor's.
 */
export function deploymentLogGroupName(scope: Construct, prefix: string, purpose: string): string {
  return `${prefix}${purpose}/${Fn.select(2, Fn.split('/', Stack.of(scope).stackId))}`;
}

/** `ContactFlowDecision` -> `contact-flow-decision`: construct ids as parts of resource names. */
export function kebabCase(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The value of `kms:EncryptionContext:aws:logs:arn` for the log groups under `prefix`, as an ArnLike pattern. */
export function logGroupArnPattern(scope: Construct, prefix: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${prefix}*`;
}

/** ArnLike pattern of this account's alarms in this region whose names start with `prefix`. */
export function alarmArnPattern(scope: Construct, prefix: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${prefix}*`;
}

/** ArnLike pattern of this account's SNS topics in this region whose names start with `prefix`. */
export function topicArnPattern(scope: Construct, prefix: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:sns:${stack.region}:${stack.account}:${prefix}*`;
}
