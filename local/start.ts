/**
 * `npm start`: synthesizes the app, starts the local stack (Voice ID emulator, dynalite, s3rver) with the batch
 * workflow deployed on it, and plays a short scripted scenario: enroll three synthetic speakers and register a
 * fraudster through the batch workflow (upload, S3 event, execution, job, results), then place nine calls through the
 * shipped contact flow, interpreted by the local flow runner, with the bundled contact-flow Lambda from cdk.out.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { OptOutSpeakerCommand, VoiceIDClient } from '@aws-sdk/client-voice-id';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { loadConfig } from '../lib/config';
import { findDecisionFunction, startDecisionFunction } from './harness/decision-function';
import { CDK_CONTEXT } from './harness/cdk-context';
import { enrollThroughWorkflow, registerThroughWorkflow } from './scenario/workflow-batches';
import { startBatchWorkflowStack } from './workflow/batch-workflow-stack';
import { placeFlowCall } from './scenario/place-flow-call';
import { ENROLLED_SPEAKERS, FLOW_SCENARIO_CALLS, FRAUDSTER_VOICE, OPTED_OUT_CUSTOMER } from './scenario/scenario-data';
import { deployedContactFlows } from './connect/deployed-flow';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './harness/local-constants';

const USAGE = `Usage: npm start [-- --verbose] [-- --state-file <path>]

Runs the local stack and a scripted scenario of calls. Options:
  --verbose            print the Lambda's and the emulator's log lines
  --state-file <path>  persist the emulator's world to this JSON file
  --help               show this help`;

function parseCli(): { verbose: boolean; stateFile?: string } {
  try {
    const { values } = parseArgs({
      options: { verbose: { type: 'boolean', default: false }, 'state-file': { type: 'string' }, help: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return { verbose: values.verbose ?? false, stateFile: values['state-file'] };
  } catch (e: unknown) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exit(2);
  }
}

function synthesize(root: string): string {
  const outdir = path.join(root, 'cdk.out');
  // What the CLI sets for `cdk synth`: construct paths and asset paths in the templates' metadata.
  const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } });
  const { stateful, stateless } = buildApp(app, loadConfig((key) => app.node.tryGetContext(key)));
  const assembly = app.synth();
  console.log(`1. Synthesized ${assembly.stacks.length} stacks to cdk.out/ (cdk-nag and CloudFormation validation clean):`);
  for (const stack of [stateful, stateless]) {
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string }> };
    const counts = new Map<string, number>();
    for (const r of Object.values(template.Resources)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
    const summary = [...counts].filter(([t]) => t !== 'AWS::CDK::Metadata').map(([t, n]) => `${n} ${t.replace(/^AWS::/, '')}`).join(', ');
    console.log(`   ${stack.stackName}: ${summary}`);
  }
  return outdir;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** `a > b > b > c` as `a > b x2 > c`: the actions a call went through, short. */
function compact(ids: string[]): string {
  const short = ids.map((id) => id.replace(/^(mark|check|transfer)-/, '').replace('collect-speech', 'listen').replace('retry-prompt', 'listen').replace('invoke-decision', 'lambda'));
  const out: string[] = [];
  for (const id of short) {
    const last = out.at(-1);
    if (last !== undefined && last.split(' x')[0] === id) out[out.length - 1] = `${id} x${Number(last.split(' x')[1] ?? 1) + 1}`;
    else out.push(id);
  }
  return out.join('>');
}

