import { createHash } from 'node:crypto';
import { clientTokenOf, toJobChunks } from '../../../lambda/batch-workflow/domain/jobs';
import type { BatchRequest } from '../../../lambda/batch-workflow/domain/manifest';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const INPUT = { bucket: 'batch-input', key: 'enrollment/2026-12.csv', versionId: 'v1' };
const requests = (n: number, speakers = true): BatchRequest[] =>
  Array.from({ length: n }, (_, i) => ({ requestId: `r${i}`, ...(speakers && { speakerId: `C${i}` }), audio: [{ key: `audio/${i}.wav`, channelId: 0 as const, at: `line ${i + 1}` }], at: `line ${i + 1}` }));

describe('jobs from a validated manifest', () => {
  test.each([
    ['SPEAKER_ENROLLMENT', 10_000, [10_000]],
    ['SPEAKER_ENROLLMENT', 10_001, [10_000, 1]],
    ['SPEAKER_ENROLLMENT', 25_000, [10_000, 10_000, 5_000]],
    ['FRAUDSTER_REGISTRATION', 500, [500]],
    ['FRAUDSTER_REGISTRATION', 1_201, [500, 500, 201]],
  ] as const)('%s: %p requests become jobs of %p (Voice ID takes 10,000 speakers or 500 fraudsters per job)', (jobType, n, sizes) => {
    const chunks = toJobChunks(requests(n, jobType === 'SPEAKER_ENROLLMENT'), jobType, INPUT, sha);
    expect(chunks.map((c) => c.requests)).toEqual(sizes);
    const field = jobType === 'SPEAKER_ENROLLMENT' ? 'SpeakerEnrollmentRequests' : 'FraudsterRegistrationRequests';
    expect(chunks.map((c) => (c.manifest as unknown as Record<string, unknown[]>)[field].length)).toEqual(sizes);
    expect(new Set(chunks.map((c) => c.clientToken)).size).toBe(chunks.length);
  });

  test("the manifest is Voice ID's own, with full S3 URIs in the input bucket", () => {
    const [chunk] = toJobChunks(requests(1), 'SPEAKER_ENROLLMENT', INPUT, sha);
    expect(chunk.manifest).toEqual({ Version: '1.0', SpeakerEnrollmentRequests: [{ RequestId: 'r0', SpeakerId: 'C0', AudioSpecifications: [{ S3Uri: 's3://batch-input/audio/0.wav', ChannelId: 0 }] }] });
  });

  test('ClientTokens come from the object (bucket, key, version) and the chunk, not the run: a re-delivered upload gets the same token', () => {
    const token = clientTokenOf(INPUT, 'SPEAKER_ENROLLMENT', 0, sha);
    expect(token).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(clientTokenOf({ ...INPUT }, 'SPEAKER_ENROLLMENT', 0, sha)).toBe(token);
    expect(clientTokenOf({ ...INPUT, versionId: 'v2' }, 'SPEAKER_ENROLLMENT', 0, sha)).not.toBe(token);
    expect(clientTokenOf(INPUT, 'SPEAKER_ENROLLMENT', 1, sha)).not.toBe(token);
    expect(clientTokenOf(INPUT, 'FRAUDSTER_REGISTRATION', 0, sha)).not.toBe(token);
    // Other content at the same key and version-less (a direct start), or other job options: another job.
    expect(clientTokenOf({ ...INPUT, contentTag: '"etag-2"' }, 'SPEAKER_ENROLLMENT', 0, sha)).not.toBe(token);
    expect(clientTokenOf(INPUT, 'SPEAKER_ENROLLMENT', 0, sha, '{"ExistingEnrollmentAction":"OVERWRITE"}')).not.toBe(token);
  });
});
