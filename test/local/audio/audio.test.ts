import { analyzeSpeech, encodeWav, parseWav, synthesizeVoice, voiceprintSimilarity, WavFormatError } from '../../../local/audio';

const analyze = (buf: Buffer, channel = 0) => {
  const wav = parseWav(buf);
  return analyzeSpeech(wav.channelData[channel], wav.sampleRate);
};

describe('parseWav', () => {
  it('reads back what encodeWav wrote', () => {
    const wav = parseWav(encodeWav([Float32Array.from([0, 0.5, -0.5]), Float32Array.from([1, 0, -1])], 8000));
    expect(wav).toMatchObject({ audioFormat: 1, sampleRate: 8000, channels: 2, bitsPerSample: 16, frameCount: 3 });
    expect(wav.channelData[0][1]).toBeCloseTo(0.5, 3);
    expect(wav.channelData[1][2]).toBeCloseTo(-1, 3);
  });

  it.each([
    ['TRUNCATED', Buffer.from('RIFF')],
    ['NOT_RIFF', Buffer.from('RIFX\0\0\0\0WAVEfmt ')],
    ['NOT_WAVE', Buffer.from('RIFF\0\0\0\0AVI fmt ')],
    ['MISSING_FMT', Buffer.from('RIFF\0\0\0\0WAVE')],
  ])('rejects a file with %s', (code, buf) => {
    expect(() => parseWav(buf)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects non-PCM encodings and other bit depths with typed errors', () => {
    const pcm = encodeWav([new Float32Array(8)], 8000);
    const alaw = Buffer.from(pcm);
    alaw.writeUInt16LE(6, 20);
    expect(() => parseWav(alaw)).toThrow(WavFormatError);
    expect(() => parseWav(alaw)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ENCODING' }));
    const eightBit = Buffer.from(pcm);
    eightBit.writeUInt16LE(8, 34);
    expect(() => parseWav(eightBit)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_BIT_DEPTH' }));
  });
});

describe('synthetic voices', () => {
  const enrolled = ['ann', 'ben', 'cat', 'dan'].map((voice) => ({ voice, print: analyze(synthesizeVoice({ voice, seconds: 30, utterance: 'enroll' })).voiceprint }));

  it('produces a valid 8 kHz PCM-16 WAV of the requested length', () => {
    const wav = parseWav(synthesizeVoice({ voice: 'ann', seconds: 2, channels: 2 }));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 2, bitsPerSample: 16, frameCount: 16000 });
  });

  it('scores a different utterance of the same voice as genuine (>= 90) and other voices far below (< 60)', () => {
    for (const { voice, print } of enrolled) {
      const call = analyze(synthesizeVoice({ voice, seconds: 12, utterance: 'a call' })).voiceprint;
      expect(voiceprintSimilarity(call, print)).toBeGreaterThanOrEqual(90);
      for (const other of enrolled.filter((e) => e.voice !== voice)) {
        expect(voiceprintSimilarity(call, other.print)).toBeLessThan(60);
      }
    }
  });

  it('is deterministic for the same options', () => {
    expect(synthesizeVoice({ voice: 'ann', seconds: 1 }).equals(synthesizeVoice({ voice: 'ann', seconds: 1 }))).toBe(true);
  });

  it('excludes silence from net speech', () => {
    const chatty = analyze(synthesizeVoice({ voice: 'ben', seconds: 20, silenceRatio: 0.1 }));
    const quiet = analyze(synthesizeVoice({ voice: 'ben', seconds: 20, silenceRatio: 0.5 }));
    expect(chatty.netSpeechSeconds).toBeGreaterThan(15);
    expect(quiet.netSpeechSeconds).toBeLessThan(13);
    expect(quiet.netSpeechSeconds).toBeGreaterThan(7);
  });

  it('makes spoofing detectable from the audio without changing who it sounds like', () => {
    const genuine = analyze(synthesizeVoice({ voice: 'cat', seconds: 12 }));
    const spoofed = analyze(synthesizeVoice({ voice: 'cat', seconds: 12, spoofed: true }));
    expect(genuine.spoofScore).toBeLessThan(20);
    expect(spoofed.spoofScore).toBeGreaterThanOrEqual(80);
    expect(voiceprintSimilarity(spoofed.voiceprint, enrolled[2].print)).toBeGreaterThanOrEqual(90);
  });

  it('puts the voice on the requested channel of a stereo file', () => {
    const buf = synthesizeVoice({ voice: 'dan', seconds: 12, channels: 2, voiceChannel: 1, otherVoice: 'agent' });
    expect(voiceprintSimilarity(analyze(buf, 1).voiceprint, enrolled[3].print)).toBeGreaterThanOrEqual(90);
    expect(voiceprintSimilarity(analyze(buf, 0).voiceprint, enrolled[3].print)).toBeLessThan(60);
  });
});
