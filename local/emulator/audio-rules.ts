import { analyzeSpeech, parseWav, WavFormatError, type SpeechAnalysis } from '../audio';
import { MAX_AUDIO_BYTES } from './s3-store';

/** Audio Voice ID would refuse: the message goes into a job's `.out` file or a control API answer. */
export class AudioRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioRejectedError';
  }
}

/**
 * Applies Voice ID's audio rules (WAV, PCM-16, 8 kHz, at most two channels, 20 MB, the requested channel
 * exists) and analyzes the chosen channel.
 */
export function analyzeVoiceIdAudio(buf: Buffer, channelId: number): SpeechAnalysis {
  if (buf.length > MAX_AUDIO_BYTES) throw new AudioRejectedError('Audio file is larger than 20 MB');
  let wav;
  try {
    wav = parseWav(buf);
  } catch (e: unknown) {
    if (e instanceof WavFormatError) throw new AudioRejectedError(`Unsupported audio file: ${e.message}`);
    throw e;
  }
  if (wav.sampleRate !== 8000) throw new AudioRejectedError(`Unsupported sample rate ${wav.sampleRate} Hz; audio must be 8 kHz`);
  if (wav.channels > 2) throw new AudioRejectedError(`Audio has ${wav.channels} channels; at most 2 are supported`);
  if (channelId !== 0 && channelId !== 1) throw new AudioRejectedError(`ChannelId ${channelId} must be 0 or 1`);
  if (channelId >= wav.channels) throw new AudioRejectedError(`ChannelId ${channelId} does not exist in a ${wav.channels}-channel file`);
  return analyzeSpeech(wav.channelData[channelId], wav.sampleRate);
}
