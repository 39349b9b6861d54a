/**
 * Batch manifests as users write them, turned into Voice ID's own: either Voice ID's JSON manifest, or a simple
 * CSV (`speakerId,audio key[,channel]` for enrollment, `audio key[,channel]` for fraudsters; several lines of one
 * speaker make one request). Every rule Voice ID would apply late (after a job has started) is checked here,
 * before any job starts, and each broken rule names the line, what is wrong and how to fix it.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */

export const JOB_TYPES = ['SPEAKER_ENROLLMENT', 'FRAUDSTER_REGISTRATION'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** Requests Voice ID takes in one job: 10,000 speakers, 500 fraudsters. */
export const MAX_REQUESTS_PER_JOB: Record<JobType, number> = { SPEAKER_ENROLLMENT: 10_000, FRAUDSTER_REGISTRATION: 500 };
/** Audio files Voice ID takes per request. */
export const MAX_AUDIO_PER_REQUEST = 10;

/** Voice ID's CustomerSpeakerId (and RequestId) pattern. */
const SPEAKER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
/** An S3 object key as a manifest may name it: no control characters, at most 1024 bytes. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what the pattern refuses
const OBJECT_KEY = /^[^\u0000-\u001f\u007f]{1,1024}$/;

export interface AudioSpecification {
  /** The object in the batch input bucket (the only bucket Voice ID's data-access role may read). */
  readonly key: string;
  readonly channelId: 0 | 1;
  /** Where the manifest names it (`line 4` for a CSV, `SpeakerEnrollmentRequests[3].AudioSpecifications[0]` for JSON). */
  readonly at: string;
}

export interface BatchRequest {
  readonly requestId: string;
  /** Enrollment only: the customer's own id (Voice ID's CustomerSpeakerId). */
  readonly speakerId?: string;
  readonly audio: readonly AudioSpecification[];
  readonly at: string;
}

/** One broken rule: where, what, and how to fix it. */
export interface ManifestProblem {
  readonly at: string;
  readonly message: string;
}

export type ParsedManifest = { readonly ok: true; readonly requests: readonly BatchRequest[] } | { readonly ok: false; readonly problems: readonly ManifestProblem[] };

/** Parses a manifest file (`.json` or `.csv`, by its content) of the given job type; `bucket` is the batch input bucket. */
export function parseManifest(text: string, jobType: JobType, bucket: string): ParsedManifest {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return failed([{ at: 'file', message: 'the file is empty; list at least one request' }]);
  const problems: ManifestProblem[] = [];
  const requests = trimmed.startsWith('{') ? fromJson(trimmed, jobType, bucket, problems) : fromCsv(trimmed, jobType, problems);
  if (problems.length === 0) checkRequests(requests, problems);
  return problems.length > 0 ? failed(problems) : { ok: true, requests };
}

function failed(problems: ManifestProblem[]): ParsedManifest {
  return { ok: false, problems };
}

const REQUESTS_FIELD: Record<JobType, string> = { SPEAKER_ENROLLMENT: 'SpeakerEnrollmentRequests', FRAUDSTER_REGISTRATION: 'FraudsterRegistrationRequests' };

