import * as path from 'node:path';
import { mergeVoiceprints, voiceprintSimilarity, type SpeechAnalysis } from '../audio';
import { AudioRejectedError, analyzeVoiceIdAudio } from './audio-rules';
import { findSpeaker, type ServiceContext } from './context';
import { newGeneratedId } from './ids';
import { QUOTAS, TIMING } from './quotas';
import { MAX_AUDIO_BYTES, S3AccessError, parseS3Uri } from './s3-store';
import type { DomainState, FraudsterRecord, JobRecord, SpeakerRecord } from './world';

interface RequestError {
  readonly code: number;
  readonly message: string;
}

/** One manifest entry after its audio has been read and analyzed; nothing in the world has changed yet. */
interface PreparedRequest {
  readonly requestId: string;
  readonly speakerId?: string;
  readonly error?: RequestError;
  readonly voiceprint?: number[];
  readonly spoofScore?: number;
}

type Prepared = { readonly ok: true; readonly requests: PreparedRequest[] } | { readonly ok: false; readonly statusCode: number; readonly message: string };

/** The whole job cannot run (unreadable or invalid manifest); it ends FAILED with these FailureDetails. */
class JobFailure extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const SPEAKER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/u;
const S3_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/u;
const READ_CONCURRENCY = 8;
/** How long a request waits in real time for a due job's input to finish reading before answering anyway. */
const MAX_WAIT_FOR_INPUT_MS = 15_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Runs batch jobs. Reading and analyzing the input happens at once in the background (real time); the results
 * are applied and the `.out` file written when the emulated clock reaches the job's completion time, so a
 * test that advances the clock sees the job finish on its next call.
 */
