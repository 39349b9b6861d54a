/**
 * CloudFormation's intrinsic functions, resolved the way a deployment would resolve them, for the values the local
 * stack gives: the stateless template as synthesized (cdk.out) becomes what runs locally. Anything it cannot
 * resolve is an error naming the token, never a guess.
 */
export interface CfnValues {
  /** `Ref` of a resource of the template (the pseudo parameters are built in). */
  readonly ref: (logicalId: string) => string | undefined;
  /** `Fn::GetAtt` of a resource of the template. */
  readonly getAtt: (logicalId: string, attribute: string) => string | undefined;
  /** A stateful-stack value a cross-stack reference names (`Fn::GetStackOutput` / `Fn::ImportValue`). */
  readonly stackOutput: (outputName: string) => string | undefined;
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::NoValue': '' };

export function resolveCfn(value: unknown, values: CfnValues & { readonly region: string; readonly account: string; readonly stackName: string }): unknown {
  const visit = (node: unknown, at: string): unknown => {
    if (Array.isArray(node)) return node.map((n, i) => visit(n, `${at}[${i}]`));
    if (typeof node !== 'object' || node === null) return node;
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      const [fn, arg] = entries[0];
      const fail = (): never => {
        throw new Error(`${at}: cannot resolve ${JSON.stringify(node).slice(0, 200)} locally`);
      };
      switch (fn) {
        case 'Ref': {
          const name = String(arg);
          if (name === 'AWS::Region') return values.region;
          if (name === 'AWS::AccountId') return values.account;
          if (name === 'AWS::StackName') return values.stackName;
          if (name in PSEUDO) return PSEUDO[name];
          return values.ref(name) ?? fail();
        }
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return values.getAtt(logicalId, attribute) ?? fail();
        }
        case 'Fn::Join': {
          const [delimiter, parts] = arg as [string, unknown[]];
          return (visit(parts, at) as unknown[]).map(String).join(delimiter);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (visit(list, at) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [delimiter, source] = arg as [string, unknown];
          return String(visit(source, at)).split(delimiter);
        }
        case 'Fn::GetStackOutput':
          return values.stackOutput(String((arg as { OutputName: string }).OutputName)) ?? fail();
        case 'Fn::ImportValue':
          return values.stackOutput(String(visit(arg, at)).split(':').pop() ?? '') ?? fail();
        default:
          return fail();
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, visit(v, `${at}.${k}`)]));
  };
  return visit(value, '$');
}

/**
 * The stateful stack's resources, as the stateless stack's cross-stack references name them
 * (`PublishOutput<Ref|FnGetAtt><logical id><attribute><hash>`): `byResource` maps a logical id's leading part
 * (`BatchInputBucket`, `TablesBatchJobsTable`, ...) to its local values by attribute (`Ref`, `Arn`, `DomainId`).
 */
export function statefulOutputs(byResource: Readonly<Record<string, Readonly<Record<string, string>>>>): (outputName: string) => string | undefined {
  return (outputName) => {
    const match = /^(?:PublishOutput|ExportsOutput)(Ref|FnGetAtt)(.+)$/.exec(outputName);
    if (!match) return undefined;
    const [, kind, rest] = match;
    for (const [resource, attributes] of Object.entries(byResource)) {
      // The logical id is the construct path with an 8-character hash; the attribute follows it.
      const m = new RegExp(`^${resource}[0-9A-F]{8}(\\w*?)[0-9A-F]{8}$`).exec(rest);
      if (!m) continue;
      return attributes[kind === 'Ref' ? 'Ref' : m[1]];
    }
    return undefined;
  };
}
