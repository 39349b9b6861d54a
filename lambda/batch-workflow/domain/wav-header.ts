/**
 * What Voice ID requires of a batch audio file, checked from the start of the file alone (a ranged read), so
 * that validating 10,000 speakers reads a few kilobytes per file, not gigabytes.
 *
 * Voice ID takes `.wav` files of at most 20 MB, 8 kHz, PCM-16, with one or two channels (the request's
 * `ChannelId` picks one). Pure module: no aws-lambda, no @aws-sdk, no process.
 */

/** Bytes read from the start of each audio file: RIFF header, fmt chunk and any chunks before `data`. */
export const WAV_HEADER_BYTES = 4096;
/** Largest audio file Voice ID takes. */
export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;

export interface WavHeader {
  readonly audioFormat: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
}

/** A rule an audio file breaks, with how to fix it (shown in the validation report). */
export interface AudioProblem {
  readonly code: 'NOT_WAV' | 'NOT_PCM16' | 'NOT_8KHZ' | 'TOO_MANY_CHANNELS' | 'NO_SUCH_CHANNEL' | 'TOO_LARGE' | 'EMPTY';
  readonly message: string;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** The fmt chunk of a WAV file's first bytes, or a problem saying why it is not a WAV file. */
export function readWavHeader(head: Uint8Array): WavHeader | AudioProblem {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const ascii = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (head.length < 12 || ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') return notWav('it does not start with a RIFF/WAVE header');
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = ascii(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) return notWav('its fmt chunk is incomplete');
      let audioFormat = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in the first two bytes of its sub-format GUID.
      if (audioFormat === WAVE_FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= head.length) audioFormat = view.getUint16(body + 24, true);
      return { audioFormat, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bitsPerSample: view.getUint16(body + 14, true) };
    }
    if (id === 'data') break; // fmt must come before data
    offset = body + size + (size % 2);
  }
  return notWav(`no fmt chunk in its first ${head.length} bytes`);
}

/** Every rule of Voice ID's a file breaks, given its size, its first bytes and the channel the request names. */
export function audioProblems(sizeBytes: number, head: Uint8Array, channelId: number): AudioProblem[] {
  if (sizeBytes === 0) return [{ code: 'EMPTY', message: 'the file is empty; upload the recording again' }];
  const problems: AudioProblem[] = [];
  if (sizeBytes > MAX_AUDIO_BYTES) problems.push({ code: 'TOO_LARGE', message: `the file is ${(sizeBytes / 1048576).toFixed(1)} MB; Voice ID takes at most 20 MB: split the recording` });
  const header = readWavHeader(head);
  if ('code' in header) return [...problems, header];
  if (header.audioFormat !== WAVE_FORMAT_PCM || header.bitsPerSample !== 16) {
    problems.push({ code: 'NOT_PCM16', message: `it is ${header.audioFormat === WAVE_FORMAT_PCM ? `${header.bitsPerSample}-bit PCM` : `WAV format ${header.audioFormat}`}; convert it to 16-bit PCM (e.g. sox in.wav -e signed -b 16 out.wav)` });
  }
  if (header.sampleRate !== 8000) problems.push({ code: 'NOT_8KHZ', message: `it is sampled at ${header.sampleRate} Hz; resample it to 8000 Hz (e.g. sox in.wav -r 8000 out.wav)` });
  if (header.channels > 2) problems.push({ code: 'TOO_MANY_CHANNELS', message: `it has ${header.channels} channels; Voice ID takes one or two: keep the caller's channel` });
  else if (channelId >= header.channels) problems.push({ code: 'NO_SUCH_CHANNEL', message: `channel ${channelId} was requested but the file has ${header.channels} channel(s); use channel 0` });
  return problems;
}

function notWav(why: string): AudioProblem {
  return { code: 'NOT_WAV', message: `it is not a WAV file (${why}); Voice ID takes .wav files, 8 kHz PCM-16` };
}
