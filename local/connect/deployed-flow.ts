import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { loadConfig } from '../../lib/config';
import type { FlowDocument, VoiceIdFlowPart } from '../../lib/constructs/connect-flow';
import { CDK_CONTEXT } from '../harness/cdk-context';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/local-constants';

/** The Amazon Connect instance the local stack pretends to wire the flows into. */
export const LOCAL_CONNECT_INSTANCE_ARN = `arn:aws:connect:${LOCAL_REGION}:${LOCAL_ACCOUNT}:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa`;
/** The local contact center's own IVR flow (`flowIvrFlowArn`), which the start-streaming flow transfers to. */
export const LOCAL_IVR_FLOW_ARN = `${LOCAL_CONNECT_INSTANCE_ARN}/contact-flow/0b6f1b1e-1c55-4a43-9c1e-6b0b5d0f0001`;
/** The ARN the local world gives the deployed after-IVR flow (CloudFormation would give it one at deploy time). */
export const LOCAL_AUTHENTICATE_FLOW_ARN = `${LOCAL_CONNECT_INSTANCE_ARN}/contact-flow/0b6f1b1e-1c55-4a43-9c1e-6b0b5d0f0002`;
/** The working queue inbound flows set before handing a caller on. */
export const LOCAL_WORKING_QUEUE_ARN = `${LOCAL_CONNECT_INSTANCE_ARN}/queue/0b6f1b1e-1c55-4a43-9c1e-6b0b5d0f0003`;

/**
 * The contact flows exactly as the stateless stack deploys them: the app is synthesized from cdk.json's context with
 * the Connect wiring on (and the local IVR flow, so that the start-streaming flow is deployed too, plus `context`),
 * and each `AWS::Connect::ContactFlow` resource's `Fn::Sub` is resolved the way CloudFormation would, with
 * `functionArn` for the decision function. Assets are not bundled: only the template is read.
 */
export function deployedContactFlows(functionArn: string, context: Record<string, unknown> = {}): Record<VoiceIdFlowPart, FlowDocument> {
  const merged: Record<string, unknown> = {
    ...CDK_CONTEXT,
    connectInstanceArn: LOCAL_CONNECT_INSTANCE_ARN,
    flowIvrFlowArn: LOCAL_IVR_FLOW_ARN,
    ...context,
    'aws:cdk:bundling-stacks': [],
  };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-id-connect-flow-'));
  try {
    const app = new App({ outdir, context: merged });
    const { stateless } = buildApp(app, loadConfig((key) => merged[key]));
    const template = app.synth().getStackByName(stateless.stackName).template as { Resources: Record<string, { Type: string; Properties: { Content: unknown; Description: string } }> };
    const flows: Partial<Record<VoiceIdFlowPart, FlowDocument>> = {};
    for (const resource of Object.values(template.Resources).filter((r) => r.Type === 'AWS::Connect::ContactFlow')) {
      const part = /voice-id-authentication\.json (\S+) /.exec(resource.Properties.Description)?.[1] as VoiceIdFlowPart | undefined;
      if (!part) throw new Error(`cannot tell which flow ${resource.Properties.Description} is`);
      flows[part] = resolveContent(resource.Properties.Content, functionArn);
    }
    if (!flows['all-in-one'] || !flows.authenticate || !flows['start-streaming']) throw new Error(`${stateless.stackName} does not deploy all three flows`);
    return flows as Record<VoiceIdFlowPart, FlowDocument>;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A flow's `Content`: a string, or `Fn::Sub` over the decision function's ARN. */
function resolveContent(content: unknown, functionArn: string): FlowDocument {
  if (typeof content === 'string') return JSON.parse(content) as FlowDocument;
  const [body, variables] = (content as { 'Fn::Sub': [string, Record<string, unknown>] })['Fn::Sub'];
  const unexpected = Object.keys(variables).filter((name) => name !== 'DecisionFunctionArn');
  if (unexpected.length > 0) throw new Error(`the flow content has variables the runner cannot resolve: ${unexpected.join(', ')}`);
  return JSON.parse(body.split('${DecisionFunctionArn}').join(functionArn)) as FlowDocument;
}

/**
 * A contact center's own IVR, as the start-streaming flow hands callers to it: a dialogue in which the caller
 * talks (a Lex bot in a real contact center) while the IVR looks up who they are and sets `customerId`, then a
 * transfer to the after-IVR flow.
 */
export function sampleIvrFlow(dialogueSeconds: number): FlowDocument {
  const errors = (next: string) => [{ NextAction: next, ErrorType: 'NoMatchingError' }];
  return {
    Version: '2019-10-30',
    StartAction: 'ivr-dialogue',
    Actions: [
      {
        Identifier: 'ivr-dialogue',
        Type: 'GetParticipantInput',
        Parameters: { Text: 'Welcome to Example Bank.', StoreInput: 'True', InputTimeLimitSeconds: String(dialogueSeconds), InputValidation: { CustomValidation: { MaximumLength: '20' } } },
        Transitions: { NextAction: 'set-working-queue', Errors: errors('set-working-queue') },
      },
      { Identifier: 'set-working-queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: LOCAL_WORKING_QUEUE_ARN }, Transitions: { NextAction: 'to-authentication', Errors: errors('to-authentication') } },
      { Identifier: 'to-authentication', Type: 'TransferToFlow', Parameters: { ContactFlowId: LOCAL_AUTHENTICATE_FLOW_ARN }, Transitions: { Errors: errors('hang-up') } },
      { Identifier: 'hang-up', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };
}
