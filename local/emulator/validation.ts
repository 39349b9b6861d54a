import type { ModelShape, ServiceModel } from './model';

/** A value broke a modelled constraint (length, pattern, range, enum, required). */
export interface ConstraintViolation {
  readonly path: string;
  readonly message: string;
}

/** A value had the wrong JSON type for its shape; the service answers these as SerializationException. */
export class InputTypeError extends Error {
  constructor(readonly path: string, expected: string) {
    super(`Expected ${expected} at '${path}'`);
    this.name = 'InputTypeError';
  }
}

/**
 * Translates a model pattern (Java regex syntax) to a JS RegExp. `\p{…}` classes need the `u` flag, and
 * Java's `matches()` is anchored, so the translated pattern is anchored too.
 */
export function toJsRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** The service names members by their lowerCamel wire names in messages (`serverSideEncryptionConfiguration.kmsKeyId`). */
function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function join(parent: string, member: string): string {
  return parent ? `${parent}.${member}` : member;
}

function describeValue(value: unknown, sensitive: boolean): string {
  if (sensitive) return 'Value';
  if (typeof value === 'string') return `Value '${value.length > 100 ? `${value.slice(0, 100)}…` : value}'`;
  if (typeof value === 'number') return `Value '${value}'`;
  return 'Value';
}

/** Validates an input document against the model, the way Coral does before any handler runs. */
export class ModelValidator {
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly model: ServiceModel) {
    // Compile every pattern up front, so a model pattern JS cannot express fails at start-up, not mid-request.
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (shape.pattern) this.patterns.set(name, toJsRegExp(shape.pattern));
    }
  }

  /** Returns every constraint violation; throws InputTypeError on a type mismatch. */
  validate(shapeName: string, value: unknown): ConstraintViolation[] {
    const out: ConstraintViolation[] = [];
    this.visit(shapeName, value, '', out);
    return out;
  }

  private visit(shapeName: string, value: unknown, path: string, out: ConstraintViolation[]): void {
    const shape: ModelShape | undefined = this.model.shapes[shapeName];
    if (!shape || value === null || value === undefined) return;
    const fail = (constraint: string): void => {
      out.push({ path, message: `${describeValue(value, shape.sensitive === true)} at '${path}' failed to satisfy constraint: ${constraint}` });
    };
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || Array.isArray(value)) throw new InputTypeError(path || '<root>', 'an object');
        const obj = value as Record<string, unknown>;
        for (const req of shape.required ?? []) {
          if (obj[req] === undefined || obj[req] === null) {
            out.push({ path: join(path, lowerCamel(req)), message: `Value null at '${join(path, lowerCamel(req))}' failed to satisfy constraint: Member must not be null` });
          }
        }
        // Unknown members are ignored, as the service does for forward compatibility.
        for (const [name, member] of Object.entries(shape.members ?? {})) {
          if (name in obj) this.visit(member.shape, obj[name], join(path, lowerCamel(name)), out);
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) throw new InputTypeError(path, 'a list');
        if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
        value.forEach((item, i) => this.visit(shape.member!.shape, item, `${path}.${i + 1}.member`, out));
        return;
      }
      case 'string': {
        if (typeof value !== 'string') throw new InputTypeError(path, 'a string');
        const length = [...value].length;
        if (shape.min !== undefined && length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
        const re = this.patterns.get(shapeName);
        if (re && !re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
        if (shape.enum && !shape.enum.includes(value)) fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
        return;
      }
      case 'integer':
      case 'long': {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new InputTypeError(path, 'an integer');
        if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
        return;
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw new InputTypeError(path, 'a boolean');
        return;
      default:
        return;
    }
  }
}

/** Formats violations the way the service words a ValidationException. */
export function validationMessage(violations: readonly ConstraintViolation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.map((v) => v.message).join('; ')}`;
}
