/** Local bindings: inside test runners' VM contexts every `Math.x` lookup in a hot loop is slow. */
const { max, min, round, floor } = Math;

/** Strict reader and writer for RIFF/WAVE PCM files, the container Voice ID accepts for batch audio. */

export type WavErrorCode =
  | 'TRUNCATED'
  | 'NOT_RIFF'
  | 'NOT_WAVE'
  | 'MISSING_FMT'
  | 'MISSING_DATA'
  | 'BAD_FMT'
  | 'UNSUPPORTED_ENCODING'
  | 'UNSUPPORTED_BIT_DEPTH';

/** Raised when a buffer is not a WAV file this reader can decode; `code` says which rule failed. */
export class WavFormatError extends Error {
  constructor(
    readonly code: WavErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WavFormatError';
  }
}

export interface WavAudio {
  /** 1 = PCM; anything else is rejected before decoding. */
  readonly audioFormat: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Samples per channel. */
  readonly frameCount: number;
  readonly durationSeconds: number;
  /** One array per channel, samples scaled to [-1, 1). */
  readonly channelData: readonly Float32Array[];
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Parses a WAV buffer. Only 16-bit PCM is decoded (the only encoding Voice ID takes); other encodings fail
 * with a typed error so the caller can answer with the service's message.
 */
export function parseWav(buf: Buffer): WavAudio {
  if (buf.length < 12) throw new WavFormatError('TRUNCATED', 'File is shorter than a RIFF header');
  if (buf.toString('ascii', 0, 4) !== 'RIFF') throw new WavFormatError('NOT_RIFF', 'Missing RIFF signature');
  if (buf.toString('ascii', 8, 12) !== 'WAVE') throw new WavFormatError('NOT_WAVE', 'RIFF form type is not WAVE');

  let fmt: { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | undefined;
  let data: Buffer | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > buf.length) throw new WavFormatError('BAD_FMT', 'fmt chunk is shorter than 16 bytes');
      let audioFormat = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in the first two bytes of its sub-format GUID.
      if (audioFormat === WAVE_FORMAT_EXTENSIBLE && size >= 40) audioFormat = buf.readUInt16LE(body + 24);
      fmt = {
        audioFormat,
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        blockAlign: buf.readUInt16LE(body + 12),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (body + size > buf.length) throw new WavFormatError('TRUNCATED', 'data chunk runs past the end of the file');
      data = buf.subarray(body, body + size);
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  if (!fmt) throw new WavFormatError('MISSING_FMT', 'No fmt chunk');
  if (!data) throw new WavFormatError('MISSING_DATA', 'No data chunk');
  if (fmt.channels < 1 || fmt.sampleRate < 1) throw new WavFormatError('BAD_FMT', 'fmt chunk declares no channels or no sample rate');
  if (fmt.audioFormat !== WAVE_FORMAT_PCM) {
    throw new WavFormatError('UNSUPPORTED_ENCODING', `Audio format ${fmt.audioFormat} is not PCM (1)`);
  }
  if (fmt.bitsPerSample !== 16) {
    throw new WavFormatError('UNSUPPORTED_BIT_DEPTH', `Bit depth ${fmt.bitsPerSample} is not 16`);
  }
  if (fmt.blockAlign !== fmt.channels * 2) throw new WavFormatError('BAD_FMT', 'Block align does not match channels × 2 bytes');

  const frameCount = floor(data.length / fmt.blockAlign);
  const channelData = Array.from({ length: fmt.channels }, () => new Float32Array(frameCount));
  for (let i = 0; i < frameCount; i++) {
    for (let c = 0; c < fmt.channels; c++) {
      channelData[c][i] = data.readInt16LE(i * fmt.blockAlign + c * 2) / 32768;
    }
  }
  return {
    audioFormat: fmt.audioFormat,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bitsPerSample,
    frameCount,
    durationSeconds: frameCount / fmt.sampleRate,
    channelData,
  };
}

/** Encodes channels of samples in [-1, 1] as a 16-bit PCM WAV (clipping out-of-range samples). */
export function encodeWav(channelData: readonly Float32Array[], sampleRate: number): Buffer {
  const channels = channelData.length;
  const frames = channelData[0]?.length ?? 0;
  const dataSize = frames * channels * 2;
  const buf = Buffer.alloc(44 + dataSize);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataSize, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels * 2, 28);
  buf.writeUInt16LE(channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataSize, 40);
  let o = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const s = max(-1, min(1, channelData[c][i]));
      buf.writeInt16LE(round(s * 32767), o);
      o += 2;
    }
  }
  return buf;
}
