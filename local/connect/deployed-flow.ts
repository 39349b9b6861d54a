import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { loadConfig } from '../../lib/config';
import type { FlowDocument } from '../../lib/constructs/connect-flow';
import { CDK_CONTEXT } from '../harness/cdk-context';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/local-constants';

/** The Amazon Connect instance the local stack pretends to wire the flow into. */
export const LOCAL_CONNECT_INSTANCE_ARN = `arn:aws:connect:${LOCAL_REGION}:${LOCAL_ACCOUNT}:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa`;

/**
 * The contact flow exactly as the stateless stack deploys it: the app is synthesized from cdk.json's context with
 * the Connect wiring on (plus `context`), and the `AWS::Connect::ContactFlow` resource's `Fn::Sub` is resolved the
 * way CloudFormation would, with `functionArn` for the decision function. Assets are not bundled: only the template is read.
 */
export function deployedContactFlow(functionArn: string, context: Record<string, unknown> = {}): FlowDocument {
  const merged: Record<string, unknown> = { ...CDK_CONTEXT, connectInstanceArn: LOCAL_CONNECT_INSTANCE_ARN, ...context, 'aws:cdk:bundling-stacks': [] };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-id-connect-flow-'));
  try {
    const app = new App({ outdir, context: merged });
    const { stateless } = buildApp(app, loadConfig((key) => merged[key]));
    const template = app.synth().getStackByName(stateless.stackName).template as { Resources: Record<string, { Type: string; Properties: { Content: unknown } }> };
    const flows = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Connect::ContactFlow');
    if (flows.length !== 1) throw new Error(`expected one AWS::Connect::ContactFlow in ${stateless.stackName}, found ${flows.length}`);
    const content = flows[0].Properties.Content as { 'Fn::Sub': [string, Record<string, unknown>] };
    const [body, variables] = content['Fn::Sub'];
    const unexpected = Object.keys(variables).filter((name) => name !== 'DecisionFunctionArn');
    if (unexpected.length > 0) throw new Error(`the flow content has variables the runner cannot resolve: ${unexpected.join(', ')}`);
    return JSON.parse(body.split('${DecisionFunctionArn}').join(functionArn)) as FlowDocument;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
