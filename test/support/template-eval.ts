/**
 * Just enough of CloudFormation, IAM and EventBridge semantics to test what synthesized templates would do:
 * resolve intrinsics to the values a deployment would produce (with a fixed account and region), evaluate
 * policy conditions against a request context, and match events against event patterns. Anything these
 * helpers do not know throws, so a test never passes by ignoring something it did not understand.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-2';
export const PARTITION = 'aws';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** A fixed stack uuid: what `Fn::Select [2, Fn::Split ['/', AWS::StackId]]` yields here. */
export const STACK_UUID = '00000000-1111-2222-3333-444444444444';

/** Resolves intrinsic functions across the stacks of one app, as CloudFormation would at deploy time. */
export class TemplateResolver {
  constructor(private readonly templates: Readonly<Record<string, CfnTemplate>>) {}

  stackNames(): string[] {
    return Object.keys(this.templates);
  }

  template(stackName: string): CfnTemplate {
    const template = this.templates[stackName];
    if (!template) throw new Error(`no stack ${stackName}`);
    return template;
  }

  /** Every resource of a type across all stacks, with the stack it is in. */
  resourcesOfType(type: string): Array<{ stackName: string; logicalId: string; resource: CfnResource }> {
    return Object.entries(this.templates).flatMap(([stackName, t]) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([logicalId, resource]) => ({ stackName, logicalId, resource })),
    );
  }

  resolve(stackName: string, value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(stackName, v));
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      return this.intrinsic(stackName, entries[0][0], entries[0][1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stackName, v)]));
  }

  resolveString(stackName: string, value: unknown): string {
    const resolved = this.resolve(stackName, value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The physical name a resource has: its name property, or a stand-in derived from its logical id. */
  physicalName(stackName: string, logicalId: string): string {
    const resource = this.resource(stackName, logicalId);
    const nameProperty = { 'AWS::SNS::Topic': 'TopicName', 'AWS::Events::Rule': 'Name', 'AWS::Logs::LogGroup': 'LogGroupName', 'AWS::CloudWatch::Alarm': 'AlarmName', 'AWS::S3::Bucket': 'BucketName' }[
      resource.Type
    ];
    const named = nameProperty ? resource.Properties?.[nameProperty] : undefined;
    return named === undefined ? `${stackName}-${logicalId}-generated`.toLowerCase() : this.resolveString(stackName, named);
  }

  arnOf(stackName: string, logicalId: string): string {
    const { Type } = this.resource(stackName, logicalId);
    const name = this.physicalName(stackName, logicalId);
    switch (Type) {
      case 'AWS::KMS::Key':
        return `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/${keyIdOf(logicalId)}`;
      case 'AWS::SNS::Topic':
        return `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::Events::Rule':
        return `arn:${PARTITION}:events:${REGION}:${ACCOUNT}:rule/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
      case 'AWS::CloudWatch::Alarm':
        return `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
      case 'AWS::S3::Bucket':
        return `arn:${PARTITION}:s3:::${name}`;
      default:
        return `arn:${PARTITION}:${Type.split('::')[1].toLowerCase()}:${REGION}:${ACCOUNT}:${logicalId}`;
    }
  }

  private resource(stackName: string, logicalId: string): CfnResource {
    const resource = this.template(stackName).Resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId} in ${stackName}`);
    return resource;
  }

  private intrinsic(stackName: string, name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref': {
        const ref = arg as string;
        const pseudo: Record<string, string> = {
          'AWS::Partition': PARTITION,
          'AWS::Region': REGION,
          'AWS::AccountId': ACCOUNT,
          'AWS::URLSuffix': 'amazonaws.com',
          'AWS::StackName': stackName,
          'AWS::StackId': `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/${STACK_UUID}`,
        };
        if (ref in pseudo) return pseudo[ref];
        const { Type } = this.resource(stackName, ref);
        if (Type === 'AWS::KMS::Key') return keyIdOf(ref);
        if (Type === 'AWS::SNS::Topic') return this.arnOf(stackName, ref);
        return this.physicalName(stackName, ref);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as [string, string];
        if (attribute === 'Arn') return this.arnOf(stackName, logicalId);
        throw new Error(`Fn::GetAtt ${logicalId}.${attribute} is not modelled`);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => this.resolveString(stackName, p)).join(separator);
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return this.resolveString(stackName, source).split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return (this.resolve(stackName, list) as unknown[])[index];
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = arg as { StackName: string; OutputName: string };
        const output = this.template(StackName).Outputs?.[OutputName];
        if (!output) throw new Error(`${StackName} has no output ${OutputName}`);
        return this.resolve(StackName, output.Value);
      }
      default:
        throw new Error(`${name} is not modelled`);
    }
  }
}

