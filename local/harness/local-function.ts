import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { BundledFunction, handlerLocation } from './bundled-function';

export interface InvocationResult {
  /** What the handler returned, when it returned. */
  readonly result?: unknown;
  /** What the runtime reports when the handler threw or timed out. */
  readonly error?: { readonly name: string; readonly message: string };
  /** Time from invoke to answer, measured inside the runtime. */
  readonly durationMs: number;
}

export interface LocalFunction {
  /** Time the runtime spent loading the handler module (the cold start's init phase). */
  readonly initMs: number;
  invoke(event: unknown): Promise<InvocationResult>;
  stop(): Promise<void>;
}

export interface LocalFunctionOptions {
  /** The function's environment (endpoints, table names, ...). Nothing else of this process's environment leaks in. */
  readonly environment: Readonly<Record<string, string>>;
  /** Lambda's timeout. @default 8000 */
  readonly timeoutMs?: number;
  /** Lines the function writes go here. @default - discarded */
  readonly onLog?: (line: string) => void;
  /**
   * The clock of the world the function runs in (epoch ms): its `Date.now()` follows it, as a Lambda's clock
   * agrees with Voice ID's in AWS. Locally the emulator's clock jumps when a test lets a caller speak.
   * @default - the machine's clock
   */
  readonly clock?: () => number;
}

/**
 * Runs a bundled function from a cloud assembly in a child process, the way Lambda runs it: the module is
 * loaded once, then invocations come in with a context whose remaining time counts down to the timeout.
 * Invocations may overlap (Lambda would give each its own instance; see the README).
 */
export async function startLocalFunction(fn: BundledFunction, options: LocalFunctionOptions): Promise<LocalFunction> {
  const { modulePath, exportName } = handlerLocation(fn);
  const timeoutMs = options.timeoutMs ?? 8000;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_LAMBDA_FUNCTION_NAME: 'local-function',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    ...options.environment,
  };
  const clockOffset = () => (options.clock ? options.clock() - Date.now() : 0);
  const child: ChildProcess = fork(path.join(__dirname, 'lambda-runner.cjs'), [modulePath, exportName, 'local-function', String(timeoutMs), String(clockOffset())], {
    env,
    execArgv: (env.NODE_OPTIONS ?? '').split(' ').filter(Boolean),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const forward = (chunk: Buffer) => {
    if (!options.onLog) return;
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onLog(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  const pending = new Map<number, (r: InvocationResult) => void>();
  let nextId = 0;
  const initMs = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`function exited during init with code ${code}`)));
    child.on('message', (message: { type: string; initMs?: number; message?: string; id?: number } & InvocationResult) => {
      if (message.type === 'ready') resolve(message.initMs ?? 0);
      else if (message.type === 'init-error') reject(new Error(`function init failed: ${message.message}`));
      else if (message.type === 'result' && message.id !== undefined) {
        pending.get(message.id)?.({ result: message.result, error: message.error, durationMs: message.durationMs });
        pending.delete(message.id);
      }
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    for (const resolve of pending.values()) resolve({ error: { name: 'Runtime.ExitError', message: 'function process exited' }, durationMs: 0 });
    pending.clear();
  });

  return {
    initMs,
    invoke: (event) =>
      new Promise<InvocationResult>((resolve) => {
        // A stopped function answers as Lambda's runtime would for a dead sandbox, never by crashing the caller.
        if (!child.connected) return resolve({ error: { name: 'Runtime.ExitError', message: 'function process is not running' }, durationMs: 0 });
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ type: 'invoke', id, event, clockOffsetMs: clockOffset() }, (error) => {
          if (!error) return;
          pending.delete(id);
          resolve({ error: { name: 'Runtime.ExitError', message: error.message }, durationMs: 0 });
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
