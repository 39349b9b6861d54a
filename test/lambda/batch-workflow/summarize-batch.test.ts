/** The summary a person reads next to the input, and the batch status the completion event carries. */
import type { RequestOutcome } from '../../../lambda/batch-workflow/domain/job-results';
import { summarizeBatch } from '../../../lambda/batch-workflow/use-case/summarize-batch';

const OUTCOMES: Record<string, RequestOutcome[]> = {
  job1: [
    { requestId: 'line-1', outcome: 'ENROLLED', generatedId: 'g1' },
    { requestId: 'line-2', outcome: 'FAILED', errorCode: 400, errorMessage: 'Not enough speech' },
  ],
};

async function summarize(jobs: Parameters<typeof summarizeBatch>[0]['jobs'], error?: { Error?: string; Cause?: string }) {
  const written: Record<string, string> = {};
  const summary = await summarizeBatch({ inputKey: 'enrollment/a.csv', jobType: 'SPEAKER_ENROLLMENT', jobs, error }, { outcomes: async (id) => OUTCOMES[id] ?? [], putText: async (k, b) => void (written[k] = b) });
  return { summary, text: written['enrollment/a.csv.summary.txt'] };
}

test('a job with failed requests is COMPLETED_WITH_ERRORS, each failure listed with its code', async () => {
  const { summary, text } = await summarize([{ jobId: 'job1', jobStatus: 'COMPLETED_WITH_ERRORS' }]);
  expect(summary).toEqual({ status: 'COMPLETED_WITH_ERRORS', summaryKey: 'enrollment/a.csv.summary.txt', jobs: 1, counts: { ENROLLED: 1, FAILED: 1 } });
  expect(text).toMatch(/- line-2: error 400: Not enough speech/);
});

test('a chunk that failed in the workflow fails the batch, and the summary says which and why, in one line', async () => {
  const { summary, text } = await summarize([
    { jobId: 'job1', jobStatus: 'COMPLETED_WITH_ERRORS' },
    { jobStatus: 'WORKFLOW_ERROR', chunk: 1, error: { Error: 'States.TaskFailed', Cause: 'DynamoDB was unavailable\n    at stack frame' } },
  ]);
  expect(summary.status).toBe('FAILED');
  expect(text).toMatch(/Chunk 2 of the file failed in the workflow \(States\.TaskFailed: DynamoDB was unavailable\); none of its requests were recorded/);
  expect(text).not.toContain('stack frame');
});