/** A stand-in key id per key, so that key ids and key ARNs of different keys differ. */
function keyIdOf(logicalId: string): string {
  return `key-${logicalId.toLowerCase()}`;
}

/** IAM's `*` and `?` wildcards, as StringLike, ArnLike and Action patterns use them. */
export function globMatches(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^$()[\]{}|\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'i' : '').test(value);
}

export type RequestContext = Readonly<Record<string, string | undefined>>;

/** Whether a statement's Condition block holds for a request context (all operators and keys must hold). */
export function conditionHolds(condition: Record<string, Record<string, unknown>> | undefined, context: RequestContext): boolean {
  for (const [rawOperator, keys] of Object.entries(condition ?? {})) {
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
    for (const [key, rawValues] of Object.entries(keys)) {
      const values = [rawValues].flat().map(String);
      const actual = context[key];
      if (operator === 'Null') {
        if ((values[0] === 'true') !== (actual === undefined)) return false;
        continue;
      }
      if (actual === undefined) {
        if (ifExists || operator.startsWith('StringNot') || operator.startsWith('ArnNot')) continue;
        return false;
      }
      let holds: boolean;
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
          holds = values.includes(actual);
          break;
        case 'StringLike':
        case 'ArnLike':
          holds = values.some((v) => globMatches(v, actual));
          break;
        case 'StringNotEquals':
          holds = !values.includes(actual);
          break;
        case 'Bool':
          holds = values.includes(actual);
          break;
        case 'NumericLessThan':
          holds = values.some((v) => Number(actual) < Number(v));
          break;
        default:
          throw new Error(`condition operator ${rawOperator} is not modelled`);
      }
      if (!holds) return false;
    }
  }
  return true;
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: unknown; Service?: unknown };
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Whether any of a statement's action patterns covers `action`. */
export function statementCoversAction(statement: PolicyStatementJson, action: string): boolean {
  return [statement.Action].flat().some((pattern) => globMatches(pattern, action, { ignoreCase: true }));
}

/** The service principals a statement names (already resolved). */
export function servicePrincipalsOf(statement: PolicyStatementJson): string[] {
  return typeof statement.Principal === 'object' ? [statement.Principal.Service ?? []].flat().map(String) : [];
}

/**
 * EventBridge's matching for the pattern features this app uses: exact values in arrays, nested objects,
 * arrays of objects in the event (an element must match), and `$or`.
 */
export function eventPatternMatches(pattern: Record<string, unknown>, event: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as Array<Record<string, unknown>>).some((alternative) => eventPatternMatches(alternative, event))) return false;
      continue;
    }
    const actual = (event as Record<string, unknown> | undefined)?.[key];
    if (actual === undefined) return false;
    if (Array.isArray(expected)) {
      if (expected.some((e) => typeof e === 'object')) throw new Error(`content filter in ${key} is not modelled`);
      const candidates = [actual].flat();
      if (!candidates.some((c) => expected.includes(c))) return false;
    } else if (typeof expected === 'object' && expected !== null) {
      const candidates = Array.isArray(actual) ? actual : [actual];
      if (!candidates.some((c) => eventPatternMatches(expected as Record<string, unknown>, c))) return false;
    } else {
      throw new Error(`pattern value of ${key} must be an array or an object`);
    }
  }
  return true;
}
