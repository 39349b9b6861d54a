import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConflictException,
  CreateDomainCommand,
  CreateWatchlistCommand,
  DeleteWatchlistCommand,
  DescribeDomainCommand,
  InternalServerException,
  ListDomainsCommand,
  ListTagsForResourceCommand,
  ListWatchlistsCommand,
  ServiceQuotaExceededException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdateDomainCommand,
  UpdateWatchlistCommand,
  ValidationException,
  VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import { startEmulator } from '../../../local/emulator';
import { EmulatorControl, EmulatorControlError } from '../../../local/emulator/control-client';
import { startHarness, type Harness } from './support';

const sse = { KmsKeyId: 'key-1' };

describe('Voice ID emulator protocol, faults, quotas and control API', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ maxDomains: 20 });
  });
  afterEach(async () => {
    await h.control.clearFaults();
    await h.control.clearQuotas();
  });
  afterAll(async () => {
    await h.stop();
  });

  const post = (target: string | undefined, body: string, signed = true): Promise<Response> =>
    fetch(h.emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        ...(target ? { 'x-amz-target': target } : {}),
        ...(signed ? { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/voiceid/aws4_request, SignedHeaders=host, Signature=abc' } : {}),
      },
      body,
    });

  it('answers malformed JSON with SerializationException and keeps serving', async () => {
    const res = await post('VoiceID.ListDomains', '{"MaxResults": ');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await res.json()).toMatchObject({ __type: 'SerializationException' });
    const wrongType = await post('VoiceID.ListDomains', '{"MaxResults": "ten"}');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { __type: string }).__type).toBe('SerializationException');
    expect((await h.voiceId.send(new ListDomainsCommand({}))).$metadata.httpStatusCode).toBe(200);
  });

  it('answers an unknown target, a wrong path and an unsigned request without crashing', async () => {
    const unknown = await post('VoiceID.FlyToTheMoon', '{}');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect((await post(undefined, '{}')).status).toBe(400);
    expect((await fetch(`${h.emulator.url}/nowhere`)).status).toBe(404);
    expect((await fetch(h.emulator.url)).status).toBe(405);
    const unsigned = await post('VoiceID.ListDomains', '{}', false);
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });

  it('lets the SDK retry injected throttles: two throttles then success in three attempts', async () => {
    await h.control.injectFault({ operation: 'ListDomains', type: 'THROTTLING', count: 2 });
    const out = await h.client(3).send(new ListDomainsCommand({}));
    expect(out.$metadata.attempts).toBe(3);
  });

  it('injects internal errors, dropped connections and latency', async () => {
    await h.control.injectFault({ operation: '*', type: 'INTERNAL_ERROR', count: 1 });
    const err = await h.voiceId.send(new ListDomainsCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerException);
    expect((err as InternalServerException).$metadata.httpStatusCode).toBe(500);

    await h.control.injectFault({ operation: 'ListDomains', type: 'DROP_CONNECTION', count: 1 });
    const dropped = await h.client(2).send(new ListDomainsCommand({}));
    expect(dropped.$metadata.attempts).toBe(2);

    await h.control.injectFault({ operation: 'ListDomains', type: 'LATENCY', latencyMs: 150, count: 1 });
    const started = Date.now();
    await h.voiceId.send(new ListDomainsCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('enforces a TPS quota with ThrottlingException (HTTP 429 per the Smithy model)', async () => {
    await h.control.setQuota('ListDomains', 2);
    const results = await Promise.all(Array.from({ length: 5 }, () => h.voiceId.send(new ListDomainsCommand({})).then(() => 'ok', (e: unknown) => e)));
    const throttled = results.filter((r) => r instanceof ThrottlingException) as ThrottlingException[];
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    expect(throttled[0].$metadata.httpStatusCode).toBe(429);
  });

  it('makes CreateDomain and CreateWatchlist idempotent by ClientToken and paginates lists', async () => {
    const a = await h.voiceId.send(new CreateDomainCommand({ Name: 'idem', ServerSideEncryptionConfiguration: sse, ClientToken: 'same-token' }));
    const b = await h.voiceId.send(new CreateDomainCommand({ Name: 'idem', ServerSideEncryptionConfiguration: sse, ClientToken: 'same-token' }));
    expect(b.Domain!.DomainId).toBe(a.Domain!.DomainId);
    const domainId = a.Domain!.DomainId!;
    const w1 = await h.voiceId.send(new CreateWatchlistCommand({ DomainId: domainId, Name: 'w', ClientToken: 'wl-token' }));
    const w2 = await h.voiceId.send(new CreateWatchlistCommand({ DomainId: domainId, Name: 'w', ClientToken: 'wl-token' }));
    expect(w2.Watchlist!.WatchlistId).toBe(w1.Watchlist!.WatchlistId);

    for (let i = 0; i < 4; i++) await h.voiceId.send(new CreateDomainCommand({ Name: `page-${i}`, ServerSideEncryptionConfiguration: sse }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await h.voiceId.send(new ListDomainsCommand({ MaxResults: 2, NextToken: token }));
      expect(page.DomainSummaries!.length).toBeLessThanOrEqual(2);
      seen.push(...page.DomainSummaries!.map((d) => d.DomainId!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(pages).toBeGreaterThanOrEqual(3);
    await expect(h.voiceId.send(new ListDomainsCommand({ NextToken: 'garbage' }))).rejects.toBeInstanceOf(ValidationException);
    await expect(h.voiceId.send(new ListDomainsCommand({ MaxResults: 11 }))).rejects.toBeInstanceOf(ValidationException);
  });

  it('enforces watchlist rules: three per domain, default immutable, non-empty cannot be deleted', async () => {
    const { Domain } = await h.voiceId.send(new CreateDomainCommand({ Name: 'watchlists', ServerSideEncryptionConfiguration: sse }));
    const domainId = Domain!.DomainId!;
    const defaultId = Domain!.WatchlistDetails!.DefaultWatchlistId!;
    await h.voiceId.send(new CreateWatchlistCommand({ DomainId: domainId, Name: 'two' }));
    const third = await h.voiceId.send(new CreateWatchlistCommand({ DomainId: domainId, Name: 'three' }));
    await expect(h.voiceId.send(new CreateWatchlistCommand({ DomainId: domainId, Name: 'four' }))).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    const listed = await h.voiceId.send(new ListWatchlistsCommand({ DomainId: domainId }));
    expect(listed.WatchlistSummaries!.filter((w) => w.DefaultWatchlist).map((w) => w.WatchlistId)).toEqual([defaultId]);
    await expect(h.voiceId.send(new UpdateWatchlistCommand({ DomainId: domainId, WatchlistId: defaultId, Name: 'x' }))).rejects.toBeInstanceOf(ValidationException);
    await expect(h.voiceId.send(new DeleteWatchlistCommand({ DomainId: domainId, WatchlistId: defaultId }))).rejects.toBeInstanceOf(ValidationException);
    await h.voiceId.send(new DeleteWatchlistCommand({ DomainId: domainId, WatchlistId: third.Watchlist!.WatchlistId! }));
  });

  it('applies UpdateDomain clobber semantics and locks KMS changes while re-encrypting', async () => {
    const { Domain } = await h.voiceId.send(new CreateDomainCommand({ Name: 'clobber', Description: 'to be removed', ServerSideEncryptionConfiguration: sse }));
    const domainId = Domain!.DomainId!;
    const updated = await h.voiceId.send(new UpdateDomainCommand({ DomainId: domainId, Name: 'clobbered', ServerSideEncryptionConfiguration: { KmsKeyId: 'key-2' } }));
    expect(updated.Domain!.Description).toBeUndefined();
    expect(updated.Domain!.ServerSideEncryptionUpdateDetails).toEqual({ OldKmsKeyId: 'key-1', UpdateStatus: 'IN_PROGRESS' });
    const err = await h.voiceId.send(new UpdateDomainCommand({ DomainId: domainId, Name: 'clobbered', ServerSideEncryptionConfiguration: { KmsKeyId: 'key-3' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictException);
    expect((err as ConflictException).ConflictType).toBe('DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES');
    await h.control.advanceClock(120);
    const described = await h.voiceId.send(new DescribeDomainCommand({ DomainId: domainId }));
    expect(described.Domain!.ServerSideEncryptionUpdateDetails!.UpdateStatus).toBe('COMPLETED');
  });

  it('tags and untags domains by ARN', async () => {
    const { Domain } = await h.voiceId.send(new CreateDomainCommand({ Name: 'tags', ServerSideEncryptionConfiguration: sse, Tags: [{ Key: 'a', Value: '1' }] }));
    const arn = Domain!.Arn!;
    expect(arn).toBe(`arn:aws:voiceid:us-east-1:123456789012:domain/${Domain!.DomainId}`);
    await h.voiceId.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'b', Value: '2' }] }));
    await h.voiceId.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
    expect((await h.voiceId.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
  });

  it('answers bad control input with 400 naming the field', async () => {
    const bad = await fetch(`${h.emulator.url}/_control/sessions`, { method: 'POST', body: JSON.stringify({ domainId: 'short', sessionName: 'x', audio: {} }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; message: string };
    expect(body.error).toBe('BAD_REQUEST');
    expect(body.message).toMatch(/domainId/);
    const err = await h.control.injectFault({ operation: 'EvaluateSession', type: 'LATENCY' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulatorControlError);
    expect((err as EmulatorControlError).message).toMatch(/latencyMs/);
    await expect(h.control.setQuota('NotAnOperation', 5)).rejects.toThrow(/operation/);
    const clock = await fetch(`${h.emulator.url}/_control/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: -1 }) });
    expect(clock.status).toBe(400);
    expect(((await clock.json()) as { message: string }).message).toMatch(/advanceSeconds/);
    expect((await fetch(`${h.emulator.url}/_control/clock`, { method: 'POST', body: '{' })).status).toBe(400);
  });

  it('moves the clock and reports it', async () => {
    const before = await h.control.now();
    await h.control.advanceClock(90);
    expect((await h.control.now()).getTime() - before.getTime()).toBe(90_000);
    expect((await h.control.health()).status).toBe('ok');
  });
});

describe('emulator lifecycle', () => {
  it('enforces the domains-per-account quota (deleted domains do not count)', async () => {
    const emulator = await startEmulator({ maxDomains: 1 });
    const client = new VoiceIDClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      await client.send(new CreateDomainCommand({ Name: 'one', ServerSideEncryptionConfiguration: sse }));
      await expect(client.send(new CreateDomainCommand({ Name: 'two', ServerSideEncryptionConfiguration: sse }))).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  it('refuses a non-loopback host unless allowed', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/non-loopback/);
  });

  it('persists the world to a state file across a restart', async () => {
    const statePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voice-id-state-')), 'state.json');
    const first = await startEmulator({ statePath });
    const c1 = new VoiceIDClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { Domain } = await c1.send(new CreateDomainCommand({ Name: 'persisted', ServerSideEncryptionConfiguration: sse }));
    c1.destroy();
    await first.stop();
    const second = await startEmulator({ statePath });
    const c2 = new VoiceIDClient({ endpoint: second.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      const again = await c2.send(new DescribeDomainCommand({ DomainId: Domain!.DomainId! }));
      expect(again.Domain!.Name).toBe('persisted');
      await new EmulatorControl(second.url).reset();
      await expect(c2.send(new DescribeDomainCommand({ DomainId: Domain!.DomainId! }))).rejects.toThrow();
    } finally {
      c2.destroy();
      await second.stop();
      fs.rmSync(path.dirname(statePath), { recursive: true, force: true });
    }
  });
});
