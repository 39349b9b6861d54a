/** asl-validator 4 ships no typings: the part these tests use. */
declare module 'asl-validator' {
  interface ValidationResult {
    readonly isValid: boolean;
    errorsText(separator?: string): string;
  }
  /** Validates an Amazon States Language definition. Mutates its argument: pass a copy. */
  export default function aslValidator(definition: object): ValidationResult;
}
