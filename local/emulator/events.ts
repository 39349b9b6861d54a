import { randomUUID } from 'node:crypto';
import type { EmulatorConfig } from './context';
import type { JobRecord } from './world';

/**
 * Voice ID's batch job events as EventBridge delivers them (facts §5): `source: aws.voiceid` on the default bus,
 * `detail.action` BATCH_ENROLLMENT_REQUEST / BATCH_REGISTRATION_REQUEST, emitted when a job is submitted and when it
 * ends. They carry no job status a consumer should trust (the documents leave `detail.status` unconfirmed), so
 * consumers describe the job. `detail-type` is spelled as the EventBridge reference spells it.
 */
export interface VoiceIdEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: 'aws.voiceid';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

/** Where emitted events go, and whether they are dropped on the way (best-effort delivery, made worse on purpose). */
export class EventEmitter {
  dropping = false;
  emitted = 0;
  dropped = 0;

  constructor(private readonly sink: ((event: VoiceIdEvent) => void) | undefined) {}

  emit(event: VoiceIdEvent): void {
    if (this.dropping) {
      this.dropped++;
      return;
    }
    this.emitted++;
    // Asynchronously, as EventBridge delivers: never inside the request that caused it.
    if (this.sink) setImmediate(() => this.sink?.(event));
  }
}

const DETAIL_TYPE = { ENROLLMENT: 'VoiceId Batch Speaker Enrollment Action', REGISTRATION: 'VoiceId Batch Fraudster Registration Action' } as const;
const ACTION = { ENROLLMENT: 'BATCH_ENROLLMENT_REQUEST', REGISTRATION: 'BATCH_REGISTRATION_REQUEST' } as const;

/** The event of a job that was just submitted (no `final`) or just ended. */
export function batchJobEvent(config: EmulatorConfig, job: JobRecord, now: number): VoiceIdEvent {
  const configKey = job.kind === 'ENROLLMENT' ? 'enrollmentConfig' : 'registrationConfig';
  const failed = job.final?.status === 'FAILED';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DETAIL_TYPE[job.kind],
    source: 'aws.voiceid',
    account: config.accountId,
    time: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: config.region,
    resources: [],
    detail: {
      sourceId: randomUUID(),
      action: ACTION[job.kind],
      status: failed ? 'FAILURE' : 'SUCCESS',
      domainId: job.domainId,
      batchJobId: job.jobId,
      data: {
        dataAccessRoleArn: job.dataAccessRoleArn,
        [configKey]: lowerCamel(job.config),
        inputDataConfig: { s3Uri: job.inputS3Uri },
        outputDataConfig: { s3Uri: job.outputS3Uri, ...(job.outputKmsKeyId && { kmsKeyId: job.outputKmsKeyId }) },
      },
      ...(failed && { errorInfo: { errorCode: job.final?.failure?.StatusCode, errorMessage: job.final?.failure?.Message, errorType: 'BATCH_JOB_FAILED' } }),
    },
  };
}

function lowerCamel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCamel);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerCamel(v)]));
}
