import { audioProblems, MAX_AUDIO_BYTES, readWavHeader } from '../../../lambda/batch-workflow/domain/wav-header';
import { encodeWav, synthesizeVoice } from '../../../local/audio';

const head = (buf: Buffer) => new Uint8Array(buf.subarray(0, 4096));
const wav = (sampleRate: number, channels: number) => encodeWav(Array.from({ length: channels }, () => new Float32Array(800)), sampleRate);

/** A WAV header with any format fields, followed by a little data. */
function headerWith(fields: { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number }): Buffer {
  const buf = wav(8000, 1);
  buf.writeUInt16LE(fields.audioFormat, 20);
  buf.writeUInt16LE(fields.channels, 22);
  buf.writeUInt32LE(fields.sampleRate, 24);
  buf.writeUInt16LE(fields.bitsPerSample, 34);
  return buf;
}

describe('batch audio checks from the first bytes of a file', () => {
  test('a synthetic call recording (8 kHz PCM-16 mono) passes, on channel 0', () => {
    const recording = synthesizeVoice({ voice: 'voice-ana', seconds: 2 });
    expect(readWavHeader(head(recording))).toEqual({ audioFormat: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(audioProblems(recording.length, head(recording), 0)).toEqual([]);
  });

  test('a stereo 8 kHz file passes on either channel', () => {
    const stereo = wav(8000, 2);
    expect(audioProblems(stereo.length, head(stereo), 1)).toEqual([]);
  });

  test.each([
    ['a 16 kHz file', wav(16000, 1), 0, ['NOT_8KHZ']],
    ['channel 1 of a mono file', wav(8000, 1), 1, ['NO_SUCH_CHANNEL']],
    ['a three-channel file', headerWith({ audioFormat: 1, channels: 3, sampleRate: 8000, bitsPerSample: 16 }), 0, ['TOO_MANY_CHANNELS']],
    ['8-bit PCM', headerWith({ audioFormat: 1, channels: 1, sampleRate: 8000, bitsPerSample: 8 }), 0, ['NOT_PCM16']],
    ['mu-law', headerWith({ audioFormat: 7, channels: 1, sampleRate: 8000, bitsPerSample: 8 }), 0, ['NOT_PCM16']],
    ['an MP3 renamed .wav', Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'), 0, ['NOT_WAV']],
    ['a 44.1 kHz stereo 8-bit file on channel 1', headerWith({ audioFormat: 1, channels: 2, sampleRate: 44100, bitsPerSample: 8 }), 1, ['NOT_PCM16', 'NOT_8KHZ']],
  ])('%s is refused (%p)', (_label, file, channel, codes) => {
    expect(audioProblems(file.length, head(file), channel).map((p) => p.code)).toEqual(codes);
  });

  test('a file over 20 MB is refused even when its header is right, and the message says by how much', () => {
    const ok = wav(8000, 1);
    const problems = audioProblems(MAX_AUDIO_BYTES + 1, head(ok), 0);
    expect(problems.map((p) => p.code)).toEqual(['TOO_LARGE']);
    expect(problems[0].message).toMatch(/20\.0 MB; Voice ID takes at most 20 MB/);
  });

  test('an empty file is refused', () => {
    expect(audioProblems(0, new Uint8Array(), 0).map((p) => p.code)).toEqual(['EMPTY']);
  });
});
