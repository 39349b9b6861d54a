import { createHash } from 'node:crypto';

/** Local bindings: inside test runners' VM contexts every `Math.x` lookup in a hot loop is slow. */
const { imul } = Math;

/** A seeded PRNG (mulberry32): synthetic audio and ids must be reproducible from a seed string. */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