function fromJson(text: string, jobType: JobType, bucket: string, problems: ManifestProblem[]): BatchRequest[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e: unknown) {
    // Only the position: JSON.parse's message quotes the text around the error, which may hold speaker ids.
    const position = /position (\d+)/.exec(e instanceof Error ? e.message : '')?.[1];
    problems.push({ at: 'file', message: `it is not valid JSON${position ? ` (at character ${position})` : ''}; fix the syntax or upload a CSV` });
    return [];
  }
  const field = REQUESTS_FIELD[jobType];
  const doc = json as Record<string, unknown>;
  if (doc.Version !== '1.0') problems.push({ at: 'Version', message: `Version is ${JSON.stringify(doc.Version)}; set it to "1.0"` });
  const other = REQUESTS_FIELD[jobType === 'SPEAKER_ENROLLMENT' ? 'FRAUDSTER_REGISTRATION' : 'SPEAKER_ENROLLMENT'];
  if (!Array.isArray(doc[field])) {
    const hint = doc[other] !== undefined ? `this is a ${other} manifest: upload it under the other prefix` : `list the requests in "${field}"`;
    problems.push({ at: field, message: `${field} is missing or not a list; ${hint}` });
    return [];
  }
  for (const key of Object.keys(doc)) if (key !== 'Version' && key !== field) problems.push({ at: key, message: `${key} is not a manifest field; remove it` });
  return (doc[field] as unknown[]).map((entry, i): BatchRequest => {
    const at = `${field}[${i}]`;
    const r = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof entry !== 'object' || entry === null) problems.push({ at, message: 'the request is not an object; write { "RequestId": ..., "AudioSpecifications": [...] }' });
    const requestId = typeof r.RequestId === 'string' ? r.RequestId : '';
    if (typeof r.RequestId !== 'string') problems.push({ at: `${at}.RequestId`, message: 'RequestId is missing; give every request a unique id' });
    if (jobType === 'SPEAKER_ENROLLMENT' && typeof r.SpeakerId !== 'string') problems.push({ at: `${at}.SpeakerId`, message: 'SpeakerId is missing; give the customer id to enroll' });
    const specs = Array.isArray(r.AudioSpecifications) ? r.AudioSpecifications : [];
    if (!Array.isArray(r.AudioSpecifications)) problems.push({ at: `${at}.AudioSpecifications`, message: 'AudioSpecifications is missing or not a list; list the audio files of the request' });
    const audio = specs.map((spec, j): AudioSpecification => {
      const specAt = `${at}.AudioSpecifications[${j}]`;
      const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
      const key = keyOfUri(s.S3Uri, bucket, specAt, problems);
      return { key, channelId: channelOf(s.ChannelId, specAt, problems), at: specAt };
    });
    return { requestId, ...(jobType === 'SPEAKER_ENROLLMENT' && { speakerId: typeof r.SpeakerId === 'string' ? r.SpeakerId : '' }), audio, at };
  });
}

const HEADER_NAMES = { speaker: ['speakerid', 'speaker id', 'speaker', 'customerspeakerid'], audio: ['audio key', 'audiokey', 'audio', 'key', 's3 key'], channel: ['channel', 'channelid', 'channel id'] };

function isHeader(cells: readonly string[], enrollment: boolean): boolean {
  const names = cells.map((c) => c.toLowerCase().replace(/[_-]/g, ' ').replace(/\s+/g, ' '));
  const columns = enrollment ? [HEADER_NAMES.speaker, HEADER_NAMES.audio, HEADER_NAMES.channel] : [HEADER_NAMES.audio, HEADER_NAMES.channel];
  return names.length >= columns.length - 1 && names.length <= columns.length && names.every((name, i) => columns[i].includes(name) || columns[i].includes(name.replace(/ /g, '')));
}

