import * as fs from 'node:fs';
import * as path from 'node:path';

/** The parts of a botocore shape the emulator reads. */
export interface ModelShape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  readonly members?: Readonly<Record<string, { readonly shape: string; readonly idempotencyToken?: boolean }>>;
  readonly required?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly exception?: boolean;
  readonly fault?: boolean;
}

export interface ModelOperation {
  readonly name: string;
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: readonly { readonly shape: string }[];
  readonly idempotent?: boolean;
}

export interface ServiceModel {
  readonly metadata: { readonly targetPrefix: string; readonly jsonVersion: string; readonly apiVersion: string };
  readonly operations: Readonly<Record<string, ModelOperation>>;
  readonly shapes: Readonly<Record<string, ModelShape>>;
}

const MODEL_DIR = path.join(__dirname, 'model');

let cached: ServiceModel | undefined;
let cachedStatuses: ReadonlyMap<string, number> | undefined;

/** The botocore model of Voice ID, copied verbatim from AWS: the contract the emulator validates against. */
export function loadServiceModel(): ServiceModel {
  cached ??= JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'service-2.json'), 'utf8')) as ServiceModel;
  return cached;
}

interface SmithyModel {
  readonly shapes: Readonly<Record<string, { readonly traits?: Readonly<Record<string, unknown>> }>>;
}

/**
 * HTTP status of each error shape. service-2.json carries no `error.httpStatusCode` for Voice ID, so the codes
 * come from the `smithy.api#httpError` traits of the Smithy model of the same API version.
 */
export function errorHttpStatuses(): ReadonlyMap<string, number> {
  if (!cachedStatuses) {
    const smithy = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'voice-id.smithy.json'), 'utf8')) as SmithyModel;
    const statuses = new Map<string, number>();
    for (const [id, shape] of Object.entries(smithy.shapes)) {
      const code = shape.traits?.['smithy.api#httpError'];
      if (typeof code === 'number') statuses.set(id.split('#')[1] ?? id, code);
    }
    cachedStatuses = statuses;
  }
  return cachedStatuses;
}
