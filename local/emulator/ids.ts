import { createHash, randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function toAlphanumeric(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[bytes[i] % ALPHANUMERIC.length];
  return out;
}

/** A fresh 22-character id, the format of DomainId, WatchlistId and JobId. */
export function newId22(): string {
  return toAlphanumeric(randomBytes(22), 22);
}

/** A fresh `id#` + 22 id, the format of GeneratedSpeakerId, GeneratedFraudsterId and SessionId. */
export function newGeneratedId(): string {
  return `id#${newId22()}`;
}

/** A 22-character id derived from its inputs: equal inputs give equal ids (used for cached evaluation results). */
export function stableId22(...parts: readonly unknown[]): string {
  return toAlphanumeric(createHash('sha256').update(JSON.stringify(parts)).digest(), 22);
}
