/**
 * The Validate step's use case with the real S3 adapter against a local S3 (s3rver): ranged reads of real
 * synthetic recordings, manifests and reports written where the workflow expects them.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3BatchObjects } from '../../../lambda/batch-workflow/adapters/s3-batch-objects';
import { JOBS_PREFIX, prepareBatch, VALIDATION_REPORT_SUFFIX } from '../../../lambda/batch-workflow/use-case/prepare-batch';
import { encodeWav, synthesizeVoice } from '../../../local/audio';
import { localS3Client, type LocalS3, startLocalS3 } from '../../../local/harness/local-s3';

const BUCKET = 'batch-input';
let s3server: LocalS3;
let s3: S3Client;
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const deps = () => ({ objects: new S3BatchObjects(s3, BUCKET), sha256Hex, concurrency: 4 });
const put = (key: string, body: string | Buffer) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const text = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
const keysUnder = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);

beforeAll(async () => {
  s3server = await startLocalS3([BUCKET]);
  s3 = localS3Client(s3server.endpoint);
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  await put('audio/ana-1.wav', synthesizeVoice({ voice: 'voice-ana', seconds: 3, utterance: '1' }));
  await put('audio/ana-2.wav', synthesizeVoice({ voice: 'voice-ana', seconds: 3, utterance: '2' }));
  await put('audio/ben.wav', synthesizeVoice({ voice: 'voice-ben', seconds: 3 }));
  await put('audio/wideband.wav', encodeWav([new Float32Array(1600)], 16000));
  await put('audio/not-a-wav.wav', 'ID3 an mp3 renamed');
}, 30_000);

afterAll(async () => {
  s3?.destroy();
  await s3server?.stop();
});

describe('preparing a batch against S3', () => {
  test('a clean CSV becomes one job: its Voice ID manifest is written under voice-id-jobs/, named by its ClientToken', async () => {
    await put('enrollment/clean.csv', 'speakerId,audio key\nC1001,audio/ana-1.wav\nC1001,audio/ana-2.wav\nC1002,audio/ben.wav\n');
    const result = await prepareBatch({ bucket: BUCKET, key: 'enrollment/clean.csv', versionId: '' }, 'SPEAKER_ENROLLMENT', deps());
    expect(result).toEqual({
      valid: true,
      jobType: 'SPEAKER_ENROLLMENT',
      requests: 2,
      // Voice ID's defaults, written out; no watchlist named, so the domain's default.
      config: { jobType: 'SPEAKER_ENROLLMENT', enrollmentConfig: { ExistingEnrollmentAction: 'SKIP', FraudDetectionConfig: { FraudDetectionAction: 'FAIL', RiskThreshold: 50 } } },
      jobs: [{ index: 0, clientToken: expect.stringMatching(/^enr-[0-9a-f]{60}$/), manifestKey: expect.stringMatching(/^voice-id-jobs\/enr-/), requests: 2 }] });
    if (!result.valid) throw new Error('expected a valid batch');
    expect(JSON.parse(await text(result.jobs[0].manifestKey))).toEqual({
      Version: '1.0',
      SpeakerEnrollmentRequests: [
        { RequestId: 'line-2', SpeakerId: 'C1001', AudioSpecifications: [{ S3Uri: `s3://${BUCKET}/audio/ana-1.wav`, ChannelId: 0 }, { S3Uri: `s3://${BUCKET}/audio/ana-2.wav`, ChannelId: 0 }] },
        { RequestId: 'line-4', SpeakerId: 'C1002', AudioSpecifications: [{ S3Uri: `s3://${BUCKET}/audio/ben.wav`, ChannelId: 0 }] },
      ],
    });
    // The same upload prepared again (a re-delivered event) writes the same manifest, not a second one.
    const again = await prepareBatch({ bucket: BUCKET, key: 'enrollment/clean.csv', versionId: '' }, 'SPEAKER_ENROLLMENT', deps());
    expect(again).toEqual(result);
  });

  test('bad audio starts no job: a report next to the input names each line, what is wrong and the fix; the input is untouched', async () => {
    const csv = 'C2001,audio/missing.wav\nC2002,audio/wideband.wav\nC2003,audio/not-a-wav.wav\nC2004,audio/ben.wav,1\nC2005,audio/ben.wav\n';
    await put('enrollment/bad.csv', csv);
    const before = await keysUnder(JOBS_PREFIX);
    const result = await prepareBatch({ bucket: BUCKET, key: 'enrollment/bad.csv', versionId: '' }, 'SPEAKER_ENROLLMENT', deps());
    expect(result).toEqual({ valid: false, jobType: 'SPEAKER_ENROLLMENT', problems: 4, reportKey: `enrollment/bad.csv${VALIDATION_REPORT_SUFFIX}` });
    const report = await text(`enrollment/bad.csv${VALIDATION_REPORT_SUFFIX}`);
    expect(report).toContain('No job was started; the input was left as it is.');
    expect(report).toMatch(/- line 1: audio audio\/missing.wav does not exist in the batch input bucket; upload it or fix the key/);
    expect(report).toMatch(/- line 2: audio audio\/wideband.wav: it is sampled at 16000 Hz; resample it to 8000 Hz/);
    expect(report).toMatch(/- line 3: audio audio\/not-a-wav.wav: it is not a WAV file/);
    expect(report).toMatch(/- line 4: audio audio\/ben.wav: channel 1 was requested but the file has 1 channel\(s\)/);
    expect(report).not.toMatch(/line 5/);
    expect(report).not.toContain('C2002');
    expect(await text('enrollment/bad.csv')).toBe(csv);
    expect(await keysUnder(JOBS_PREFIX)).toEqual(before);
  });

  test('a manifest that breaks its own rules is reported without touching the audio', async () => {
    await put('registration/broken.json', JSON.stringify({ Version: '1.0', FraudsterRegistrationRequests: [{ RequestId: 'f1', AudioSpecifications: [{ S3Uri: 's3://another-bucket/x.wav', ChannelId: 0 }] }] }));
    const result = await prepareBatch({ bucket: BUCKET, key: 'registration/broken.json', versionId: '' }, 'FRAUDSTER_REGISTRATION', deps());
    expect(result).toMatchObject({ valid: false, problems: 1 });
    expect(await text(`registration/broken.json${VALIDATION_REPORT_SUFFIX}`)).toMatch(/FraudsterRegistrationRequests\[0\]\.AudioSpecifications\[0\]\.S3Uri: S3Uri must be s3:\/\/batch-input\/<key>/);
  });

  test('the job options come from the object\'s metadata, and a direct start\'s options win', async () => {
    const csv = 'audio/ana-1.wav\n';
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'fraudsters/with-options.csv', Body: csv, Metadata: { 'duplicate-registration-action': 'register_as_new', 'fraudster-similarity-threshold': '70', 'uploaded-by': 'ops' } }),
    );
    const fromMetadata = await prepareBatch({ bucket: BUCKET, key: 'fraudsters/with-options.csv', versionId: '' }, 'FRAUDSTER_REGISTRATION', deps());
    expect(fromMetadata).toMatchObject({ valid: true, config: { registrationConfig: { DuplicateRegistrationAction: 'REGISTER_AS_NEW', FraudsterSimilarityThreshold: 70 } } });
    const overridden = await prepareBatch({ bucket: BUCKET, key: 'fraudsters/with-options.csv', versionId: '' }, 'FRAUDSTER_REGISTRATION', deps(), { 'watchlist-id': 'A'.repeat(22), 'fraudster-similarity-threshold': '90' });
    expect(overridden).toMatchObject({ valid: true, config: { registrationConfig: { FraudsterSimilarityThreshold: 90, WatchlistIds: ['A'.repeat(22)] } } });
  });

  test('an option that is not one of Voice ID\'s values, or not an option of the job type, is reported and starts no job', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'enrollment/bad-options.csv', Body: 'C3001,audio/ben.wav\n', Metadata: { 'existing-enrollment-action': 'REPLACE', 'risk-threshold': '101' } }));
    const before = await keysUnder(JOBS_PREFIX);
    const result = await prepareBatch({ bucket: BUCKET, key: 'enrollment/bad-options.csv', versionId: '' }, 'SPEAKER_ENROLLMENT', deps(), { 'duplicate-registration-action': 'SKIP' });
    expect(result).toMatchObject({ valid: false, problems: 3 });
    const report = await text(`enrollment/bad-options.csv${VALIDATION_REPORT_SUFFIX}`);
    expect(report).toMatch(/metadata x-amz-meta-existing-enrollment-action: existing-enrollment-action is 'REPLACE'; use one of SKIP, OVERWRITE \(default SKIP\)/);
    expect(report).toMatch(/metadata x-amz-meta-risk-threshold: risk-threshold is '101'; use a whole number from 0 to 100/);
    expect(report).toMatch(/options.duplicate-registration-action: duplicate-registration-action is not an option of a SPEAKER_ENROLLMENT job/);
    expect(await keysUnder(JOBS_PREFIX)).toEqual(before);
  });

  test('a file replaced at the same key (a direct start names no version) gets new jobs; the same content gets the same ones', async () => {
    const tokens = async (csv: string) => {
      await put('enrollment/replaced.csv', csv);
      const result = await prepareBatch({ bucket: BUCKET, key: 'enrollment/replaced.csv', versionId: '' }, 'SPEAKER_ENROLLMENT', deps());
      if (!result.valid) throw new Error('expected a valid batch');
      return result.jobs.map((j) => j.clientToken);
    };
    const first = await tokens('C4001,audio/ben.wav\n');
    expect(await tokens('C4001,audio/ben.wav\n')).toEqual(first);
    expect(await tokens('C4002,audio/ben.wav\n')).not.toEqual(first);
  });
});
