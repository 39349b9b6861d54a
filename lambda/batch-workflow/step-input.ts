/**
 * What the step handlers share about their input: which fields to fix when it does not parse (names only, never
 * values, which may be speaker ids), and the `{ Error, Cause }` Step Functions catches.
 */
import * as z from 'zod/mini';

/** The fields an input got wrong, for the error message: `a.b, c` (`(input)` for the input as a whole). */
export function fieldsToFix(issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey> }>): string {
  return issues.map((i) => i.path.map(String).join('.') || '(input)').join(', ');
}

/** An error as a Step Functions Catch puts it into the state (`ResultPath`). */
export const CaughtError = z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) });
