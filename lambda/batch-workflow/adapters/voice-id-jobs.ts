/**
 * Voice ID's batch jobs as the workflow follows them: the status of one job, through the real SDK client
 * (`AWS_ENDPOINT_URL_VOICE_ID` points it at the emulator). Throttling is retried by the SDK's standard retry.
 */
import { DescribeFraudsterRegistrationJobCommand, DescribeSpeakerEnrollmentJobCommand, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import type { JobType } from '../domain/manifest';
import type { JobState } from '../use-case/await-job';

export class VoiceIdJobs {
  constructor(
    private readonly voiceId: VoiceIDClient,
    private readonly domainId: string,
  ) {}

  async describe(jobType: JobType, jobId: string): Promise<JobState> {
    const input = { DomainId: this.domainId, JobId: jobId };
    const job =
      jobType === 'SPEAKER_ENROLLMENT' ? (await this.voiceId.send(new DescribeSpeakerEnrollmentJobCommand(input))).Job : (await this.voiceId.send(new DescribeFraudsterRegistrationJobCommand(input))).Job;
    return {
      jobId,
      jobStatus: job?.JobStatus ?? 'UNKNOWN',
      outputS3Uri: job?.OutputDataConfig?.S3Uri ?? '',
      ...(job?.CreatedAt && { createdAtMs: job.CreatedAt.getTime() }),
      ...(job?.JobProgress?.PercentComplete !== undefined && { percentComplete: job.JobProgress.PercentComplete }),
      ...(job?.FailureDetails && { failure: { statusCode: job.FailureDetails.StatusCode ?? 0, message: job.FailureDetails.Message ?? '' } }),
    };
  }
}
