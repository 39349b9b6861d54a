import * as VoiceId from '@aws-sdk/client-voice-id';
import { synthesizeVoice } from '../../../local/audio';
import { loadServiceModel, type ModelShape } from '../../../local/emulator/model';
import { OPERATIONS } from '../../../local/emulator/operations';
import { toJsRegExp } from '../../../local/emulator/validation';
import { BUCKET, ROLE_ARN, registrationManifest, startHarness, startS3, type Harness, type LocalS3 } from './support';

/**
 * Conformance generated from the model: every operation succeeds through the real SDK with minimal valid
 * input, and every constrained input member rejects an invalid value with a ValidationException naming it.
 */
const model = loadServiceModel();
const operationNames = Object.keys(model.operations).sort();

type Json = string | number | boolean | Json[] | { [k: string]: Json };
type CommandCtor = new (input: object) => VoiceId.VoiceIDClient extends { send(c: infer C): unknown } ? C : never;

function command(op: string, input: object): Parameters<VoiceId.VoiceIDClient['send']>[0] {
  const ctor = (VoiceId as unknown as Record<string, CommandCtor>)[`${op}Command`];
  if (!ctor) throw new Error(`SDK has no ${op}Command`);
  return new ctor(input) as Parameters<VoiceId.VoiceIDClient['send']>[0];
}

/** Valid sample values by shape name; ids are filled in as the setup creates real resources. */
const samples: Record<string, Json> = {
  DomainName: 'conformance',
  KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  Description: 'a description',
  WatchlistName: 'watchlist',
  WatchlistDescription: 'watchlist description',
  JobName: 'job',
  ClientTokenString: 'token-1',
  CustomerSpeakerId: 'customer-1',
  SpeakerId: 'customer-1',
  SessionNameOrId: 'contact-1',
  IamRoleArn: ROLE_ARN,
  TagKey: 'team',
  TagValue: 'voice',
  NextToken: '',
  // Well-formed placeholders; the setup replaces them with ids of real resources.
  DomainId: 'a'.repeat(22),
  WatchlistId: 'b'.repeat(22),
  JobId: 'c'.repeat(22),
  FraudsterId: `id#${'d'.repeat(22)}`,
  AmazonResourceName: `arn:aws:voiceid:us-east-1:123456789012:domain/${'a'.repeat(22)}`,
  S3Uri: `s3://${BUCKET}/input.json`,
};

function validValue(shapeName: string): Json {
  const shape: ModelShape = model.shapes[shapeName];
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, Json> = {};
      for (const m of shape.required ?? []) out[m] = validValue(shape.members![m].shape);
      return out;
    }
    case 'list':
      return Array.from({ length: shape.min ?? 0 }, () => validValue(shape.member!.shape));
    case 'integer':
    case 'long':
      return shape.min ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (shape.enum) return shape.enum[0];
      if (shapeName in samples) return samples[shapeName];
      throw new Error(`no sample for shape ${shapeName}`);
    default:
      throw new Error(`unsupported shape type ${shape.type}`);
  }
}

interface InvalidCase {
  readonly op: string;
  readonly description: string;
  readonly path: string;
  readonly input: Record<string, Json>;
}

const lowerCamel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function patternBreaker(shape: ModelShape): string | undefined {
  const re = toJsRegExp(shape.pattern!);
  const length = Math.max(shape.min ?? 0, 1);
  if (shape.max !== undefined && length > shape.max) return undefined;
  return ['!', 'é', ' ', '\u0001'].map((c) => c.repeat(length)).find((v) => !re.test(v));
}

/** Every invalid value the constraints of `shapeName` allow, each placed into an otherwise valid input via `place`. */
function invalidValues(shapeName: string, path: string, place: (v: Json | undefined) => Record<string, Json>, op: string, out: InvalidCase[]): void {
  const shape = model.shapes[shapeName];
  const add = (description: string, value: Json | undefined): void => {
    out.push({ op, description: `${path} ${description}`, path, input: place(value) });
  };
  if (shape.type === 'string') {
    if (shape.min !== undefined && shape.min > 0) add(`shorter than ${shape.min}`, 'a'.repeat(shape.min - 1));
    if (shape.max !== undefined) add(`longer than ${shape.max}`, 'a'.repeat(shape.max + 1));
    if (shape.pattern) {
      const bad = patternBreaker(shape);
      if (bad !== undefined) add(`not matching ${shape.pattern}`, bad);
    }
    if (shape.enum) add('not in the enum', 'NOT_A_VALID_VALUE');
  } else if (shape.type === 'integer' || shape.type === 'long') {
    if (shape.min !== undefined) add(`below ${shape.min}`, shape.min - 1);
    if (shape.max !== undefined) add(`above ${shape.max}`, shape.max + 1);
  } else if (shape.type === 'list') {
    if (shape.min !== undefined && shape.min > 0) add(`with fewer than ${shape.min} items`, []);
    if (shape.max !== undefined) add(`with more than ${shape.max} items`, Array.from({ length: shape.max + 1 }, () => validValue(shape.member!.shape)));
    const member = model.shapes[shape.member!.shape];
    if (member.type === 'structure' || member.type === 'string') {
      invalidValues(shape.member!.shape, `${path}.1.member`, (v) => place(v === undefined ? [] : [v]), op, out);
    }
  } else if (shape.type === 'structure') {
    const base = validValue(shapeName) as Record<string, Json>;
    for (const [name, member] of Object.entries(shape.members ?? {})) {
      const memberPath = path ? `${path}.${lowerCamel(name)}` : lowerCamel(name);
      const withMember = (v: Json | undefined): Record<string, Json> => {
        const copy: Record<string, Json> = { ...base };
        if (v === undefined) delete copy[name];
        else copy[name] = v;
        return place(copy);
      };
      if (shape.required?.includes(name)) out.push({ op, description: `${memberPath} missing`, path: memberPath, input: withMember(undefined) });
      invalidValues(member.shape, memberPath, withMember, op, out);
    }
  }
}

