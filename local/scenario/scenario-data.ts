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

export interface ScenarioCall {
  readonly label: string;
  /** Who the caller claims to be (the flow sets it as the contact's Customer ID). */
  readonly claimedCustomerId: string;
  /** Whose voice is actually on the line. */
  readonly voice: string;
  readonly spoofed?: boolean;
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
