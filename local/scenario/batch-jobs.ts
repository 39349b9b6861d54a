import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeFraudsterRegistrationJobCommand,
  DescribeSpeakerEnrollmentJobCommand,
  StartFraudsterRegistrationJobCommand,
  StartSpeakerEnrollmentJobCommand,
  VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import { synthesizeVoice } from '../audio';
import type { EmulatorControl } from '../emulator/control-client';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/local-constants';
import type { LocalStack } from '../harness/local-stack';

/** The role and key a deployed stateful stack would pass; the emulator checks their form, not IAM. */
export const LOCAL_DATA_ACCESS_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/voice-id-connect-data-access`;
export const LOCAL_KMS_KEY_ARN = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;

const TERMINAL = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED']);

export interface BatchContext {
  readonly voiceId: VoiceIDClient;
  readonly s3: S3Client;
  readonly control: EmulatorControl;
  readonly domainId: string;
  readonly inputBucket: string;
  readonly outputBucket: string;
}

/** The batch context of the local stack, with the caller's SDK clients. */
export function batchContextOf(stack: LocalStack, voiceId: VoiceIDClient, s3: S3Client): BatchContext {
  return { voiceId, s3, control: stack.control, domainId: stack.domainId, inputBucket: stack.buckets.batchInput, outputBucket: stack.buckets.batchOutput };
}

export interface JobOutcome<T> {
  readonly jobId: string;
  readonly status: string;
  readonly output: T;
}

/** Uploads two utterances (20 s each: enrollment needs 30 s of net speech) of a voice; returns their S3 URIs. */
export async function uploadEnrollmentAudio(ctx: BatchContext, prefix: string, voice: string): Promise<string[]> {
  const uris: string[] = [];
  for (const part of [1, 2]) {
    const key = `${prefix}/${voice}-${part}.wav`;
    const body = synthesizeVoice({ voice, seconds: 20, utterance: `${voice}-enrollment-${part}` });
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.inputBucket, Key: key, Body: body, ContentType: 'audio/wav' }));
    uris.push(`s3://${ctx.inputBucket}/${key}`);
  }
  return uris;
}

async function putManifest(ctx: BatchContext, key: string, manifest: unknown): Promise<string> {
  await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.inputBucket, Key: key, Body: JSON.stringify(manifest), ContentType: 'application/json' }));
  return `s3://${ctx.inputBucket}/${key}`;
}

async function readOutput<T>(ctx: BatchContext, outputPrefix: string, jobId: string, manifestKey: string): Promise<T> {
  const key = `${outputPrefix}/${jobId}/${manifestKey.split('/').pop()}.out`;
  const object = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.outputBucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as T;
}

/** Advances the emulator's clock a minute at a time until the job ends (a real job takes minutes). */
async function waitForJob(ctx: BatchContext, describe: () => Promise<string | undefined>): Promise<string> {
  for (let minute = 0; minute < 240; minute++) {
    const status = await describe();
    if (status && TERMINAL.has(status)) return status;
    await ctx.control.advanceClock(60);
  }
  throw new Error('batch job did not finish within 4 emulated hours');
}

type JobKind = 'enrollment' | 'registration';

/**
 * Uploads each request's audio and the manifest, starts the job, advances the emulated clock until it
 * ends, and reads its `.out` file: the path every batch job takes.
 */
async function runJob<T>(
  ctx: BatchContext,
  kind: JobKind,
  name: string,
  requests: ReadonlyArray<{ voice: string; fields: Record<string, string> }>,
): Promise<JobOutcome<T>> {
  const manifestRequests = [];
  for (const [i, request] of requests.entries()) {
    const uris = await uploadEnrollmentAudio(ctx, `${name}/audio`, request.voice);
    manifestRequests.push({ RequestId: `req-${i + 1}`, ...request.fields, AudioSpecifications: uris.map((S3Uri) => ({ S3Uri, ChannelId: 0 })) });
  }
  const manifestKey = `${name}/manifest.json`;
  const manifest = kind === 'enrollment' ? { SpeakerEnrollmentRequests: manifestRequests } : { FraudsterRegistrationRequests: manifestRequests };
  const input = await putManifest(ctx, manifestKey, { Version: '1.0', ...manifest });
  const job = {
    DomainId: ctx.domainId,
    JobName: name,
    DataAccessRoleArn: LOCAL_DATA_ACCESS_ROLE_ARN,
    InputDataConfig: { S3Uri: input },
    OutputDataConfig: { S3Uri: `s3://${ctx.outputBucket}/${name}`, KmsKeyId: LOCAL_KMS_KEY_ARN },
  };
  const started = kind === 'enrollment' ? await ctx.voiceId.send(new StartSpeakerEnrollmentJobCommand(job)) : await ctx.voiceId.send(new StartFraudsterRegistrationJobCommand(job));
  const jobId = started.Job!.JobId!;
  const describe = { DomainId: ctx.domainId, JobId: jobId };
  const status = await waitForJob(ctx, async () =>
    kind === 'enrollment'
      ? (await ctx.voiceId.send(new DescribeSpeakerEnrollmentJobCommand(describe))).Job?.JobStatus
      : (await ctx.voiceId.send(new DescribeFraudsterRegistrationJobCommand(describe))).Job?.JobStatus,
  );
  return { jobId, status, output: await readOutput<T>(ctx, name, jobId, manifestKey) };
}

export interface EnrollmentOutput {
  Errors: Array<{ RequestId: string; ErrorCode: number; ErrorMessage: string }>;
  SuccessfulEnrollments: Array<{ RequestId: string; CustomerSpeakerId: string; GeneratedSpeakerId: string; EnrollmentStatus: string }>;
}

/** Batch-enrolls speakers: audio and manifest to S3, StartSpeakerEnrollmentJob, wait, read the `.out` file. */
export function enrollSpeakers(ctx: BatchContext, speakers: ReadonlyArray<{ customerId: string; voice: string }>, name = 'enrollment'): Promise<JobOutcome<EnrollmentOutput>> {
  return runJob(ctx, 'enrollment', name, speakers.map((s) => ({ voice: s.voice, fields: { SpeakerId: s.customerId } })));
}

export interface RegistrationOutput {
  Errors: Array<{ RequestId: string; ErrorCode: number; ErrorMessage: string }>;
  SuccessfulRegistrations: Array<{ RequestId: string; GeneratedFraudsterId: string; RegistrationStatus: string }>;
}

/** Registers fraudsters on the domain's default watchlist through a fraudster-registration job. */
export function registerFraudsters(ctx: BatchContext, voices: readonly string[], name = 'fraudsters'): Promise<JobOutcome<RegistrationOutput>> {
  return runJob(ctx, 'registration', name, voices.map((voice) => ({ voice, fields: {} })));
}
