import * as fs from 'node:fs';
import * as path from 'node:path';

/** A Lambda function as synthesized into a cloud assembly: its bundled code and its environment. */
export interface BundledFunction {
  /** Construct path of the function, e.g. `VoiceIdConnect-dev-Stateless/ContactFlowDecision/Function/Resource`. */
  readonly constructPath: string;
  /** Directory of the bundled asset: exactly what `cdk deploy` uploads. */
  readonly assetDir: string;
  /** `<file>.<export>` of the handler inside the asset. */
  readonly handler: string;
  /** The function's environment; values CloudFormation resolves at deploy time are left as their tokens. */
  readonly environment: Readonly<Record<string, unknown>>;
}

interface TemplateResource {
  Type: string;
  Properties?: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
  Metadata?: Record<string, unknown>;
}

/** Finds a synthesized function by the end of its construct path (e.g. `ContactFlowDecision/Function`). */
export function findBundledFunction(assemblyDir: string, constructPathSuffix: string): BundledFunction {
  const templates = fs.readdirSync(assemblyDir).filter((f) => f.endsWith('.template.json'));
  for (const file of templates) {
    const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8')) as { Resources?: Record<string, TemplateResource> };
    for (const resource of Object.values(template.Resources ?? {})) {
      const constructPath = String(resource.Metadata?.['aws:cdk:path'] ?? '');
      if (resource.Type !== 'AWS::Lambda::Function' || !constructPath.endsWith(`${constructPathSuffix}/Resource`)) continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new Error(`${constructPath} has no bundled asset in ${assemblyDir}`);
      return {
        constructPath,
        assetDir: path.resolve(assemblyDir, assetPath),
        handler: resource.Properties?.Handler ?? 'index.handler',
        environment: resource.Properties?.Environment?.Variables ?? {},
      };
    }
  }
  throw new Error(`No function whose construct path ends with '${constructPathSuffix}' in ${assemblyDir}: run 'npx cdk synth' first`);
}

/**
 * The function's environment for a local run: literal values as synthesized, and `resolved` for the values
 * CloudFormation would fill in (resource names and ids). A token left unresolved is an error, not a guess.
 */
export function localEnvironment(fn: BundledFunction, resolved: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    if (typeof value === 'string') env[name] = value;
    else if (name in resolved) env[name] = resolved[name];
    else throw new Error(`${fn.constructPath}: environment variable ${name} is resolved at deploy time; give its local value`);
  }
  return { ...env, ...resolved };
}

/** Path of the module holding the handler, and the name of its export. */
export function handlerLocation(fn: BundledFunction): { modulePath: string; exportName: string } {
  const dot = fn.handler.lastIndexOf('.');
  return { modulePath: path.join(fn.assetDir, `${fn.handler.slice(0, dot)}.js`), exportName: fn.handler.slice(dot + 1) };
}
