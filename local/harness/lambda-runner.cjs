'use strict';
// A minimal stand-in for the Lambda runtime, run as a child process: loads one bundled handler once
// (the cold start) and serves invocations sent over IPC, each with Lambda's context and timeout.

const [modulePath, exportName, functionName, timeoutMsArg, clockOffsetArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutMsArg);

// The function's clock follows the local world's (the emulator's, which tests move): in AWS a Lambda's
// clock and Voice ID's agree, and the function compares result timestamps with its own time.
const machineNow = Date.now.bind(Date);
let clockOffsetMs = Number(clockOffsetArg) || 0;
Date.now = () => machineNow() + clockOffsetMs;

const initStart = performance.now();
let handler;
try {
  handler = require(modulePath)[exportName];
  if (typeof handler !== 'function') throw new Error(`${modulePath} does not export a function '${exportName}'`);
} catch (e) {
  process.send({ type: 'init-error', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
process.send({ type: 'ready', initMs: performance.now() - initStart });

process.on('message', (message) => {
  if (message.type !== 'invoke') return;
  if (typeof message.clockOffsetMs === 'number') clockOffsetMs = message.clockOffsetMs;
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  const context = {
    awsRequestId: crypto.randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let settled = false;
  const reply = (outcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    process.send({ type: 'result', id: message.id, durationMs: performance.now() - started, ...outcome });
  };
  const timer = setTimeout(() => reply({ error: { name: 'Sandbox.Timedout', message: `Task timed out after ${timeoutMs} ms` } }), timeoutMs);
  Promise.resolve()
    .then(() => handler(message.event, context))
    .then(
      (result) => reply({ result }),
      (e) => reply({ error: { name: e && e.name ? e.name : 'Error', message: e && e.message ? e.message : String(e) } }),
    );
});