export class BatchJobRunner {
  private readonly preparing = new Map<string, Promise<void>>();
  private readonly prepared = new Map<string, Prepared>();
  private settling: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: () => ServiceContext) {}

  launch(job: JobRecord): void {
    if (job.final || this.preparing.has(job.jobId)) return;
    const work = this.prepare(job)
      .catch((e: unknown): Prepared => {
        if (e instanceof JobFailure) return { ok: false, statusCode: e.statusCode, message: e.message };
        this.ctx().log(`job ${job.jobId}: unexpected error ${e instanceof Error ? e.stack : String(e)}`);
        return { ok: false, statusCode: 500, message: 'Internal error while reading the job input' };
      })
      .then((p) => {
        this.prepared.set(job.jobId, p);
        const requests = p.ok ? p.requests.length : 0;
        job.completesAt = job.createdAt + (this.ctx().jobDurationMs ?? Math.max(TIMING.jobMinimumMs, TIMING.jobPerRequestMs * requests));
        this.ctx().markDirty();
      });
    this.preparing.set(job.jobId, work);
  }

  /** Finishes every job that is due at the current emulated time. Calls are serialized. */
  settle(): Promise<void> {
    this.settling = this.settling.then(() => this.settleNow()).catch((e: unknown) => {
      this.ctx().log(`settling jobs failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    return this.settling;
  }

  forget(): void {
    this.preparing.clear();
    this.prepared.clear();
  }

  private async settleNow(): Promise<void> {
    const ctx = this.ctx();
    for (const ds of Object.values(ctx.world.domains)) {
      for (const job of Object.values(ds.jobs)) {
        if (job.final) continue;
        const now = ctx.clock.now();
        // A job cannot finish before its minimum duration, so only then is it worth waiting for its input.
        if (job.completesAt === undefined && now >= job.createdAt + TIMING.jobMinimumMs) {
          const pending = this.preparing.get(job.jobId);
          if (pending) await Promise.race([pending, new Promise((r) => setTimeout(r, MAX_WAIT_FOR_INPUT_MS).unref())]);
        }
        if (job.completesAt !== undefined && ctx.clock.now() >= job.completesAt) {
          const prepared = this.prepared.get(job.jobId);
          if (prepared && ctx.world.domains[job.domainId] === ds) await this.commit(ctx, ds, job, prepared);
        }
      }
    }
  }

  private async prepare(job: JobRecord): Promise<Prepared> {
    const ctx = this.ctx();
    if (job.injectedFailure) throw new JobFailure(500, job.injectedFailure);
    let text: string;
    try {
      text = (await ctx.s3.get(job.inputS3Uri)).toString('utf8');
    } catch (e: unknown) {
      throw new JobFailure(400, `Unable to read the input manifest: ${e instanceof Error ? e.message : String(e)}`);
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch {
      throw new JobFailure(400, 'The input manifest is not valid JSON');
    }
    const listKey = job.kind === 'ENROLLMENT' ? 'SpeakerEnrollmentRequests' : 'FraudsterRegistrationRequests';
    if (!isRecord(manifest)) throw new JobFailure(400, 'The input manifest must be a JSON object');
    if (manifest.Version !== '1.0') throw new JobFailure(400, "The input manifest Version must be '1.0'");
    const entries = manifest[listKey];
    if (!Array.isArray(entries)) throw new JobFailure(400, `The input manifest must contain the list ${listKey}`);
    const limit = job.kind === 'ENROLLMENT' ? QUOTAS.requestsPerEnrollmentJob : QUOTAS.requestsPerRegistrationJob;
    if (entries.length > limit) throw new JobFailure(402, `The input manifest has ${entries.length} requests; a job accepts at most ${limit}`);
    const seen = new Set<string>();
    for (const entry of entries) {
      const id = isRecord(entry) ? entry.RequestId : undefined;
      if (typeof id !== 'string' || id.length === 0) throw new JobFailure(400, 'Every request in the input manifest needs a RequestId');
      if (seen.has(id)) throw new JobFailure(400, `RequestId ${id} appears more than once in the input manifest`);
      seen.add(id);
    }

    const audioCache = new Map<string, Promise<SpeechAnalysis>>();
    const readAudio = (uri: string, channelId: number): Promise<SpeechAnalysis> => {
      const key = `${channelId}:${uri}`;
      let p = audioCache.get(key);
      if (!p) {
        p = ctx.s3.get(uri, MAX_AUDIO_BYTES).then((buf) => analyzeVoiceIdAudio(buf, channelId));
        audioCache.set(key, p);
      }
      return p;
    };
    const requests: PreparedRequest[] = [];
    for (let i = 0; i < entries.length; i += READ_CONCURRENCY) {
      const chunk = entries.slice(i, i + READ_CONCURRENCY) as Record<string, unknown>[];
      requests.push(...(await Promise.all(chunk.map((entry) => this.prepareRequest(job, entry, readAudio)))));
    }
    return { ok: true, requests };
  }

  private async prepareRequest(
    job: JobRecord,
    entry: Record<string, unknown>,
    readAudio: (uri: string, channelId: number) => Promise<SpeechAnalysis>,
  ): Promise<PreparedRequest> {
    const requestId = entry.RequestId as string;
    const reject = (message: string, code = 400): PreparedRequest => ({ requestId, error: { code, message } });
    let speakerId: string | undefined;
    if (job.kind === 'ENROLLMENT') {
      if (typeof entry.SpeakerId !== 'string' || !SPEAKER_ID.test(entry.SpeakerId) || entry.SpeakerId.length > 256) {
        return reject('SpeakerId is required and must be a CustomerSpeakerId (GeneratedSpeakerId is not supported)');
      }
      speakerId = entry.SpeakerId;
    }
    const specs = entry.AudioSpecifications;
    if (!Array.isArray(specs) || specs.length === 0) return reject('AudioSpecifications is required and must not be empty');
    if (specs.length > QUOTAS.audioFilesPerRequest) return reject(`A request can have at most ${QUOTAS.audioFilesPerRequest} audio files`);
    const parts: SpeechAnalysis[] = [];
    for (const spec of specs) {
      if (!isRecord(spec) || typeof spec.S3Uri !== 'string' || !S3_URI.test(spec.S3Uri)) return reject('Every audio specification needs a valid S3Uri');
      if (spec.ChannelId !== 0 && spec.ChannelId !== 1) return reject('ChannelId must be 0 or 1');
      try {
        parts.push(await readAudio(spec.S3Uri, spec.ChannelId));
      } catch (e: unknown) {
        if (e instanceof AudioRejectedError || e instanceof S3AccessError) return reject(`${spec.S3Uri}: ${e.message}`);
        throw e;
      }
    }
    const speech = parts.reduce((s, p) => s + p.netSpeechSeconds, 0);
    if (speech < TIMING.enrollmentSpeechSeconds) {
      return reject(
        `Not enough speech for ${job.kind === 'ENROLLMENT' ? 'enrollment' : 'registration'}: ${speech.toFixed(1)} s of net speech, ${TIMING.enrollmentSpeechSeconds} s required`,
      );
    }
    return {
      requestId,
      speakerId,
      voiceprint: mergeVoiceprints(parts.map((p) => ({ voiceprint: p.voiceprint, weight: p.netSpeechSeconds }))),
      spoofScore: Math.max(...parts.map((p) => p.spoofScore)),
    };
  }

  /**
   * Applies the results to copies of the domain's speakers and fraudsters, writes the `.out` file, and only then
   * puts the touched records into the live world, so a failed write leaves the world as it was.
   */
  private async commit(ctx: ServiceContext, ds: DomainState, job: JobRecord, prepared: Prepared): Promise<void> {
    const now = ctx.clock.now();
    if (!prepared.ok) {
      job.final = { status: 'FAILED', endedAt: now, failure: { StatusCode: prepared.statusCode, Message: prepared.message } };
      this.prepared.delete(job.jobId);
      ctx.emitJobEvent(job);
      ctx.markDirty();
      return;
    }
    const speakers: Record<string, SpeakerRecord> = structuredClone(ds.speakers);
    const fraudsters: Record<string, FraudsterRecord> = structuredClone(ds.fraudsters);
    const draft: DomainState = { ...ds, speakers, fraudsters };
    const touchedSpeakers = new Set<string>();
    const touchedFraudsters = new Set<string>();
    const errors: { RequestId: string; ErrorCode: number; ErrorMessage: string }[] = [];
    const successes: Record<string, unknown>[] = [];
    for (const req of prepared.requests) {
      const outcome =
        job.kind === 'ENROLLMENT' ? this.enroll(draft, job, req, now, touchedSpeakers) : this.register(draft, job, req, now, touchedFraudsters);
      if ('error' in outcome) errors.push({ RequestId: req.requestId, ErrorCode: outcome.error.code, ErrorMessage: outcome.error.message });
      else successes.push(outcome.success);
    }
    const out = {
      Version: '1.0',
      Errors: errors,
      ...(job.kind === 'ENROLLMENT' ? { SuccessfulEnrollments: successes } : { SuccessfulRegistrations: successes }),
    };
    const inputName = path.posix.basename(parseS3Uri(job.inputS3Uri).key) || 'input';
    const outputUri = `${job.outputS3Uri.replace(/\/+$/, '')}/${job.jobId}/${inputName}.out`;
    try {
      await ctx.s3.put(outputUri, JSON.stringify(out, null, 2));
    } catch (e: unknown) {
      job.final = { status: 'FAILED', endedAt: ctx.clock.now(), failure: { StatusCode: 400, Message: `Unable to write the output file: ${e instanceof Error ? e.message : String(e)}` } };
      this.prepared.delete(job.jobId);
      ctx.emitJobEvent(job);
      ctx.markDirty();
      return;
    }
    for (const id of touchedSpeakers) ds.speakers[id] = speakers[id];
    for (const id of touchedFraudsters) ds.fraudsters[id] = fraudsters[id];
    job.final = { status: errors.length > 0 ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED', endedAt: now };
    this.prepared.delete(job.jobId);
    ctx.log(`job ${job.jobId} ${job.final.status}: ${successes.length} succeeded, ${errors.length} failed; output ${outputUri}`);
    ctx.emitJobEvent(job);
    ctx.markDirty();
  }

  private enroll(
    ds: DomainState,
    job: JobRecord,
    req: PreparedRequest,
    now: number,
    touched: Set<string>,
  ): { error: RequestError } | { success: Record<string, unknown> } {
    if (req.error) return { error: req.error };
    const speakerId = req.speakerId!;
    const existing = findSpeaker(ds, speakerId);
    if (existing?.status === 'OPTED_OUT') return { error: { code: 409, message: 'The speaker has opted out of Voice ID' } };
    const action = (job.config.ExistingEnrollmentAction as string | undefined) ?? 'SKIP';
    if (existing?.status === 'ENROLLED' && action === 'SKIP') {
      return { success: { RequestId: req.requestId, GeneratedSpeakerId: existing.generatedSpeakerId, CustomerSpeakerId: speakerId, EnrollmentStatus: 'DUPLICATE_SKIPPED' } };
    }
    const fraud = job.config.FraudDetectionConfig as { FraudDetectionAction: string; RiskThreshold: number; WatchlistIds: string[] };
    if (fraud.FraudDetectionAction === 'FAIL') {
      const watchlistId = fraud.WatchlistIds[0];
      const known = Object.values(ds.fraudsters)
        .filter((f) => f.watchlistIds.includes(watchlistId))
        .reduce((best, f) => Math.max(best, voiceprintSimilarity(req.voiceprint!, f.voiceprint)), 0);
      if (known >= fraud.RiskThreshold || req.spoofScore! >= fraud.RiskThreshold) {
        return { error: { code: 400, message: 'The speaker failed fraud checks' } };
      }
    }
    if (existing) {
      // EXPIRED and PENDING speakers are (re-)enrolled whatever the action: there is no usable enrollment to keep.
      existing.voiceprint = req.voiceprint!;
      existing.status = 'ENROLLED';
      existing.updatedAt = now;
      existing.lastAccessedAt = now;
      touched.add(existing.generatedSpeakerId);
      return { success: { RequestId: req.requestId, GeneratedSpeakerId: existing.generatedSpeakerId, CustomerSpeakerId: speakerId, EnrollmentStatus: 'ENROLLMENT_OVERWRITE' } };
    }
    if (Object.keys(ds.speakers).length >= QUOTAS.speakersPerDomain) {
      return { error: { code: 402, message: `The domain already has ${QUOTAS.speakersPerDomain} speakers` } };
    }
    const speaker: SpeakerRecord = {
      generatedSpeakerId: newGeneratedId(),
      customerSpeakerId: speakerId,
      status: 'ENROLLED',
      createdAt: now,
      updatedAt: now,
      lastAccessedAt: now,
      voiceprint: req.voiceprint!,
    };
    ds.speakers[speaker.generatedSpeakerId] = speaker;
    touched.add(speaker.generatedSpeakerId);
    return { success: { RequestId: req.requestId, GeneratedSpeakerId: speaker.generatedSpeakerId, CustomerSpeakerId: speakerId, EnrollmentStatus: 'NEW_ENROLLMENT' } };
  }

  private register(
    ds: DomainState,
    job: JobRecord,
    req: PreparedRequest,
    now: number,
    touched: Set<string>,
  ): { error: RequestError } | { success: Record<string, unknown> } {
    if (req.error) return { error: req.error };
    const config = job.config as { DuplicateRegistrationAction: string; FraudsterSimilarityThreshold: number; WatchlistIds: string[] };
    const watchlistId = config.WatchlistIds[0];
    if (!ds.watchlists[watchlistId]) return { error: { code: 400, message: `Watchlist ${watchlistId} no longer exists` } };
    const members = Object.values(ds.fraudsters).filter((f) => f.watchlistIds.includes(watchlistId));
    if (config.DuplicateRegistrationAction === 'SKIP') {
      let best: { id: string; score: number } | undefined;
      for (const f of members) {
        const score = voiceprintSimilarity(req.voiceprint!, f.voiceprint);
        if (!best || score > best.score) best = { id: f.generatedFraudsterId, score };
      }
      if (best && best.score >= config.FraudsterSimilarityThreshold) {
        return { success: { RequestId: req.requestId, GeneratedFraudsterId: best.id, RegistrationStatus: 'DUPLICATE_SKIPPED', FraudsterSimilarityScore: best.score } };
      }
    }
    if (members.length >= QUOTAS.fraudstersPerWatchlist) {
      return { error: { code: 402, message: `The watchlist already has ${QUOTAS.fraudstersPerWatchlist} fraudsters` } };
    }
    const fraudster: FraudsterRecord = { generatedFraudsterId: newGeneratedId(), createdAt: now, watchlistIds: [watchlistId], voiceprint: req.voiceprint! };
    ds.fraudsters[fraudster.generatedFraudsterId] = fraudster;
    touched.add(fraudster.generatedFraudsterId);
    return { success: { RequestId: req.requestId, GeneratedFraudsterId: fraudster.generatedFraudsterId, RegistrationStatus: 'NEW_REGISTRATION' } };
  }
}
