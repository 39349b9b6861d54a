import { type BatchRequest, parseManifest } from '../../../lambda/batch-workflow/domain/manifest';

const BUCKET = 'batch-input';
const uri = (key: string) => `s3://${BUCKET}/${key}`;
const enrollment = (requests: unknown[]) => JSON.stringify({ Version: '1.0', SpeakerEnrollmentRequests: requests });
const request = (id: string, speaker: string, keys: string[], channel = 0) => ({ RequestId: id, SpeakerId: speaker, AudioSpecifications: keys.map((k) => ({ S3Uri: uri(k), ChannelId: channel })) });

function requestsOf(text: string, jobType: 'SPEAKER_ENROLLMENT' | 'FRAUDSTER_REGISTRATION' = 'SPEAKER_ENROLLMENT'): readonly BatchRequest[] {
  const parsed = parseManifest(text, jobType, BUCKET);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.requests;
}

function problemsOf(text: string, jobType: 'SPEAKER_ENROLLMENT' | 'FRAUDSTER_REGISTRATION' = 'SPEAKER_ENROLLMENT') {
  const parsed = parseManifest(text, jobType, BUCKET);
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems;
}

describe('batch manifests', () => {
  test("Voice ID's own JSON manifest is read as it is, audio keys in the input bucket", () => {
    expect(requestsOf(enrollment([request('r1', 'C1001', ['audio/a.wav', 'audio/b.wav']), request('r2', 'C1002', ['audio/c.wav'], 1)]))).toEqual([
      { requestId: 'r1', speakerId: 'C1001', audio: [expect.objectContaining({ key: 'audio/a.wav', channelId: 0 }), expect.objectContaining({ key: 'audio/b.wav', channelId: 0 })], at: 'SpeakerEnrollmentRequests[0]' },
      { requestId: 'r2', speakerId: 'C1002', audio: [expect.objectContaining({ key: 'audio/c.wav', channelId: 1 })], at: 'SpeakerEnrollmentRequests[1]' },
    ]);
  });

  test('an enrollment CSV makes one request per speaker (their lines gathered), RequestIds from line numbers, header and comments skipped', () => {
    const csv = 'speakerId,audio key,channel\n# first batch\nC1001,audio/a.wav\nC1002,audio/b.wav,1\nC1001,audio/a2.wav,0\n';
    expect(requestsOf(csv)).toEqual([
      { requestId: 'line-3', speakerId: 'C1001', audio: [expect.objectContaining({ key: 'audio/a.wav' }), expect.objectContaining({ key: 'audio/a2.wav' })], at: 'line 3' },
      { requestId: 'line-4', speakerId: 'C1002', audio: [expect.objectContaining({ key: 'audio/b.wav', channelId: 1 })], at: 'line 4' },
    ]);
  });

  test('a fraudster CSV makes one request per line', () => {
    expect(requestsOf('audio/f1.wav\naudio/f2.wav,1\r\n', 'FRAUDSTER_REGISTRATION').map((r) => [r.requestId, r.audio[0].key, r.audio[0].channelId])).toEqual([
      ['line-1', 'audio/f1.wav', 0],
      ['line-2', 'audio/f2.wav', 1],
    ]);
  });

  test.each([
    ['an empty file', '', /file.*empty/],
    ['JSON that does not parse', '{"Version": "1.0",', /not valid JSON/],
    ['the wrong version', JSON.stringify({ Version: '2.0', SpeakerEnrollmentRequests: [request('r1', 'C1', ['a.wav'])] }), /Version.*"1.0"/],
    ['a fraudster manifest uploaded for enrollment', JSON.stringify({ Version: '1.0', FraudsterRegistrationRequests: [] }), /FraudsterRegistrationRequests manifest: upload it under the other prefix/],
    ['a duplicated RequestId', enrollment([request('r1', 'C1', ['a.wav']), request('r1', 'C2', ['b.wav'])]), /also used at SpeakerEnrollmentRequests\[0\]/],
    ['a speaker twice', enrollment([request('r1', 'C1', ['a.wav']), request('r2', 'C1', ['b.wav'])]), /speaker is also enrolled at SpeakerEnrollmentRequests\[0\]/],
    ['a phone number as speaker id', enrollment([request('r1', '+15555550100', ['a.wav'])]), /speaker id must be/],
    ['eleven audio files', enrollment([request('r1', 'C1', Array.from({ length: 11 }, (_, i) => `a${i}.wav`))]), /11 audio files; Voice ID takes at most 10/],
    ['no audio', enrollment([request('r1', 'C1', [])]), /no audio/],
    ['ChannelId 2', enrollment([request('r1', 'C1', ['a.wav'], 2)]), /ChannelId 2 is not 0 or 1/],
    ['audio in another bucket', enrollment([{ RequestId: 'r1', SpeakerId: 'C1', AudioSpecifications: [{ S3Uri: 's3://elsewhere/a.wav', ChannelId: 0 }] }]), /S3Uri must be s3:\/\/batch-input\/<key>/],
    ['a missing SpeakerId', enrollment([{ RequestId: 'r1', AudioSpecifications: [{ S3Uri: uri('a.wav'), ChannelId: 0 }] }]), /SpeakerId is missing/],
    ['an unknown field', JSON.stringify({ Version: '1.0', SpeakerEnrollmentRequests: [request('r1', 'C1', ['a.wav'])], WatchlistIds: [] }), /WatchlistIds is not a manifest field/],
    ['a CSV line with too many columns', 'C1,a.wav,0,extra', /line 1: expected speakerId,audio key\[,channel\], got 4 column/],
    ['a CSV line with a bad channel', 'C1,a.wav,left', /line 1: ChannelId left is not 0 or 1/],
  ])('refuses %s, saying where and how to fix it', (_label, text, message) => {
    const problems = problemsOf(text);
    expect(problems.map((p) => `${p.at}: ${p.message}`).join('\n')).toMatch(message);
  });

  test('lists every problem of a file at once, not just the first', () => {
    const problems = problemsOf('C1,a.wav,5\nC2,b.wav,7\n+1555,c.wav\n');
    expect(problems.map((p) => p.at)).toEqual(['line 1', 'line 2']);
    // Rules across requests come once each line parses.
    expect(problemsOf('C1,a.wav\n+1555,c.wav\n').map((p) => p.at)).toEqual(['line 2']);
  });

  test('never echoes a speaker id into a problem (it may be personal data)', () => {
    const problems = problemsOf(enrollment([request('r1', 'secret-customer-42', ['a.wav']), request('r2', 'secret-customer-42', ['b.wav'])]));
    expect(JSON.stringify(problems)).not.toContain('secret-customer-42');
  });

  test('a first line is a header only when its cells are the column names: an id that starts like one is data', () => {
    expect(requestsOf('speaker001,audio/a.wav\nspeaker002,audio/b.wav\n').map((r) => r.speakerId)).toEqual(['speaker001', 'speaker002']);
    expect(requestsOf('speakerId,audio key,channel\nC1,audio/a.wav,0\n').map((r) => r.speakerId)).toEqual(['C1']);
    expect(requestsOf('Speaker_Id , Audio-Key\nC1,audio/a.wav\n').map((r) => r.speakerId)).toEqual(['C1']);
  });

  test('a JSON syntax error is reported by position, never by the text around it (which may hold speaker ids)', () => {
    const problems = problemsOf('{"Version":"1.0","SpeakerEnrollmentRequests":[{"RequestId":"r1","SpeakerId":"C-SECRET-77",}]}');
    expect(problems.map((p) => p.message).join(' ')).not.toContain('SECRET');
    expect(problems[0].message).toMatch(/not valid JSON/);
  });
});
