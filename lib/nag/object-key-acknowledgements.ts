import { CfnResource, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { IConstruct } from 'constructs';

const METADATA_TYPE = 'voice-id-connect:object-key-wildcards';

interface KeyWildcards {
  readonly keyPatterns: readonly string[];
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for S3 object ARNs that end in one of `keyPatterns`
 * (`voice-id-jobs/*`, `*.summary.txt`) in the policies under `scope`, and for nothing else.
 *
 * cdk-nag names such a finding by the flattened resource, and a bucket from another stack flattens to its
 * cross-stack reference, which only exists once the app is synthesized: the acknowledgement cannot be written
 * at construction. {@link ObjectKeyAcknowledgements} writes it at validation, before cdk-nag runs.
 */
export function acknowledgeObjectKeyWildcards(scope: IConstruct, keyPatterns: readonly string[], reason: string): void {
  scope.node.addMetadata(METADATA_TYPE, { keyPatterns, reason } satisfies KeyWildcards);
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

  private visit(node: IConstruct, inherited: readonly KeyWildcards[]): void {
    const own = node.node.metadata.filter((m) => m.type === METADATA_TYPE).map((m) => m.data as KeyWildcards);
    const registrations = own.length > 0 ? [...inherited, ...own] : inherited;
    if (registrations.length > 0 && CfnResource.isCfnResource(node) && node instanceof iam.CfnPolicy) {
      const document = Stack.of(node).resolve(node.policyDocument) as { Statement?: Array<{ Effect?: string; Resource?: unknown }> };
      for (const statement of document.Statement ?? []) {
        if (statement.Effect !== 'Allow') continue;
        for (const resource of ([] as unknown[]).concat(statement.Resource ?? [])) {
          const flat = flattenCfnReference(resource);
          const match = registrations.find((r) => r.keyPatterns.some((pattern) => flat.endsWith(`/${pattern}`) && !flat.slice(0, -pattern.length - 1).includes('*')));
          if (match) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason: match.reason });
        }
      }
    }
    for (const child of node.node.children) this.visit(child, registrations);
  }
}
