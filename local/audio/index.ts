export { parseWav, encodeWav, WavFormatError } from './wav';
export type { WavAudio, WavErrorCode } from './wav';
export { synthesizeVoice, SPOOF_ARTIFACT_HZ } from './synthesize';
export type { SynthesizeVoiceOptions } from './synthesize';
export { analyzeSpeech, mergeVoiceprints, voiceprintSimilarity, SPEECH_RMS_THRESHOLD } from './analysis';
export type { SpeechAnalysis } from './analysis';