async function main(): Promise<void> {
  const options = parseCli();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const root = path.join(__dirname, '..');
  const assemblyDir = synthesize(root);

  const log = options.verbose ? (line: string) => console.log(`   | ${line}`) : undefined;
  // The batch phase runs the emulator's clock 60 times faster than real time (a job's minute takes a second, and so
  // do the workflow's waits: the job is still running when the wait starts, so its end event finishes the wait);
  // the calls then stop the clock and move it themselves.
  const world = await startBatchWorkflowStack(assemblyDir, { timeScale: 60, statePath: options.stateFile, onLog: log });
  const { stack } = world;
  try {
    console.log(`2. Local stack up: Voice ID emulator ${stack.env.AWS_ENDPOINT_URL_VOICE_ID}, DynamoDB ${stack.env.AWS_ENDPOINT_URL_DYNAMODB}, S3 ${stack.env.AWS_ENDPOINT_URL_S3}; domain ${stack.domainId}`);
    console.log(`   Batch workflow from cdk.out: ${Object.keys(world.workflow.routes).length} Task states routed (bundled step functions, Voice ID SDK, local default bus)`);
    const voiceId = new VoiceIDClient({});

    const enrollment = await enrollThroughWorkflow(world, ENROLLED_SPEAKERS);
    console.log(`3. Batch speaker enrollment through the workflow:`);
    for (const stage of enrollment.stages) console.log(`   ${stage}`);
    const registration = await registerThroughWorkflow(world, [FRAUDSTER_VOICE]);
    console.log(`4. Fraudster registration through the workflow (default watchlist):`);
    for (const stage of registration.stages) console.log(`   ${stage}`);
    const batchFailures = [enrollment, registration].filter((b) => b.execution.status !== 'SUCCEEDED' || !/Batch status: COMPLETED\./.test(b.summary));
    await stack.control.setClockSpeed(0);

    await voiceId.send(new OptOutSpeakerCommand({ DomainId: stack.domainId, SpeakerId: OPTED_OUT_CUSTOMER }));
    const fn = findDecisionFunction(assemblyDir);
    const local = await startDecisionFunction(fn, stack, { onLog: log });
    const flows = deployedContactFlows(`arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:contact-flow-decision`);
    console.log(`5. Contact-flow Lambda loaded from ${path.relative(root, fn.assetDir)} (init ${local.initMs.toFixed(0)} ms); ${OPTED_OUT_CUSTOMER} opted out.`);
    console.log(`   Calls through the shipped contact flow (${flows['all-in-one'].Actions.length} actions, as the stateless stack deploys it with the Connect wiring on), run by the local flow runner:`);
    console.log(`   ${pad('call', 19)}${pad('claims', 12)}${pad('path', 62)}${pad('s to decision', 15)}${pad('decision', 18)}expected`);
    let mismatches = 0;
    try {
      for (const [i, call] of FLOW_SCENARIO_CALLS.entries()) {
        const contactId = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
        const placed = await placeFlowCall(stack, local, voiceId, flows, call, contactId);
        const path_ = placed.run.visited.filter((id) => /^(check-enrollment|collect-speech|retry-prompt|invoke-decision|mark-.*|transfer-.*|fraud-prompt)$/.test(id));
        const route = `${compact(path_)}`;
        const ok = placed.decision === call.expected;
        if (!ok) mismatches++;
        const claim = call.claimedCustomerId === '' ? '-' : call.switchesTo ? `${call.claimedCustomerId}>${call.switchesTo}` : call.claimedCustomerId;
        console.log(`   ${pad(call.label, 19)}${pad(claim, 12)}${pad(route, 62)}${pad(placed.secondsToDecision === undefined ? '-' : String(placed.secondsToDecision), 15)}${pad(placed.decision, 18)}${ok ? call.expected : `${call.expected}  <- MISMATCH`}`);
      }
    } finally {
      await local.stop();
    }

    const ddb = new DynamoDBClient({});
    const records = await ddb.send(new ScanCommand({ TableName: stack.tables.decisions, Select: 'COUNT' }));
    console.log(`6. ${records.Count} decision records in the local decisions table (fraud scores shown as known-fraudster/spoofing risk).`);
    voiceId.destroy();
    ddb.destroy();
    if (batchFailures.length > 0) {
      console.error(`Batch(es) not completed: ${batchFailures.map((b) => b.key).join(', ')}.`);
      process.exitCode = 1;
    }
    if (mismatches > 0) {
      console.error(`${mismatches} call(s) did not get the expected decision.`);
      process.exitCode = 1;
    }
  } finally {
    await world.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