function fromCsv(text: string, jobType: JobType, problems: ManifestProblem[]): BatchRequest[] {
  const lines = text.split(/\r?\n/);
  const enrollment = jobType === 'SPEAKER_ENROLLMENT';
  const bySpeaker = new Map<string, { speakerId: string; audio: AudioSpecification[]; at: string }>();
  const requests: Array<{ speakerId?: string; audio: AudioSpecification[]; at: string }> = [];
  lines.forEach((raw, index) => {
    const at = `line ${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    // A header line names the columns, exactly: a first line whose id merely starts like a column name is data.
    if (index === 0 && isHeader(cells, enrollment)) return;
    const expected = enrollment ? 'speakerId,audio key[,channel]' : 'audio key[,channel]';
    const [speakerId, key, channel] = enrollment ? cells : [undefined, cells[0], cells[1]];
    if (cells.length > (enrollment ? 3 : 2) || key === undefined || key === '') {
      problems.push({ at, message: `expected ${expected}, got ${cells.length} column(s)` });
      return;
    }
    if (!OBJECT_KEY.test(key)) problems.push({ at, message: 'the audio key is not a valid S3 object key' });
    const spec: AudioSpecification = { key: key.replace(/^\/+/, ''), channelId: channelOf(channel === undefined || channel === '' ? 0 : channel === '0' || channel === '1' ? Number(channel) : channel, at, problems), at };
    if (enrollment) {
      const existing = bySpeaker.get(speakerId as string);
      if (existing) existing.audio.push(spec);
      else {
        const request = { speakerId: speakerId as string, audio: [spec], at };
        bySpeaker.set(speakerId as string, request);
        requests.push(request);
      }
    } else {
      requests.push({ audio: [spec], at });
    }
  });
  // RequestIds of a CSV are its line numbers: they map the output back to the lines the user wrote.
  return requests.map((r) => ({ requestId: `line-${r.at.slice('line '.length)}`, ...(r.speakerId !== undefined && { speakerId: r.speakerId }), audio: r.audio, at: r.at }));
}

/** Rules across requests: ids, limits, no speaker twice. */
function checkRequests(requests: readonly BatchRequest[], problems: ManifestProblem[]): void {
  if (requests.length === 0) problems.push({ at: 'file', message: 'the file lists no requests; add at least one' });
  const requestIds = new Map<string, string>();
  const speakers = new Map<string, string>();
  for (const r of requests) {
    if (r.requestId !== '' && (!SPEAKER_ID.test(r.requestId) || r.requestId.length > 256)) {
      problems.push({ at: r.at, message: `RequestId "${printable(r.requestId)}" must be 1-256 letters, digits, _ or -, starting with a letter or digit` });
    }
    const seen = requestIds.get(r.requestId);
    if (seen !== undefined) problems.push({ at: r.at, message: `RequestId "${printable(r.requestId)}" is also used at ${seen}; make RequestIds unique` });
    else requestIds.set(r.requestId, r.at);
    if (r.speakerId !== undefined) {
      if (!SPEAKER_ID.test(r.speakerId) || r.speakerId.length > 256) {
        problems.push({ at: r.at, message: 'the speaker id must be 1-256 letters, digits, _ or -, starting with a letter or digit (the customer id, not a phone number or name)' });
      } else {
        const other = speakers.get(r.speakerId);
        if (other !== undefined) problems.push({ at: r.at, message: `this speaker is also enrolled at ${other}; list all of a speaker's audio in one request` });
        else speakers.set(r.speakerId, r.at);
      }
    }
    if (r.audio.length === 0) problems.push({ at: r.at, message: 'the request has no audio; add one to 10 recordings' });
    if (r.audio.length > MAX_AUDIO_PER_REQUEST) problems.push({ at: r.at, message: `the request has ${r.audio.length} audio files; Voice ID takes at most ${MAX_AUDIO_PER_REQUEST}: drop the shortest` });
  }
}

function keyOfUri(uri: unknown, bucket: string, at: string, problems: ManifestProblem[]): string {
  const prefix = `s3://${bucket}/`;
  if (typeof uri !== 'string' || !uri.startsWith(prefix) || !OBJECT_KEY.test(uri.slice(prefix.length))) {
    problems.push({ at: `${at}.S3Uri`, message: `S3Uri must be s3://${bucket}/<key>: Voice ID reads audio from the batch input bucket only` });
    return '';
  }
  return uri.slice(prefix.length);
}

function channelOf(value: unknown, at: string, problems: ManifestProblem[]): 0 | 1 {
  if (value === 0 || value === 1) return value;
  problems.push({ at, message: `ChannelId ${printable(String(value))} is not 0 or 1; name the caller's channel of the recording (0 for mono files)` });
  return 0;
}

/** A value from the file, safe to echo in a report: no control characters, at most 64 characters. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}
