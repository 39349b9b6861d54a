import {
  DeleteSpeakerCommand,
  DescribeFraudsterRegistrationJobCommand,
  DescribeSpeakerCommand,
  DescribeSpeakerEnrollmentJobCommand,
  CreateDomainCommand,
  EvaluateSessionCommand,
  ListSpeakerEnrollmentJobsCommand,
  OptOutSpeakerCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartFraudsterRegistrationJobCommand,
  StartSpeakerEnrollmentJobCommand,
  type EvaluateSessionResponse,
} from '@aws-sdk/client-voice-id';
import { synthesizeVoice } from '../../../local/audio';
import { BUCKET, ROLE_ARN, enrollmentManifest, registrationManifest, startHarness, startS3, type Harness, type LocalS3 } from './support';

/** End-to-end behaviour: batch jobs from S3, then calls evaluated against what they enrolled and registered. */
describe('Voice ID emulator behaviour', () => {
  let h: Harness;
  let s3: LocalS3;
  let domainId: string;
  let fraudsterId: string;
  const wav = (voice: string, seconds: number, extra: { utterance?: string; spoofed?: boolean } = {}): string =>
    synthesizeVoice({ voice, seconds, ...extra }).toString('base64');

  async function runEnrollment(manifestKey: string, manifest: string, extra: object = {}): Promise<string> {
    const uri = await s3.put(manifestKey, manifest);
    const { Job } = await h.voiceId.send(
      new StartSpeakerEnrollmentJobCommand({
        DomainId: domainId,
        DataAccessRoleArn: ROLE_ARN,
        InputDataConfig: { S3Uri: uri },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/output` },
        ...extra,
      }),
    );
    return Job!.JobId!;
  }

  async function evaluate(sessionName: string): Promise<EvaluateSessionResponse> {
    return h.voiceId.send(new EvaluateSessionCommand({ DomainId: domainId, SessionNameOrId: sessionName }));
  }

  beforeAll(async () => {
    s3 = await startS3();
    h = await startHarness({ s3Endpoint: s3.endpoint });
    const { Domain } = await h.voiceId.send(new CreateDomainCommand({ Name: 'behaviour', ServerSideEncryptionConfiguration: { KmsKeyId: 'key' } }));
    domainId = Domain!.DomainId!;
    await h.voiceId.send(new OptOutSpeakerCommand({ DomainId: domainId, SpeakerId: 'dave' }));
    const files = await Promise.all([
      s3.put('audio/alice.wav', synthesizeVoice({ voice: 'alice', seconds: 40, utterance: 'enroll' })),
      s3.put('audio/bob.wav', synthesizeVoice({ voice: 'bob', seconds: 40, utterance: 'enroll' })),
      s3.put('audio/erin.wav', synthesizeVoice({ voice: 'erin', seconds: 40, utterance: 'enroll' })),
      s3.put('audio/carol-short.wav', synthesizeVoice({ voice: 'carol', seconds: 10 })),
      s3.put('audio/dave.wav', synthesizeVoice({ voice: 'dave', seconds: 40 })),
      s3.put('audio/mallory.wav', synthesizeVoice({ voice: 'mallory', seconds: 40, utterance: 'one' })),
      s3.put('audio/mallory-2.wav', synthesizeVoice({ voice: 'mallory', seconds: 35, utterance: 'two' })),
      s3.put('audio/not-a-wav.wav', 'hello'),
    ]);
    expect(files).toHaveLength(8);
  });

  afterAll(async () => {
    await h.stop();
    await s3.stop();
  });

  it('runs an enrollment job SUBMITTED → IN_PROGRESS → COMPLETED_WITH_ERRORS and writes the documented .out file', async () => {
    const manifest = enrollmentManifest([
      { id: 'r-alice', speaker: 'alice', audio: [`s3://${BUCKET}/audio/alice.wav`] },
      { id: 'r-bob', speaker: 'bob', audio: [`s3://${BUCKET}/audio/bob.wav`] },
      { id: 'r-erin', speaker: 'erin', audio: [`s3://${BUCKET}/audio/erin.wav`] },
      { id: 'r-carol', speaker: 'carol', audio: [`s3://${BUCKET}/audio/carol-short.wav`] },
      { id: 'r-dave', speaker: 'dave', audio: [`s3://${BUCKET}/audio/dave.wav`] },
      { id: 'r-missing', speaker: 'frank', audio: [`s3://${BUCKET}/audio/nothing-here.wav`] },
      { id: 'r-bad', speaker: 'gina', audio: [`s3://${BUCKET}/audio/not-a-wav.wav`] },
      { id: 'r-channel', speaker: 'hank', audio: [`s3://${BUCKET}/audio/alice.wav`], channel: 1 },
    ]);
    const token = 'enroll-token-1';
    const jobId = await runEnrollment('manifests/enroll.json', manifest, { ClientToken: token, JobName: 'first' });
    const describe = async () => (await h.voiceId.send(new DescribeSpeakerEnrollmentJobCommand({ DomainId: domainId, JobId: jobId }))).Job!;
    expect((await describe()).JobStatus).toBe('SUBMITTED');

    // Same ClientToken → same job; a different job while this one is active exceeds the one-active-job quota.
    expect(await runEnrollment('manifests/enroll.json', manifest, { ClientToken: token })).toBe(jobId);
    await expect(runEnrollment('manifests/enroll.json', manifest)).rejects.toBeInstanceOf(ServiceQuotaExceededException);

    await h.control.advanceClock(5);
    const running = await describe();
    expect(running.JobStatus).toBe('IN_PROGRESS');
    expect(running.JobProgress!.PercentComplete).toBeGreaterThan(0);
    expect(running.JobProgress!.PercentComplete).toBeLessThan(100);

    await h.control.advanceClock(3600);
    const done = await describe();
    expect(done.JobStatus).toBe('COMPLETED_WITH_ERRORS');
    expect(done.EndedAt).toBeInstanceOf(Date);
    expect(done.EnrollmentConfig).toEqual({
      ExistingEnrollmentAction: 'SKIP',
      FraudDetectionConfig: expect.objectContaining({ FraudDetectionAction: 'FAIL', RiskThreshold: 50 }),
    });

    const out = JSON.parse(await s3.getText(`output/${jobId}/enroll.json.out`)) as {
      Version: string;
      Errors: { RequestId: string; ErrorCode: number; ErrorMessage: string }[];
      SuccessfulEnrollments: { RequestId: string; EnrollmentStatus: string; GeneratedSpeakerId: string; CustomerSpeakerId: string }[];
    };
    expect(out.Version).toBe('1.0');
    expect(out.SuccessfulEnrollments.map((s) => [s.RequestId, s.EnrollmentStatus])).toEqual([
      ['r-alice', 'NEW_ENROLLMENT'],
      ['r-bob', 'NEW_ENROLLMENT'],
      ['r-erin', 'NEW_ENROLLMENT'],
    ]);
    expect(out.SuccessfulEnrollments[0].GeneratedSpeakerId).toMatch(/^id#[a-zA-Z0-9]{22}$/);
    const errors = Object.fromEntries(out.Errors.map((e) => [e.RequestId, e]));
    expect(errors['r-carol'].ErrorCode).toBe(400);
    expect(errors['r-carol'].ErrorMessage).toMatch(/Not enough speech/);
    expect(errors['r-dave'].ErrorCode).toBe(409);
    expect(errors['r-missing'].ErrorCode).toBe(400);
    expect(errors['r-bad'].ErrorMessage).toMatch(/RIFF/);
    expect(errors['r-channel'].ErrorMessage).toMatch(/ChannelId 1/);

    const alice = (await h.voiceId.send(new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: 'alice' }))).Speaker!;
    expect(alice).toMatchObject({ Status: 'ENROLLED', CustomerSpeakerId: 'alice', GeneratedSpeakerId: out.SuccessfulEnrollments[0].GeneratedSpeakerId });
    // Either kind of id finds the speaker.
    const byGenerated = (await h.voiceId.send(new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: alice.GeneratedSpeakerId }))).Speaker!;
    expect(byGenerated.CustomerSpeakerId).toBe('alice');

    const listed = await h.voiceId.send(new ListSpeakerEnrollmentJobsCommand({ DomainId: domainId, JobStatus: 'COMPLETED_WITH_ERRORS' }));
    expect(listed.JobSummaries!.map((j) => j.JobId)).toContain(jobId);
  });

  it('skips or overwrites an existing enrollment as configured', async () => {
    const manifest = enrollmentManifest([{ id: 'again', speaker: 'alice', audio: [`s3://${BUCKET}/audio/alice.wav`] }]);
    const skip = await runEnrollment('manifests/again.json', manifest);
    await h.control.advanceClock(3600);
    const skipped = JSON.parse(await s3.getText(`output/${skip}/again.json.out`)) as { SuccessfulEnrollments: { EnrollmentStatus: string }[] };
    expect(skipped.SuccessfulEnrollments[0].EnrollmentStatus).toBe('DUPLICATE_SKIPPED');
    const overwrite = await runEnrollment('manifests/again.json', manifest, { EnrollmentConfig: { ExistingEnrollmentAction: 'OVERWRITE' } });
    await h.control.advanceClock(3600);
    const overwritten = JSON.parse(await s3.getText(`output/${overwrite}/again.json.out`)) as { SuccessfulEnrollments: { EnrollmentStatus: string }[] };
    expect(overwritten.SuccessfulEnrollments[0].EnrollmentStatus).toBe('ENROLLMENT_OVERWRITE');
  });

  it('registers a fraudster and skips a second recording of the same voice as a duplicate', async () => {
    const register = async (key: string, audio: string): Promise<string> => {
      const uri = await s3.put(key, registrationManifest([{ id: 'f1', audio: [`s3://${BUCKET}/audio/${audio}`] }]));
      const { Job } = await h.voiceId.send(
        new StartFraudsterRegistrationJobCommand({ DomainId: domainId, DataAccessRoleArn: ROLE_ARN, InputDataConfig: { S3Uri: uri }, OutputDataConfig: { S3Uri: `s3://${BUCKET}/fraud-out/` } }),
      );
      await h.control.advanceClock(3600);
      const job = (await h.voiceId.send(new DescribeFraudsterRegistrationJobCommand({ DomainId: domainId, JobId: Job!.JobId! }))).Job!;
      expect(job.JobStatus).toBe('COMPLETED');
      return s3.getText(`fraud-out/${Job!.JobId}/${key.split('/').pop()}.out`);
    };
    const first = JSON.parse(await register('manifests/fraud-1.json', 'mallory.wav')) as { SuccessfulRegistrations: { RegistrationStatus: string; GeneratedFraudsterId: string }[] };
    expect(first.SuccessfulRegistrations[0].RegistrationStatus).toBe('NEW_REGISTRATION');
    fraudsterId = first.SuccessfulRegistrations[0].GeneratedFraudsterId;
    const second = JSON.parse(await register('manifests/fraud-2.json', 'mallory-2.wav')) as {
      SuccessfulRegistrations: { RegistrationStatus: string; GeneratedFraudsterId: string; FraudsterSimilarityScore: number }[];
    };
    expect(second.SuccessfulRegistrations[0]).toMatchObject({ RegistrationStatus: 'DUPLICATE_SKIPPED', GeneratedFraudsterId: fraudsterId });
    expect(second.SuccessfulRegistrations[0].FraudsterSimilarityScore).toBeGreaterThanOrEqual(90);
  });

  it('fails enrollment of a voice on the watchlist when fraud detection is set to FAIL', async () => {
    const manifest = enrollmentManifest([{ id: 'sneaky', speaker: 'mallory-as-customer', audio: [`s3://${BUCKET}/audio/mallory-2.wav`] }]);
    const jobId = await runEnrollment('manifests/sneaky.json', manifest);
    await h.control.advanceClock(3600);
    const out = JSON.parse(await s3.getText(`output/${jobId}/sneaky.json.out`)) as { Errors: { ErrorCode: number; ErrorMessage: string }[] };
    expect(out.Errors[0]).toMatchObject({ ErrorCode: 400, ErrorMessage: expect.stringMatching(/fraud/) });
  });

  it('ends a job FAILED with FailureDetails when the manifest cannot be read', async () => {
    const { Job } = await h.voiceId.send(
      new StartSpeakerEnrollmentJobCommand({ DomainId: domainId, DataAccessRoleArn: ROLE_ARN, InputDataConfig: { S3Uri: `s3://${BUCKET}/no/such.json` }, OutputDataConfig: { S3Uri: `s3://${BUCKET}/output` } }),
    );
    await h.control.advanceClock(3600);
    const job = (await h.voiceId.send(new DescribeSpeakerEnrollmentJobCommand({ DomainId: domainId, JobId: Job!.JobId! }))).Job!;
    expect(job.JobStatus).toBe('FAILED');
    expect(job.FailureDetails).toEqual({ StatusCode: 400, Message: expect.stringMatching(/manifest/) });
  });

  it('answers NOT_ENOUGH_SPEECH while streaming, then ACCEPTs the genuine caller once enough speech has streamed', async () => {
    await h.control.startSession({ domainId, sessionName: 'genuine-call', customerSpeakerId: 'alice', audio: { wavBase64: wav('alice', 15, { utterance: 'call' }) } });
    const early = await evaluate('genuine-call');
    expect(early.StreamingStatus).toBe('ONGOING');
    expect(early.AuthenticationResult!.Decision).toBe('NOT_ENOUGH_SPEECH');
    expect(early.FraudDetectionResult!.Decision).toBe('NOT_ENOUGH_SPEECH');

    await h.control.advanceClock(12);
    const later = await evaluate('genuine-call');
    expect(later.AuthenticationResult).toMatchObject({ Decision: 'ACCEPT', CustomerSpeakerId: 'alice', Configuration: { AcceptanceThreshold: 90 } });
    expect(later.AuthenticationResult!.Score).toBeGreaterThanOrEqual(90);
    expect(later.AuthenticationResult!.AuthenticationResultId).toMatch(/^[a-zA-Z0-9]{22}$/);
    expect(later.AuthenticationResult!.AuthenticationResultId).not.toBe(early.AuthenticationResult!.AuthenticationResultId);
    expect(later.FraudDetectionResult).toMatchObject({ Decision: 'LOW_RISK', Reasons: [] });
    expect(later.SessionId).toMatch(/^id#[a-zA-Z0-9]{22}$/);

    // Nothing new streamed (the clock is frozen): the cached result keeps its id.
    const again = await evaluate(later.SessionId!);
    expect(again.AuthenticationResult!.AuthenticationResultId).toBe(later.AuthenticationResult!.AuthenticationResultId);

    const alice = (await h.voiceId.send(new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: 'alice' }))).Speaker!;
    expect(alice.LastAccessedAt!.getTime()).toBe(Math.floor((await h.control.now()).getTime()));

    await h.control.endSession('genuine-call');
    await h.control.advanceClock(60);
    const ended = await evaluate('genuine-call');
    expect(ended.StreamingStatus).toBe('ENDED');
    expect(ended.AuthenticationResult!.Decision).toBe('ACCEPT');
  });

  it('REJECTs an impostor claiming an enrolled identity', async () => {
    await h.control.startSession({ domainId, sessionName: 'impostor-call', customerSpeakerId: 'alice', audio: { wavBase64: wav('bob', 15, { utterance: 'call' }) } });
    await h.control.advanceClock(15);
    const r = await evaluate('impostor-call');
    expect(r.AuthenticationResult!.Decision).toBe('REJECT');
    expect(r.AuthenticationResult!.Score).toBeLessThan(60);
  });

  it('flags a known fraudster as HIGH_RISK with KNOWN_FRAUDSTER', async () => {
    await h.control.startSession({ domainId, sessionName: 'fraud-call', customerSpeakerId: 'bob', audio: { wavBase64: wav('mallory', 15, { utterance: 'call' }) } });
    await h.control.advanceClock(15);
    const r = await evaluate('fraud-call');
    expect(r.FraudDetectionResult).toMatchObject({ Decision: 'HIGH_RISK', Reasons: ['KNOWN_FRAUDSTER'] });
    expect(r.FraudDetectionResult!.RiskDetails!.KnownFraudsterRisk).toMatchObject({ GeneratedFraudsterId: fraudsterId });
    expect(r.AuthenticationResult!.Decision).toBe('REJECT');
  });

  it('flags a spoofed recording of the genuine voice with VOICE_SPOOFING', async () => {
    await h.control.startSession({ domainId, sessionName: 'spoof-call', customerSpeakerId: 'alice', audio: { wavBase64: wav('alice', 15, { spoofed: true }) } });
    await h.control.advanceClock(15);
    const r = await evaluate('spoof-call');
    expect(r.FraudDetectionResult).toMatchObject({ Decision: 'HIGH_RISK', Reasons: ['VOICE_SPOOFING'] });
    expect(r.FraudDetectionResult!.RiskDetails!.VoiceSpoofingRisk!.RiskScore).toBeGreaterThanOrEqual(50);
  });

  it('reports PENDING_CONFIGURATION without results until streaming starts, and omits disabled features', async () => {
    await h.control.startSession({
      domainId,
      sessionName: 'pending-call',
      audio: { wavBase64: wav('bob', 15) },
      startStreaming: false,
      fraudDetection: { enabled: false },
    });
    const pending = await evaluate('pending-call');
    expect(pending.StreamingStatus).toBe('PENDING_CONFIGURATION');
    expect(pending.AuthenticationResult).toBeUndefined();
    await h.control.startStreaming('pending-call');
    await h.control.advanceClock(12);
    const r = await evaluate('pending-call');
    expect(r.StreamingStatus).toBe('ONGOING');
    expect(r.AuthenticationResult!.Decision).toBe('SPEAKER_ID_NOT_PROVIDED');
    expect(r.FraudDetectionResult).toBeUndefined();
  });

  it('stays NOT_ENOUGH_SPEECH after the session ends short of speech', async () => {
    await h.control.startSession({ domainId, sessionName: 'short-call', customerSpeakerId: 'alice', audio: { wavBase64: wav('alice', 4) } });
    await h.control.advanceClock(30);
    const r = await evaluate('short-call');
    expect(r.AuthenticationResult!.Decision).toBe('NOT_ENOUGH_SPEECH');
    await h.control.endSession('short-call');
    expect((await evaluate('short-call')).StreamingStatus).toBe('ENDED');
  });

  it('keeps the speech of a caller who spoke from the start when the first listening window closes', async () => {
    await h.control.startSession({ domainId, sessionName: 'spoke-from-start', customerSpeakerId: 'erin', audio: { wavBase64: wav('erin', 15, { utterance: 'from-start' }) } });
    await h.control.advanceClock(6);
    await h.control.speak('spoke-from-start', false, domainId);
    await h.control.advanceClock(5);
    await h.control.speak('spoke-from-start', true, domainId);
    await h.control.advanceClock(5);
    expect((await evaluate('spoke-from-start')).AuthenticationResult!.Decision).toBe('ACCEPT');
  });

  it('counts speech only while the caller speaks (the listening windows of a flow), and ends aggregation at their last words', async () => {
    await h.control.startSession({ domainId, sessionName: 'windowed-call', customerSpeakerId: 'erin', speaking: false, audio: { wavBase64: wav('erin', 15, { utterance: 'window' }) } });
    await h.control.advanceClock(20); // prompts: silence
    expect((await evaluate('windowed-call')).AuthenticationResult!.Decision).toBe('NOT_ENOUGH_SPEECH');
    await h.control.speak('windowed-call', true, domainId);
    await h.control.advanceClock(6);
    await h.control.speak('windowed-call', false, domainId);
    await h.control.advanceClock(5); // another prompt
    expect((await evaluate('windowed-call')).AuthenticationResult!.Decision).toBe('NOT_ENOUGH_SPEECH');
    await h.control.speak('windowed-call', true, domainId);
    await h.control.advanceClock(4);
    await h.control.speak('windowed-call', false, domainId);
    const closedAt = (await h.control.now()).getTime();
    await h.control.advanceClock(3);
    const answer = await evaluate('windowed-call');
    expect(answer.AuthenticationResult!.Decision).toBe('ACCEPT');
    expect(Math.abs(answer.AuthenticationResult!.AudioAggregationEndedAt!.getTime() - closedAt)).toBeLessThan(1000);
  });

  it('honours opt-out and delete', async () => {
    await h.control.startSession({ domainId, sessionName: 'erin-call', customerSpeakerId: 'erin', audio: { wavBase64: wav('erin', 15) } });
    await h.control.advanceClock(15);
    expect((await evaluate('erin-call')).AuthenticationResult!.Decision).toBe('ACCEPT');
    const { Speaker } = await h.voiceId.send(new OptOutSpeakerCommand({ DomainId: domainId, SpeakerId: 'erin' }));
    expect(Speaker!.Status).toBe('OPTED_OUT');
    expect((await evaluate('erin-call')).AuthenticationResult!.Decision).toBe('SPEAKER_OPTED_OUT');
    await h.voiceId.send(new DeleteSpeakerCommand({ DomainId: domainId, SpeakerId: 'erin' }));
    expect((await evaluate('erin-call')).AuthenticationResult!.Decision).toBe('SPEAKER_NOT_ENROLLED');
    const err = await h.voiceId.send(new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: 'erin' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect((err as ResourceNotFoundException).ResourceType).toBe('SPEAKER');
  });

  it('answers ResourceNotFoundException SESSION for an unknown session', async () => {
    const err = await evaluate('no-such-contact').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect((err as ResourceNotFoundException).ResourceType).toBe('SESSION');
  });

  it('expires speakers not accessed for three years', async () => {
    await h.control.advanceClock(3 * 365 * 24 * 3600 + 60);
    const bob = (await h.voiceId.send(new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: 'bob' }))).Speaker!;
    expect(bob.Status).toBe('EXPIRED');
    await h.control.startSession({ domainId, sessionName: 'late-call', customerSpeakerId: 'bob', audio: { wavBase64: wav('bob', 15) } });
    await h.control.advanceClock(15);
    expect((await evaluate('late-call')).AuthenticationResult!.Decision).toBe('SPEAKER_EXPIRED');
  });
});
