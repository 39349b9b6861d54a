/** The Validate step's handler refuses an execution input it cannot act on before it touches S3. */
describe('prepare handler', () => {
  let handler: (event: unknown) => Promise<unknown>;

  beforeAll(() => {
    Object.assign(process.env, { BATCH_INPUT_BUCKET: 'batch-input', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler reads its environment at load, after it is set
    ({ handler } = require('../../../lambda/batch-workflow/prepare-handler') as { handler: (event: unknown) => Promise<unknown> });
  });

  test.each([
    ['no job type', { bucket: 'batch-input', key: 'enrollment/a.csv' }, /jobType/],
    ['an unknown job type', { bucket: 'batch-input', key: 'enrollment/a.csv', jobType: 'ENROLL' }, /jobType/],
    ['no key', { bucket: 'batch-input', jobType: 'SPEAKER_ENROLLMENT' }, /key/],
    ['not an object', 'enrollment/a.csv', /\{ bucket, key, versionId\?, jobType/],
  ])('refuses %s, naming the field', async (_label, event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: 'InvalidBatchInput', message: expect.stringMatching(message) });
  });

  test('refuses another bucket: the data-access role reads only the batch input bucket', async () => {
    await expect(handler({ bucket: 'someone-elses', key: 'a.csv', jobType: 'SPEAKER_ENROLLMENT' })).rejects.toThrow(/must be the batch input bucket batch-input/);
  });
});
