import { loadConfig } from '../../../lib/config';
import { telemetryNamesFor } from '../../../lib/constructs/telemetry-names';

describe('telemetry names', () => {
  test.each([
    ['dev', 'dev-eu'],
    ['prod', 'prod-2'],
    ['a', 'a-b-c'],
  ])("stage %p's scoping prefixes match none of stage %p's names (key statements scoped by name stay per stage)", (stage, other) => {
    const mine = telemetryNamesFor('voice-id-connect', stage);
    const theirs = telemetryNamesFor('voice-id-connect', other);
    expect(`${theirs.resourceNamePrefix}alarms`.startsWith(mine.resourceNamePrefix)).toBe(false);
    expect(`${theirs.logGroupNamePrefix}contact-flow-decision`.startsWith(mine.logGroupNamePrefix)).toBe(false);
  });

  test('the character that ends the resource prefix is one no stage name may hold', () => {
    const terminator = telemetryNamesFor('voice-id-connect', 'dev').resourceNamePrefix.slice(-1);
    expect(() => loadConfig((key) => (key === 'stage' ? `dev${terminator}eu` : undefined))).toThrow(/stage/);
  });
});
