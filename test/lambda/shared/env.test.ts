import { Environment, EnvironmentError } from '../../../lambda/shared/env';

function errorOf(fn: () => unknown): EnvironmentError {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof EnvironmentError) return error;
    throw error;
  }
  throw new Error('expected an EnvironmentError');
}

describe('environment readers fail loudly, naming the variable', () => {
  test('a missing required string names the variable', () => {
    const error = errorOf(() => new Environment({}).requiredString('TABLE_NAME'));
    expect(error.variable).toBe('TABLE_NAME');
    expect(error.message).toContain('TABLE_NAME');
  });

  test('a blank value counts as missing', () => {
    expect(errorOf(() => new Environment({ TABLE_NAME: '   ' }).requiredString('TABLE_NAME')).variable).toBe('TABLE_NAME');
  });

  test('a value not matching the pattern is rejected with what is allowed', () => {
    const error = errorOf(() => new Environment({ ID: 'x' }).requiredString('ID', { pattern: /^\d+$/, allowed: 'digits' }));
    expect(error.message).toMatch(/ID.*"x".*digits/);
  });

  test('integers: parsed, range-checked, defaulted', () => {
    const env = new Environment({ A: '42', B: '4.2', C: '500', D: '' });
    expect(env.requiredInteger('A', { min: 0, max: 100 })).toBe(42);
    expect(errorOf(() => env.requiredInteger('B', { min: 0, max: 100 })).variable).toBe('B');
    expect(errorOf(() => env.optionalInteger('C', { min: 0, max: 100 })).message).toContain('between 0 and 100');
    expect(env.optionalInteger('D', { min: 0, max: 100 })).toBeUndefined();
    expect(env.integerOrDefault('D', 7, { min: 0, max: 100 })).toBe(7);
    expect(env.integerOrDefault('MISSING', 7, { min: 0, max: 100 })).toBe(7);
    expect(errorOf(() => env.requiredInteger('MISSING', { min: 0, max: 1 })).message).toContain('required');
  });
});
