/**
 * Completes a waiting Step Functions task. A token that is no longer waiting (its task timed out and the workflow
 * asked again with a new one, or another delivery completed it first) is not an error: the other path finishes.
 */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';

const STALE_TOKEN = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export class StepFunctionsTaskTokens {
  constructor(private readonly sfn: SFNClient) {}

  /** Returns false when the token no longer waits. */
  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return true;
    } catch (error: unknown) {
      if (STALE_TOKEN.has((error as { name?: string }).name ?? '')) return false;
      throw error;
    }
  }
}
