import type { S3Client } from '@aws-sdk/client-s3';
import { localS3Client } from '../harness/local-s3';
import { type LocalStack, startLocalStack } from '../harness/local-stack';
import { type LocalWorkflow, startLocalWorkflow } from './local-workflow';

export interface BatchWorkflowStack {
  readonly stack: LocalStack;
  readonly workflow: LocalWorkflow;
  /** An S3 client for the local S3 (uploads, reports, summaries). */
  readonly s3: S3Client;
  stop(): Promise<void>;
}

export interface BatchWorkflowStackOptions {
  /** Emulated seconds per real second, for the emulator's clock and the workflow's waits alike. */
  readonly timeScale: number;
  /** The emulator's state file (needed to restart it mid-job). @default memory only */
  readonly statePath?: string;
  readonly onLog?: (line: string) => void;
}

/**
 * The local stack with the batch workflow deployed on it: the emulator's batch job events go to the workflow's
 * local default bus, as Voice ID's go to the account's default bus. Applies the stack's SDK settings to this
 * process's environment.
 */
export async function startBatchWorkflowStack(assemblyDir: string, options: BatchWorkflowStackOptions): Promise<BatchWorkflowStack> {
  let workflow: LocalWorkflow | undefined;
  const stack = await startLocalStack({
    emulator: { clockSpeed: options.timeScale, statePath: options.statePath, onEvent: (event) => void workflow?.putEvents([event as unknown as Record<string, unknown>]) },
  });
  try {
    Object.assign(process.env, stack.env);
    workflow = await startLocalWorkflow(assemblyDir, stack, { timeScale: options.timeScale, onLog: options.onLog });
  } catch (e: unknown) {
    await stack.stop();
    throw e;
  }
  const s3 = localS3Client();
  const running = workflow;
  return {
    stack,
    workflow: running,
    s3,
    stop: async () => {
      s3.destroy();
      await running.stop();
      await stack.stop();
    },
  };
}
