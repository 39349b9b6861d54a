import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, VoiceIdConnectStacks } from '../../lib/app';
import { loadConfig } from '../../lib/config';
import { CDK_CONTEXT } from '../../local/harness/cdk-context';


export interface TestApp extends VoiceIdConnectStacks {
  readonly app: App;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
}

/**
 * Builds the app from cdk.json's context plus overrides, exactly as bin/app.ts does.
 * CloudFormation schema validation costs seconds per synth, so it is off unless a test asks for it.
 */
export function buildTestApp(overrides: Record<string, unknown> = {}, options: { validation?: boolean } = {}): TestApp {
  // No bundling: template tests read resources, not code, and the bundled assets are built once by `npm run synth`
  // (the integration tests run those, from cdk.out). Bundling every function in every test app is most of a synth.
  const context: Record<string, unknown> = { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...overrides };
  const app = new App({
    context,
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'voice-id-connect-cdk-')),
    builtinCloudFormationValidation: options.validation ?? false,
  });
  const stacks = buildApp(app, loadConfig((key) => context[key]));
  // Templates synthesize the app, after which it cannot change: build them only when a test asks.
  let stateful: Template | undefined;
  let stateless: Template | undefined;
  return {
    app,
    ...stacks,
    get statefulTemplate() {
      return (stateful ??= Template.fromStack(stacks.stateful));
    },
    get statelessTemplate() {
      return (stateless ??= Template.fromStack(stacks.stateless));
    },
  };
}
