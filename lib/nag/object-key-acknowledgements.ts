import { CfnResource, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { IConstruct } from 'constructs';

/** One grant whose object-key wildcards are acknowledged: the bucket, the key patterns and the actions granted on them. */
export interface ObjectKeyWildcards {
  readonly bucket: s3.IBucket;
  readonly keyPatterns: readonly string[];
  readonly actions: readonly string[];
}

interface Registration extends ObjectKeyWildcards {
  readonly reason: string;
}

const registrations = new WeakMap<IConstruct, Registration[]>();

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for exactly the statements of `scope`'s policies that grant only
 * `wildcards.actions` on `<wildcards.bucket>/<pattern>`, and for nothing else (another bucket, another action or
 * another key pattern in the same role is still reported).
 *
 * cdk-nag names such a finding by the flattened resource, and a bucket from another stack flattens to its
 * cross-stack reference, which only exists once the app is synthesized: the acknowledgement cannot be written
 * at construction. {@link ObjectKeyAcknowledgements} writes it at validation, before cdk-nag runs.
 */
export function acknowledgeObjectKeyWildcards(scope: IConstruct, wildcards: ObjectKeyWildcards, reason: string): void {
  registrations.set(scope, [...(registrations.get(scope) ?? []), { ...wildcards, reason }]);
}

/**
 * A validation plugin that turns {@link acknowledgeObjectKeyWildcards} registrations into acknowledgements of the
 * exact findings. Register it before the cdk-nag packs; it reports nothing itself.
 */
export class ObjectKeyAcknowledgements implements IPolicyValidationPlugin {
  readonly name = 'voice-id-connect-object-key-acknowledgements';

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = (context as { appConstruct?: IConstruct }).appConstruct;
    if (root) this.visit(root, []);
    return { success: true, violations: [] };
  }

  private visit(node: IConstruct, inherited: readonly Registration[]): void {
    const own = registrations.get(node) ?? [];
    const active = own.length > 0 ? [...inherited, ...own] : inherited;
    if (active.length > 0 && CfnResource.isCfnResource(node) && node instanceof iam.CfnPolicy) {
      const stack = Stack.of(node);
      const document = stack.resolve(node.policyDocument) as { Statement?: Array<{ Effect?: string; Action?: string | string[]; Resource?: unknown }> };
      // cdk-nag names a finding by the resource alone, so a resource is acknowledged only if every action any
      // statement of the policy allows on it is one the registration granted.
      const actionsOn = new Map<string, Set<string>>();
      for (const statement of document.Statement ?? []) {
        if (statement.Effect !== 'Allow') continue;
        for (const resource of ([] as unknown[]).concat(statement.Resource ?? [])) {
          const flat = flattenCfnReference(resource);
          const actions = actionsOn.get(flat) ?? new Set<string>();
          for (const action of ([] as string[]).concat(statement.Action ?? [])) actions.add(action);
          actionsOn.set(flat, actions);
        }
      }
      for (const [flat, actions] of actionsOn) {
        const match = active.find(
          (r) => [...actions].every((a) => r.actions.includes(a)) && r.keyPatterns.some((pattern) => flat === `${flattenCfnReference(stack.resolve(r.bucket.bucketArn))}/${pattern}`),
        );
        if (match) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason: match.reason });
      }
    }
    for (const child of node.node.children) this.visit(child, active);
  }
}
