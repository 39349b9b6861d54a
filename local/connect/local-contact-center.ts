import { DescribeSpeakerCommand, ResourceNotFoundException, type VoiceIDClient } from '@aws-sdk/client-voice-id';
import { synthesizeVoice } from '../audio';
import { contactFlowEvent } from '../harness/connect-event';
import type { LocalFunction } from '../harness/local-function';
import type { LocalStack } from '../harness/local-stack';
import type { ContactCenter, EnrollmentStatus, VoiceIdStreamSettings } from './flow-runner';

/** Who is on the line, for one call through the flow runner. */
export interface Caller {
  /** Seed of the synthetic voice on the line. */
  readonly voice: string;
  readonly spoofed?: boolean;
  /** Seconds of speech the caller has in them in all (they fall silent after). */
  readonly speechSeconds: number;
  /** The caller hangs up after this many seconds of streaming (the stream ENDS). */
  readonly hangsUpAfterSeconds?: number;
  /** Contact attributes the IVR sets during the first listening window (the caller switches accounts mid-call). */
  readonly attributesSetWhileSpeaking?: Record<string, string>;
  /** Words per second at which prompts are spoken: a prompt lasts its word count divided by this. @default 2.5 */
  readonly wordsPerSecond?: number;
}

/** What a call through the local contact center cost the caller and the system. */
export interface CallMeasures {
  /** Seconds from the start of streaming to the last decision. */
  readonly secondsToDecision?: number;
  readonly lambdaInvocations: number;
  readonly voiceIdCalls: number;
}

/**
 * Plays Amazon Connect's part for one contact on the local stack: Set Voice ID starts a session on the emulator
 * (named after the ContactId, as Connect does) with the caller's synthetic audio, prompts move the emulated clock
 * while the caller is silent, listening windows while they speak, Check Voice ID asks Voice ID through the real
 * SDK, and the Invoke Lambda block runs the bundled decision function from cdk.out with Connect's event.
 */
export class LocalContactCenter implements ContactCenter {
  private streamStartedAt?: number;
  private callSeconds = 0;
  private spokenSeconds = 0;
  private windows = 0;
  private ended = false;
  private lastDecisionAt?: number;
  private invocations = 0;
  private voiceIdCalls = 0;

  constructor(
    private readonly stack: LocalStack,
    private readonly fn: LocalFunction,
    private readonly voiceId: VoiceIDClient,
    private readonly contactId: string,
    private readonly caller: Caller,
  ) {}

  measures(): CallMeasures {
    const secondsToDecision = this.lastDecisionAt !== undefined && this.streamStartedAt !== undefined ? Math.round((this.lastDecisionAt - this.streamStartedAt) * 10) / 10 : undefined;
    return { secondsToDecision, lambdaInvocations: this.invocations, voiceIdCalls: this.voiceIdCalls };
  }

  async startVoiceIdStream(settings: VoiceIdStreamSettings, customerId: string | undefined): Promise<void> {
    const audio = synthesizeVoice({ voice: this.caller.voice, seconds: this.caller.speechSeconds, spoofed: this.caller.spoofed, utterance: `${this.contactId}-call` });
    await this.stack.control.startSession({
      domainId: this.stack.domainId,
      sessionName: this.contactId,
      customerSpeakerId: customerId,
      speaking: false,
      audio: { wavBase64: audio.toString('base64') },
      authentication: {
        enabled: settings.authenticationEnabled,
        acceptanceThreshold: settings.authenticationThreshold,
        minimumSpeechSeconds: settings.authenticationResponseTimeSeconds,
      },
      fraudDetection: { enabled: settings.fraudDetectionEnabled, riskThreshold: settings.fraudThreshold, watchlistId: settings.watchlistId },
    });
    this.streamStartedAt = this.callSeconds;
  }

  async setCustomerId(customerId: string): Promise<void> {
    if (this.streamStartedAt !== undefined) await this.stack.control.updateSession(this.contactId, { domainId: this.stack.domainId, customerSpeakerId: customerId });
  }

  async checkEnrollment(customerId: string | undefined): Promise<EnrollmentStatus> {
    if (customerId === undefined) throw new Error('Check Voice ID needs a Customer ID');
    try {
      const { Speaker } = await this.voiceId.send(new DescribeSpeakerCommand({ DomainId: this.stack.domainId, SpeakerId: customerId }));
      if (Speaker?.Status === 'ENROLLED') return 'Enrolled';
      if (Speaker?.Status === 'OPTED_OUT') return 'OptedOut';
      return 'NotEnrolled';
    } catch (error: unknown) {
      if (error instanceof ResourceNotFoundException) return 'NotEnrolled';
      throw error; // a ValidationException (an id Voice ID does not accept) takes the block's error branch
    }
  }

  async play(text: string): Promise<void> {
    const words = text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
    await this.pass(Math.round((words / (this.caller.wordsPerSecond ?? 2.5)) * 10) / 10, false);
  }

  async listen(seconds: number): Promise<{ attributes?: Record<string, string> }> {
    // The caller talks while they have something to say, then waits out the window in silence.
    const first = this.windows++ === 0;
    const talking = Math.max(0, Math.min(seconds, this.caller.speechSeconds - this.spokenSeconds));
    await this.pass(talking, true);
    this.spokenSeconds += talking;
    await this.pass(seconds - talking, false);
    return { attributes: first ? this.caller.attributesSetWhileSpeaking : undefined };
  }

  async invokeLambda(_functionArn: string, parameters: Record<string, string>, contact: { customerId?: string }, timeLimitSeconds: number): Promise<unknown> {
    this.invocations++;
    const event = contactFlowEvent({ contactId: this.contactId, customerId: contact.customerId });
    event.Details.Parameters = parameters;
    // Counted on the emulator, not taken from the Lambda's own report.
    const before = (await this.stack.control.requestCounts()).EvaluateSession ?? 0;
    const invocation = await this.fn.invoke(event);
    this.voiceIdCalls += ((await this.stack.control.requestCounts()).EvaluateSession ?? 0) - before;
    // The caller waits while the Lambda works (the emulated clock may be frozen meanwhile).
    this.callSeconds += invocation.durationMs / 1000;
    this.lastDecisionAt = this.callSeconds;
    if (invocation.durationMs > timeLimitSeconds * 1000) throw new Error(`the Lambda took ${invocation.durationMs} ms, over the block's ${timeLimitSeconds} s`);
    if (invocation.error) throw new Error(`${invocation.error.name}: ${invocation.error.message}`);
    return invocation.result;
  }

  /** Lets `seconds` of the call pass, the caller speaking or not; a caller who hangs up ends the stream. */
  private async pass(seconds: number, speaking: boolean): Promise<void> {
    if (seconds <= 0) return;
    const streaming = this.streamStartedAt !== undefined && !this.ended;
    let left = seconds;
    if (streaming && this.caller.hangsUpAfterSeconds !== undefined) left = Math.min(left, this.streamStartedAt! + this.caller.hangsUpAfterSeconds - this.callSeconds);
    if (streaming && speaking && left > 0) await this.stack.control.speak(this.contactId, true, this.stack.domainId);
    if (left > 0) await this.stack.control.advanceClock(left);
    if (streaming && speaking && left > 0) await this.stack.control.speak(this.contactId, false, this.stack.domainId);
    if (streaming && left < seconds) {
      await this.stack.control.endSession(this.contactId, this.stack.domainId);
      this.ended = true;
      await this.stack.control.advanceClock(seconds - left);
    }
    this.callSeconds += seconds;
  }
}
