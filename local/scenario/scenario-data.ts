/**
 * The scripted scenario's cast and calls: synthetic voices only, stable so that `npm start`, the
 * integration tests and the benchmarks all tell the same story.
 */

export interface EnrolledSpeaker {
  /** The contact center's own id for the customer (Voice ID's CustomerSpeakerId). */
  readonly customerId: string;
  /** Seed of the synthetic voice. */
  readonly voice: string;
}

export const ENROLLED_SPEAKERS: readonly EnrolledSpeaker[] = [
  { customerId: 'C1001', voice: 'voice-ana' },
  { customerId: 'C1002', voice: 'voice-ben' },
  { customerId: 'C1003', voice: 'voice-chloe' },
];

/** A voice registered as a known fraudster on the domain's default watchlist. */
export const FRAUDSTER_VOICE = 'voice-felix';

export type ExpectedDecision = 'AUTHENTICATED' | 'NOT_AUTHENTICATED' | 'HIGH_RISK' | 'INCONCLUSIVE' | 'NOT_ENROLLED';

/** Who calls: what they claim, and whose voice is on the line. */
export interface ScriptedCaller {
  readonly label: string;
  /** Who the caller claims to be (the customerId the IVR found; '' when it identified nobody). */
  readonly claimedCustomerId: string;
  /** Whose voice is actually on the line. */
  readonly voice: string;
  readonly spoofed?: boolean;
}

export interface ScenarioCall extends ScriptedCaller {
  /** Seconds of audio the caller speaks. */
  readonly seconds: number;
  /** The call ends (streaming ENDED) before the flow asks for a decision. */
  readonly endsEarly?: boolean;
  readonly expected: ExpectedDecision;
}

export const SCENARIO_CALLS: readonly ScenarioCall[] = [
  { label: 'genuine caller', claimedCustomerId: 'C1001', voice: 'voice-ana', seconds: 15, expected: 'AUTHENTICATED' },
  { label: 'impostor', claimedCustomerId: 'C1001', voice: 'voice-ben', seconds: 15, expected: 'NOT_AUTHENTICATED' },
  { label: 'known fraudster', claimedCustomerId: 'C1003', voice: FRAUDSTER_VOICE, seconds: 15, expected: 'HIGH_RISK' },
  { label: 'spoofed voice', claimedCustomerId: 'C1001', voice: 'voice-ana', spoofed: true, seconds: 15, expected: 'HIGH_RISK' },
  { label: 'unenrolled caller', claimedCustomerId: 'C2000', voice: 'voice-dana', seconds: 15, expected: 'NOT_ENROLLED' },
  { label: 'too-short call', claimedCustomerId: 'C1002', voice: 'voice-ben', seconds: 4, endsEarly: true, expected: 'INCONCLUSIVE' },
];

/** A customer who opted out of voice authentication (the scenario opts them out before the calls). */
export const OPTED_OUT_CUSTOMER = 'C1004';

export type FlowOutcome = ExpectedDecision | 'OPTED_OUT';

/** A call placed through the shipped contact flow (the flow runner): what the IVR claims, who speaks, and for how long. */
export interface FlowScenarioCall extends ScriptedCaller {
  /** Seconds of speech the caller gives in all. */
  readonly speechSeconds: number;
  /** The IVR changes `customerId` while the caller speaks (they switch accounts mid-call). */
  readonly switchesTo?: string;
  /** The flow's final `voiceIdDecision`. */
  readonly expected: FlowOutcome;
}

/** The designed path: callers speak for at least the configured response time (10 s). */
export const FLOW_SCENARIO_CALLS: readonly FlowScenarioCall[] = [
  { label: 'genuine caller', claimedCustomerId: 'C1001', voice: 'voice-ana', speechSeconds: 15, expected: 'AUTHENTICATED' },
  { label: 'impostor', claimedCustomerId: 'C1001', voice: 'voice-ben', speechSeconds: 15, expected: 'NOT_AUTHENTICATED' },
  { label: 'known fraudster', claimedCustomerId: 'C1003', voice: FRAUDSTER_VOICE, speechSeconds: 15, expected: 'HIGH_RISK' },
  { label: 'spoofed voice', claimedCustomerId: 'C1001', voice: 'voice-ana', spoofed: true, speechSeconds: 15, expected: 'HIGH_RISK' },
  { label: 'not enrolled', claimedCustomerId: 'C2000', voice: 'voice-dana', speechSeconds: 15, expected: 'NOT_ENROLLED' },
  { label: 'opted out', claimedCustomerId: OPTED_OUT_CUSTOMER, voice: 'voice-dana', speechSeconds: 15, expected: 'OPTED_OUT' },
  { label: 'no customer id', claimedCustomerId: '', voice: 'voice-ben', speechSeconds: 15, expected: 'NOT_AUTHENTICATED' },
  { label: 'switches account', claimedCustomerId: 'C1001', voice: 'voice-ana', speechSeconds: 15, switchesTo: 'C1002', expected: 'NOT_AUTHENTICATED' },
  { label: 'speaks too little', claimedCustomerId: 'C1002', voice: 'voice-ben', speechSeconds: 4, expected: 'INCONCLUSIVE' },
];
