import { BatchJobRunner } from './batch-jobs';
import { EmulatorClock } from './clock';
import { expireSpeakers, type EmulatorConfig, type OperationOutput, type ServiceContext } from './context';
import { VoiceIdError, invalid } from './errors';
import { FaultInjector, RateLimiter } from './faults';
import { loadServiceModel, type ServiceModel } from './model';
import { OPERATIONS } from './operations';
import { StateFile, type Snapshot } from './persistence';
import { S3Store } from './s3-store';
import { expireSessions } from './sessions';
import { InputTypeError, ModelValidator, validationMessage } from './validation';
import { batchJobEvent, EventEmitter, type VoiceIdEvent } from './events';
import { emptyWorld, type World } from './world';

export interface ServiceOptions extends EmulatorConfig {
  readonly s3Endpoint?: string;
  readonly statePath?: string;
  readonly clockSpeed: number;
  readonly log: (line: string) => void;
  /** Receives Voice ID's EventBridge events (batch jobs). @default events are counted, not delivered */
  readonly onEvent?: (event: VoiceIdEvent) => void;
}

/** How often background work (finishing due jobs, expiring sessions and speakers) runs, in real time. */
const TICK_MS = 200;

/**
 * The emulated Voice ID service: the world and everything that changes it. The HTTP layer hands it decoded
 * requests; it validates them against the model and runs the operation.
 */
export class VoiceIdService {
  readonly model: ServiceModel = loadServiceModel();
  readonly clock: EmulatorClock;
  readonly faults = new FaultInjector();
  readonly rateLimits = new RateLimiter();
  readonly s3: S3Store;
  readonly jobs: BatchJobRunner;
  readonly events: EventEmitter;
  /** Set through the control API to simulate long jobs. */
  jobDurationMs?: number;
  world: World = emptyWorld();
  private readonly validator = new ModelValidator(this.model);
  private readonly stateFile?: StateFile;
  private readonly ticker: NodeJS.Timeout;

  constructor(readonly options: ServiceOptions) {
    this.clock = new EmulatorClock(options.clockSpeed);
    this.s3 = new S3Store(options.s3Endpoint, options.region);
    this.jobs = new BatchJobRunner(() => this.context());
    this.events = new EventEmitter(options.onEvent);
    if (options.statePath) {
      this.stateFile = new StateFile(options.statePath, () => this.snapshot(), options.log);
      const saved = this.stateFile.load();
      if (saved) {
        this.world = saved.world;
        this.clock.resumeAt(saved.emulatedNow);
        for (const ds of Object.values(this.world.domains)) for (const job of Object.values(ds.jobs)) this.jobs.launch(job);
        options.log(`restored state from ${options.statePath}`);
      }
    }
    this.ticker = setInterval(() => void this.settle(), TICK_MS);
    this.ticker.unref();
  }

  context(): ServiceContext {
    return {
      world: this.world,
      clock: this.clock,
      config: this.options,
      s3: this.s3,
      launchJob: (job) => this.jobs.launch(job),
      markDirty: () => this.markDirty(),
      log: this.options.log,
      jobDurationMs: this.jobDurationMs,
      takeJobFailure: (operation) => this.faults.takeJobFailure(operation),
      emitJobEvent: (job) => this.events.emit(batchJobEvent(this.options, job, this.clock.now())),
    };
  }

  hasOperation(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.model.operations, name) && name in OPERATIONS;
  }

  /** Signed requests received per operation (faults and throttling included), for tests and benchmarks. */
  readonly requestCounts = new Map<string, number>();

  countRequest(operation: string): void {
    this.requestCounts.set(operation, (this.requestCounts.get(operation) ?? 0) + 1);
  }

  /** Validates and runs one operation. Throws VoiceIdError for every modelled failure. */
  async invoke(operation: string, input: unknown): Promise<OperationOutput> {
    const op = this.model.operations[operation];
    const shape = op.input?.shape;
    if (shape) {
      let violations;
      try {
        violations = this.validator.validate(shape, input);
      } catch (e: unknown) {
        if (e instanceof InputTypeError) throw new VoiceIdError('SerializationException', e.message);
        throw e;
      }
      if (violations.length > 0) throw invalid(validationMessage(violations));
    }
    await this.settle();
    const handler = OPERATIONS[operation] as (ctx: ServiceContext, input: unknown) => OperationOutput | Promise<OperationOutput>;
    return handler(this.context(), input ?? {});
  }

  /** Brings the world up to the current emulated time. */
  async settle(): Promise<void> {
    const now = this.clock.now();
    for (const ds of Object.values(this.world.domains)) {
      if (expireSpeakers(ds, now) || expireSessions(ds, now)) this.markDirty();
    }
    await this.jobs.settle();
  }

  reset(): void {
    this.world = emptyWorld();
    this.jobs.forget();
    this.faults.clear();
    this.rateLimits.clear();
    this.markDirty();
  }

  markDirty(): void {
    this.stateFile?.scheduleSave();
  }

  snapshot(): Snapshot {
    return { version: 1, emulatedNow: this.clock.now(), world: this.world };
  }

  stop(): void {
    clearInterval(this.ticker);
    this.stateFile?.flush();
    this.s3.destroy();
  }
}
