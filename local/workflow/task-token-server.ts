import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * The part of the Step Functions API the step functions use (`SendTaskSuccess`, `SendTaskFailure`,
 * `SendTaskHeartbeat`, `DescribeExecution`; awsJson 1.0), on loopback: functions reach it with the real SFN client through
 * `AWS_ENDPOINT_URL_SFN`. aws-local-stepfunctions has no task tokens, so the runner mints one per waiting task here.
 */
export interface TaskTokens {
  readonly endpoint: string;
  /** A new token and the promise its SendTaskSuccess resolves (or SendTaskFailure rejects). */
  mint(): { readonly token: string; readonly completion: Promise<unknown> };
  /** Forgets a token whose task ended otherwise (timed out): a later call with it answers TaskTimedOut. */
  expire(token: string): void;
  stop(): Promise<void>;
}

/** `executionStatus` answers DescribeExecution (RUNNING, SUCCEEDED, FAILED; undefined: no such execution). */
export async function startTaskTokenServer(executionStatus: (executionArn: string) => string | undefined = () => undefined): Promise<TaskTokens> {
  const waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const expired = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: { taskToken?: string; output?: string; error?: string; cause?: string };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return answer(400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      if (target === 'AWSStepFunctions.DescribeExecution') {
        const arn = String((input as { executionArn?: string }).executionArn ?? '');
        const status = executionStatus(arn);
        return status ? answer(200, { executionArn: arn, status }) : answer(400, { __type: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${arn}'` });
      }
      const token = input.taskToken ?? '';
      const waiter = waiting.get(token);
      if (!waiter) return answer(400, { __type: expired.has(token) ? 'TaskTimedOut' : 'InvalidToken', message: 'Task Timed Out or token unknown' });
      if (target === 'AWSStepFunctions.SendTaskHeartbeat') return answer(200, {});
      waiting.delete(token);
      if (target === 'AWSStepFunctions.SendTaskSuccess') {
        try {
          waiter.resolve(JSON.parse(input.output ?? 'null'));
        } catch {
          waiter.reject(Object.assign(new Error('SendTaskSuccess output is not JSON'), { name: 'States.Runtime' }));
        }
        return answer(200, {});
      }
      if (target === 'AWSStepFunctions.SendTaskFailure') {
        waiter.reject(Object.assign(new Error(input.cause ?? ''), { name: input.error ?? 'States.TaskFailed' }));
        return answer(200, {});
      }
      waiting.set(token, waiter);
      return answer(400, { __type: 'UnknownOperationException', message: `${target} is not served locally` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    mint() {
      const token = `local-token-${randomUUID()}`;
      const completion = new Promise<unknown>((resolve, reject) => waiting.set(token, { resolve, reject }));
      completion.catch(() => undefined);
      return { token, completion };
    },
    expire(token) {
      waiting.delete(token);
      expired.add(token);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