describe('conformance with the Voice ID model', () => {
  let h: Harness;
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startS3();
    h = await startHarness({ s3Endpoint: s3.endpoint });
  });
  afterAll(async () => {
    await h.stop();
    await s3.stop();
  });

  it('implements exactly the operations of the model', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(operationNames);
    expect(operationNames).toHaveLength(29);
  });

  it('answers every operation with valid minimal input through the real SDK', async () => {
    const send = async (op: string, overrides: Record<string, Json> = {}): Promise<Record<string, unknown>> => {
      const input = { ...(validValue(model.operations[op].input!.shape) as Record<string, Json>), ...overrides };
      const out = (await h.voiceId.send(command(op, input))) as unknown as Record<string, unknown>;
      expect((out.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(200);
      const outputShape = model.operations[op].output?.shape;
      const allowed = new Set(['$metadata', ...Object.keys(outputShape ? (model.shapes[outputShape].members ?? {}) : {})]);
      for (const key of Object.keys(out)) expect(allowed).toContain(key);
      called.add(op);
      return out;
    };
    const called = new Set<string>();

    const { Domain } = (await send('CreateDomain')) as { Domain: { DomainId: string; Arn: string } };
    samples.DomainId = Domain.DomainId;
    samples.AmazonResourceName = Domain.Arn;
    await send('DescribeDomain');
    await send('UpdateDomain');
    await send('ListDomains');
    await send('TagResource');
    await send('ListTagsForResource');
    await send('UntagResource');
    const { Watchlist } = (await send('CreateWatchlist')) as { Watchlist: { WatchlistId: string } };
    samples.WatchlistId = Watchlist.WatchlistId;
    await send('DescribeWatchlist');
    await send('UpdateWatchlist');
    await send('ListWatchlists');

    const audio = await s3.put('conformance/fraudster.wav', synthesizeVoice({ voice: 'conformance-fraudster', seconds: 40 }));
    samples.S3Uri = await s3.put('conformance/fraudsters.json', registrationManifest([{ id: 'r1', audio: [audio] }]));
    const reg = (await send('StartFraudsterRegistrationJob', { OutputDataConfig: { S3Uri: `s3://${BUCKET}/out` } })) as { Job: { JobId: string } };
    samples.JobId = reg.Job.JobId;
    await h.control.advanceClock(3600);
    await send('DescribeFraudsterRegistrationJob');
    await send('ListFraudsterRegistrationJobs');
    const { FraudsterSummaries } = (await send('ListFraudsters')) as { FraudsterSummaries: { GeneratedFraudsterId: string }[] };
    expect(FraudsterSummaries).toHaveLength(1);
    samples.FraudsterId = FraudsterSummaries[0].GeneratedFraudsterId;
    await send('DescribeFraudster');
    await send('AssociateFraudster');
    await send('DisassociateFraudster');

    const enr = (await send('StartSpeakerEnrollmentJob')) as { Job: { JobId: string } };
    samples.JobId = enr.Job.JobId;
    await send('DescribeSpeakerEnrollmentJob');
    await send('ListSpeakerEnrollmentJobs');
    await send('OptOutSpeaker');
    await send('DescribeSpeaker');
    await send('ListSpeakers');
    await send('DeleteSpeaker');

    await h.control.startSession({
      domainId: Domain.DomainId,
      sessionName: 'contact-1',
      audio: { wavBase64: synthesizeVoice({ voice: 'caller', seconds: 5 }).toString('base64') },
    });
    await send('EvaluateSession');
    await send('DeleteFraudster');
    await send('DeleteWatchlist');
    await send('DeleteDomain');
    expect([...called].sort()).toEqual(operationNames);
  });

  const cases: InvalidCase[] = [];
  for (const op of operationNames) {
    const inputShape = model.operations[op].input?.shape;
    if (inputShape) invalidValues(inputShape, '', (v) => (v ?? {}) as Record<string, Json>, op, cases);
  }

  it('generates constraint cases for every operation', () => {
    expect(new Set(cases.map((c) => c.op)).size).toBe(29);
    // Printed so the count can be reported.
    console.log(`conformance: ${operationNames.length} operations, ${cases.length} constraint cases`);
  });

  it.each(cases.map((c) => [`${c.op}: ${c.description}`, c] as const))('rejects %s', async (_name, c) => {
    const err = await h.voiceId.send(command(c.op, c.input)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VoiceId.ValidationException);
    expect((err as Error).message).toContain(`'${c.path}'`);
  });
});
