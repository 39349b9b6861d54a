import { fft } from './fft';
import { SPOOF_ARTIFACT_HZ } from './synthesize';

/** Local bindings: inside test runners' VM contexts every `Math.x` lookup in a hot loop is slow. */
const { sqrt, log, round, floor, min, max, cos, log10, pow, PI } = Math;

/** What the emulator keeps of a piece of audio: plain numbers, so it can be cached and persisted. */
export interface SpeechAnalysis {
  /** Seconds of frames louder than the speech threshold. */
  readonly netSpeechSeconds: number;
  readonly durationSeconds: number;
  /** Unit-length band-energy profile over speech frames; empty when there is no speech. */
  readonly voiceprint: readonly number[];
  /** 0–100: how strongly the audio carries the replay/synthesis artifact. */
  readonly spoofScore: number;
}

const FRAME = 256; // 32 ms at 8 kHz
/** Frames whose RMS is below this (-40 dBFS) count as silence, so pauses and line noise add no net speech. */
export const SPEECH_RMS_THRESHOLD = 0.01;
const BAND_COUNT = 20;
const BAND_LOW_HZ = 150;
const BAND_HIGH_HZ = 3600;

function melOf(hz: number): number {
  return 2595 * log10(1 + hz / 700);
}
function hzOf(mel: number): number {
  return 700 * (pow(10, mel / 2595) - 1);
}

/** Mel-spaced band edges, so the profile resolves formants roughly the way hearing does. */
const BAND_EDGES: readonly number[] = Array.from({ length: BAND_COUNT + 1 }, (_, i) =>
  hzOf(melOf(BAND_LOW_HZ) + ((melOf(BAND_HIGH_HZ) - melOf(BAND_LOW_HZ)) * i) / BAND_COUNT),
);

const HANN: Float64Array = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * cos((2 * PI * i) / (FRAME - 1)));

/**
 * Analyzes one channel: net speech by frame energy, a voiceprint from the mean log band energies of speech
 * frames (each frame's loudness removed), and a spoof score from the energy near the artifact frequency.
 */
export function analyzeSpeech(samples: Float32Array, sampleRate: number): SpeechAnalysis {
  const binHz = sampleRate / FRAME;
  const bandBins = BAND_EDGES.map((hz) => round(hz / binHz));
  const artifactLo = round((SPOOF_ARTIFACT_HZ - 90) / binHz);
  const artifactHi = round((SPOOF_ARTIFACT_HZ + 90) / binHz);
  const sum = new Float64Array(BAND_COUNT);
  let speechFrames = 0;
  let artifactEnergy = 0;
  let speechEnergy = 0;
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  const frames = floor(samples.length / FRAME);
  for (let f = 0; f < frames; f++) {
    const base = f * FRAME;
    let energy = 0;
    for (let i = 0; i < FRAME; i++) energy += samples[base + i] * samples[base + i];
    if (sqrt(energy / FRAME) < SPEECH_RMS_THRESHOLD) continue;
    speechFrames++;
    for (let i = 0; i < FRAME; i++) {
      re[i] = samples[base + i] * HANN[i];
      im[i] = 0;
    }
    fft(re, im);
    const logs = new Float64Array(BAND_COUNT);
    let mean = 0;
    for (let b = 0; b < BAND_COUNT; b++) {
      let e = 1e-10;
      for (let k = bandBins[b]; k < bandBins[b + 1]; k++) e += re[k] * re[k] + im[k] * im[k];
      speechEnergy += e;
      logs[b] = log(e);
      mean += logs[b] / BAND_COUNT;
    }
    for (let b = 0; b < BAND_COUNT; b++) sum[b] += logs[b] - mean;
    for (let k = artifactLo; k <= artifactHi; k++) artifactEnergy += re[k] * re[k] + im[k] * im[k];
  }
  let voiceprint: number[] = [];
  if (speechFrames > 0) {
    const mean = sum.reduce((s, v) => s + v, 0) / BAND_COUNT;
    const centred = Array.from(sum, (v) => v / speechFrames - mean / speechFrames);
    voiceprint = normalize(centred);
  }
  const ratio = speechEnergy > 0 ? artifactEnergy / speechEnergy : 0;
  // Natural speech here puts ~1e-5 of its energy near the artifact; a spoofed file ~1e-2. Map log ratio onto 0–100.
  const spoofScore = ratio > 0 ? clampScore((log10(ratio) + 4.5) * 40) : 0;
  return {
    netSpeechSeconds: (speechFrames * FRAME) / sampleRate,
    durationSeconds: samples.length / sampleRate,
    voiceprint,
    spoofScore,
  };
}

function normalize(v: readonly number[]): number[] {
  const norm = sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v.map(() => 0);
}

function clampScore(x: number): number {
  return max(0, min(100, round(x)));
}

/** Combines voiceprints of several recordings of one speaker, weighting each by its net speech. */
export function mergeVoiceprints(parts: readonly { voiceprint: readonly number[]; weight: number }[]): number[] {
  const usable = parts.filter((p) => p.voiceprint.length === BAND_COUNT && p.weight > 0);
  if (usable.length === 0) return [];
  const acc = new Array<number>(BAND_COUNT).fill(0);
  for (const p of usable) p.voiceprint.forEach((x, i) => (acc[i] += x * p.weight));
  return normalize(acc);
}

/**
 * Similarity of two voiceprints on Voice ID's 0–100 scale. Cosine similarity is sharpened with a power so that
 * recordings of one synthetic voice land in the 90s and different voices fall far below.
 */
export function voiceprintSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== BAND_COUNT || b.length !== BAND_COUNT) return 0;
  let dot = 0;
  for (let i = 0; i < BAND_COUNT; i++) dot += a[i] * b[i];
  return clampScore(100 * pow(max(0, dot), SIMILARITY_EXPONENT));
}

const SIMILARITY_EXPONENT = 8;
