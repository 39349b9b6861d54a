import { encodeWav } from './wav';
import { seededRandom } from './prng';

/** Local bindings: inside test runners' VM contexts every `Math.x` lookup in a hot loop is slow. */
const { sin, cos, floor, sqrt, min, max, pow, round, PI } = Math;

/** The frequency of the artifact a spoofed (replayed or synthesized) voice carries; analysis looks for it. */
export const SPOOF_ARTIFACT_HZ = 3870;

export interface SynthesizeVoiceOptions {
  /** Seed naming a synthetic speaker: the same seed always sounds like the same person. */
  readonly voice: string;
  /** Total length of the file in seconds, silence included. */
  readonly seconds: number;
  /** Share of the file that is silence between phrases, 0 to 0.9. @default 0.15 */
  readonly silenceRatio?: number;
  /** Embed the replay/synthesis artifact that spoof detection recognises. @default false */
  readonly spoofed?: boolean;
  /** Only 8 kHz is supported, the rate Voice ID requires. @default 8000 */
  readonly sampleRate?: 8000;
  /** @default 1 */
  readonly channels?: 1 | 2;
  /** In a stereo file, the channel carrying `voice`; the other carries `otherVoice` or near-silence. @default 0 */
  readonly voiceChannel?: 0 | 1;
  /** Seed of the speaker on the other channel of a stereo file (an agent, say). @default none (noise floor only) */
  readonly otherVoice?: string;
  /** Seed for what is said: different utterances of one voice differ in phrasing, pitch contour and vowels. @default derived from the other options */
  readonly utterance?: string;
}

interface Formant {
  readonly freq: number;
  readonly bandwidth: number;
  readonly gain: number;
}

/** What makes one synthetic speaker sound like themself: pitch, vocal-tract resonances and spectral tilt. */
interface VoiceTraits {
  readonly f0: number;
  readonly formants: readonly Formant[];
  readonly tilt: number;
}

function voiceTraits(voice: string): VoiceTraits {
  const r = seededRandom(`voice:${voice}`);
  const f1 = 280 + r() * 600;
  const f2 = max(f1 + 400, 900 + r() * 1500);
  const f3 = max(f2 + 300, 2100 + r() * 1000);
  const f4 = min(3500, max(f3 + 250, 2900 + r() * 600));
  return {
    f0: 85 + r() * 170,
    tilt: 0.4 + r() * 1.2,
    formants: [
      { freq: f1, bandwidth: 60 + r() * 120, gain: 1 },
      { freq: f2, bandwidth: 80 + r() * 150, gain: 0.25 + r() * 0.9 },
      { freq: f3, bandwidth: 100 + r() * 200, gain: 0.1 + r() * 0.6 },
      { freq: f4, bandwidth: 120 + r() * 250, gain: 0.05 + r() * 0.4 },
    ],
  };
}

function harmonicGain(traits: VoiceTraits, freq: number, formantShift: readonly number[]): number {
  let g = 0.015;
  traits.formants.forEach((f, i) => {
    const d = (freq - f.freq * formantShift[i]) / f.bandwidth;
    g += f.gain / (1 + d * d);
  });
  return g * pow(max(freq, 100) / 1000, -traits.tilt);
}

/** Renders one speaker's speech (phrases of syllables separated by pauses) into `out`. */
function renderVoice(out: Float32Array, sampleRate: number, voice: string, utterance: string, silenceRatio: number, spoofed: boolean): void {
  const traits = voiceTraits(voice);
  const r = seededRandom(`utterance:${voice}:${utterance}`);
  const maxHz = 3600;
  let t = floor(r() * 0.3 * sampleRate); // calls rarely start with speech on the first sample
  let phase = 0;
  let artifactPhase = 0;
  while (t < out.length) {
    const phraseLen = floor((0.8 + r() * 1.6) * sampleRate);
    const phraseEnd = min(out.length, t + phraseLen);
    while (t < phraseEnd) {
      // A syllable: its own vowel (formant shift), pitch and loudness, shaped by a raised-cosine envelope.
      const sylLen = min(phraseEnd - t, floor((0.12 + r() * 0.22) * sampleRate));
      const shift = traits.formants.map(() => 0.9 + r() * 0.2);
      const f0 = traits.f0 * (0.92 + r() * 0.16);
      const loudness = 0.6 + r() * 0.4;
      const harmonics = floor(maxHz / f0);
      const gains = Float64Array.from({ length: harmonics }, (_, k) => harmonicGain(traits, (k + 1) * f0, shift));
      let power = 0;
      for (let k = 0; k < harmonics; k++) power += gains[k] * gains[k];
      const norm = 0.32 / sqrt(power / 2);
      for (let k = 0; k < harmonics; k++) gains[k] *= norm;
      for (let i = 0; i < sylLen; i++) {
        const env = loudness * (0.55 + 0.45 * sin((PI * i) / sylLen));
        const glide = 1 + 0.03 * sin((2 * PI * i) / sylLen);
        phase = (phase + (2 * PI * f0 * glide) / sampleRate) % (2 * PI);
        // sin((k+1)x) by the Chebyshev recurrence: one sin/cos per sample instead of one per harmonic.
        const c2 = 2 * cos(phase);
        let prev = 0;
        let cur = sin(phase);
        let s = 0;
        for (let k = 0; k < harmonics; k++) {
          s += gains[k] * cur;
          const next = c2 * cur - prev;
          prev = cur;
          cur = next;
        }
        let sample = s * env + (r() - 0.5) * 0.01;
        if (spoofed) {
          artifactPhase += (2 * PI * SPOOF_ARTIFACT_HZ) / sampleRate;
          sample += 0.035 * env * sin(artifactPhase);
        }
        out[t + i] += sample;
      }
      t += sylLen;
    }
    const pause = silenceRatio <= 0 ? 0 : floor(phraseLen * (silenceRatio / (1 - silenceRatio)) * (0.6 + r() * 0.8));
    t += pause;
  }
}

/**
 * Synthesizes a WAV of a synthetic speaker. It is a simulation built so that the emulator's analysis can tell
 * speakers apart, find silence and spot spoofing; it does not sound like a person.
 */
export function synthesizeVoice(options: SynthesizeVoiceOptions): Buffer {
  const sampleRate = options.sampleRate ?? 8000;
  const channels = options.channels ?? 1;
  const silenceRatio = min(0.9, max(0, options.silenceRatio ?? 0.15));
  if (!(options.seconds > 0)) throw new RangeError('seconds must be positive');
  const frames = round(options.seconds * sampleRate);
  const utterance = options.utterance ?? `${options.seconds}:${silenceRatio}:${options.spoofed ? 's' : 'g'}`;
  const noise = seededRandom(`noise:${options.voice}:${utterance}`);
  const data = Array.from({ length: channels }, () => {
    const ch = new Float32Array(frames);
    for (let i = 0; i < frames; i++) ch[i] = (noise() - 0.5) * 0.004; // line noise floor
    return ch;
  });
  const voiceChannel = channels === 2 ? (options.voiceChannel ?? 0) : 0;
  renderVoice(data[voiceChannel], sampleRate, options.voice, utterance, silenceRatio, options.spoofed ?? false);
  if (channels === 2 && options.otherVoice !== undefined) {
    renderVoice(data[1 - voiceChannel], sampleRate, options.otherVoice, `${utterance}:other`, silenceRatio, false);
  }
  return encodeWav(data, sampleRate);
}
