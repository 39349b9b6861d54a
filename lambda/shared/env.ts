/**
 * Reading a Lambda's environment, once, at cold start.
 *
 * Every reader fails loudly with an {@link EnvironmentError} that names the variable, the offending
 * value (for non-secret settings) and what is allowed. No `process.env.X || ''` anywhere: a missing
 * setting is an error, a default is explicit.
 */

/** A variable is missing or holds a value that is not allowed. */
export class EnvironmentError extends Error {
  constructor(
    /** Name of the offending environment variable. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/** The environment to read from (`process.env` in the Lambda, a plain object in tests). */
export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

export interface StringOptions {
  /** The value must match this pattern. */
  readonly pattern?: RegExp;
  /** Human description of the allowed values, used in the error message. */
  readonly allowed?: string;
}

export interface IntegerOptions {
  readonly min: number;
  readonly max: number;
}

/** Typed readers over one environment. */
export class Environment {
  constructor(private readonly source: EnvironmentSource) {}

  /** A required, non-empty string. */
  requiredString(name: string, options: StringOptions = {}): string {
    const value = this.raw(name);
    if (value === undefined) throw new EnvironmentError(name, `Environment variable ${name} is required but not set`);
    if (options.pattern && !options.pattern.test(value)) {
      throw new EnvironmentError(name, `Environment variable ${name} has an invalid value ${JSON.stringify(value)}; expected ${options.allowed ?? `a value matching ${String(options.pattern)}`}`);
    }
    return value;
  }

  /** A string matching the pattern, or `undefined` when the variable is unset or blank. */
  optionalString(name: string, options: StringOptions = {}): string | undefined {
    return this.raw(name) === undefined ? undefined : this.requiredString(name, options);
  }

  /** A required integer within [min, max]. */
  requiredInteger(name: string, options: IntegerOptions): number {
    const value = this.optionalInteger(name, options);
    if (value === undefined) throw new EnvironmentError(name, `Environment variable ${name} is required but not set`);
    return value;
  }

  /** An integer within [min, max], or `defaultValue` when the variable is unset or empty. */
  integerOrDefault(name: string, defaultValue: number, options: IntegerOptions): number {
    return this.optionalInteger(name, options) ?? defaultValue;
  }

  /** One of `allowed` (exactly as spelt), or `defaultValue` when the variable is unset or empty. */
  oneOfOrDefault<T extends string>(name: string, allowed: readonly T[], defaultValue: T): T {
    const value = this.raw(name);
    if (value === undefined) return defaultValue;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new EnvironmentError(name, `Environment variable ${name} has an invalid value ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  /** An integer within [min, max], or `undefined` when the variable is unset or empty. */
  optionalInteger(name: string, { min, max }: IntegerOptions): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      throw new EnvironmentError(name, `Environment variable ${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
    }
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new EnvironmentError(name, `Environment variable ${name} must be an integer between ${min} and ${max}, got ${value}`);
    }
    return parsed;
  }

  /** The trimmed value, `undefined` for unset or blank. */
  private raw(name: string): string | undefined {
    const value = this.source[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }
}
