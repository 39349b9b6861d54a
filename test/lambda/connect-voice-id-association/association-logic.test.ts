import {
  AssociationConflictError,
  type ConnectAssociations,
  DuplicateAssociationError,
  onCreate,
  onDelete,
  onUpdate,
  type VoiceIdAssociation,
} from '../../../lambda/connect-voice-id-association/association-logic';

const INSTANCE = '11111111-2222-3333-4444-555555555555';
const OTHER_INSTANCE = '99999999-2222-3333-4444-555555555555';
const DOMAIN = 'arn:aws:voiceid:eu-west-2:123456789012:domain/abcdefghijklmnopqrstuv';
const OTHER_DOMAIN = 'arn:aws:voiceid:eu-west-2:123456789012:domain/zyxwvutsrqponmlkjihgfe';

/** In-memory Connect: VOICE_ID associations per instance, with Connect's one-domain-per-instance rule. */
class FakeConnect implements ConnectAssociations {
  readonly byInstance = new Map<string, VoiceIdAssociation[]>();
  readonly calls: string[] = [];
  private next = 1;
  /** Simulates a concurrent association landing between list and create. */
  raceWith?: string;

  seed(instanceId: string, domainArn: string): string {
    const id = this.newId();
    this.byInstance.set(instanceId, [...(this.byInstance.get(instanceId) ?? []), { associationId: id, domainArn }]);
    return id;
  }

  async list(instanceId: string): Promise<VoiceIdAssociation[]> {
    this.calls.push(`list ${instanceId}`);
    return [...(this.byInstance.get(instanceId) ?? [])];
  }

  async create(instanceId: string, domainArn: string): Promise<string> {
    this.calls.push(`create ${instanceId} ${domainArn}`);
    if (this.raceWith) {
      this.seed(instanceId, this.raceWith);
      this.raceWith = undefined;
    }
    if ((this.byInstance.get(instanceId) ?? []).length > 0) throw new DuplicateAssociationError();
    return this.seed(instanceId, domainArn);
  }

  async delete(instanceId: string, associationId: string): Promise<'deleted' | 'not-found'> {
    this.calls.push(`delete ${instanceId} ${associationId}`);
    const list = this.byInstance.get(instanceId) ?? [];
    if (!list.some((a) => a.associationId === associationId)) return 'not-found';
    this.byInstance.set(instanceId, list.filter((a) => a.associationId !== associationId));
    return 'deleted';
  }

  private newId(): string {
    return `00000000-0000-0000-0000-${String(this.next++).padStart(12, '0')}`;
  }
}

describe('create', () => {
  test('associates the domain and returns the association id as the physical id', async () => {
    const connect = new FakeConnect();
    const result = await onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN });
    expect(result.outcome).toBe('created');
    expect(connect.byInstance.get(INSTANCE)).toEqual([{ associationId: result.physicalResourceId, domainArn: DOMAIN }]);
  });

  test('reuses an existing association of the same domain without creating another (idempotent)', async () => {
    const connect = new FakeConnect();
    const existing = connect.seed(INSTANCE, DOMAIN);
    const result = await onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN });
    expect(result).toEqual({ physicalResourceId: `reused:${existing}`, outcome: 'reused' });
    expect(connect.calls.filter((c) => c.startsWith('create'))).toEqual([]);
  });

  test('never deletes an association it reused: it existed before the stack', async () => {
    const connect = new FakeConnect();
    connect.seed(INSTANCE, DOMAIN);
    const { physicalResourceId } = await onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN });
    const result = await onDelete(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, physicalResourceId);
    expect(result.outcome).toBe('skipped');
    expect(connect.calls.filter((c) => c.startsWith('delete'))).toEqual([]);
  });

  test('fails with a clear message when another domain is associated, and leaves it alone', async () => {
    const connect = new FakeConnect();
    connect.seed(INSTANCE, OTHER_DOMAIN);
    const attempt = onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN });
    await expect(attempt).rejects.toThrow(AssociationConflictError);
    await expect(onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN })).rejects.toThrow(
      new RegExp(`already associated with Voice ID domain ${OTHER_DOMAIN}.*only one Voice ID domain`),
    );
    expect(connect.byInstance.get(INSTANCE)).toEqual([expect.objectContaining({ domainArn: OTHER_DOMAIN })]);
    expect(connect.calls.some((c) => c.startsWith('delete'))).toBe(false);
  });

  test('reuses the association when the same domain was associated concurrently', async () => {
    const connect = new FakeConnect();
    connect.raceWith = DOMAIN;
    const result = await onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN });
    expect(result.outcome).toBe('reused');
    expect(connect.byInstance.get(INSTANCE)).toHaveLength(1);
  });

  test('reports a conflict when another domain was associated concurrently', async () => {
    const connect = new FakeConnect();
    connect.raceWith = OTHER_DOMAIN;
    await expect(onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN })).rejects.toThrow(AssociationConflictError);
  });

  test('passes other Connect errors through', async () => {
    const connect = new FakeConnect();
    connect.create = async () => {
      throw new Error('AccessDeniedException');
    };
    await expect(onCreate(connect, { instanceId: INSTANCE, domainArn: DOMAIN })).rejects.toThrow('AccessDeniedException');
  });
});

describe('update', () => {
  test('does nothing when neither the instance nor the domain changed', async () => {
    const connect = new FakeConnect();
    const id = connect.seed(INSTANCE, DOMAIN);
    const props = { instanceId: INSTANCE, domainArn: DOMAIN };
    expect(await onUpdate(connect, props, props, id)).toEqual({ physicalResourceId: id, outcome: 'unchanged' });
    expect(connect.calls).toEqual([]);
  });

  test('a new instance gets a new association; the old one is left for CloudFormation to delete', async () => {
    const connect = new FakeConnect();
    const oldId = connect.seed(INSTANCE, DOMAIN);
    const result = await onUpdate(connect, { instanceId: OTHER_INSTANCE, domainArn: DOMAIN }, { instanceId: INSTANCE, domainArn: DOMAIN }, oldId);
    expect(result.outcome).toBe('created');
    expect(result.physicalResourceId).not.toBe(oldId);
    expect(connect.byInstance.get(INSTANCE)).toHaveLength(1);
    // CloudFormation then deletes the old physical id.
    expect(await onDelete(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, oldId)).toEqual({ physicalResourceId: oldId, outcome: 'deleted' });
  });

  test('a new domain on the same instance replaces our own association (one domain per instance)', async () => {
    const connect = new FakeConnect();
    const oldId = connect.seed(INSTANCE, DOMAIN);
    const result = await onUpdate(connect, { instanceId: INSTANCE, domainArn: OTHER_DOMAIN }, { instanceId: INSTANCE, domainArn: DOMAIN }, oldId);
    expect(result.outcome).toBe('replaced');
    expect(connect.byInstance.get(INSTANCE)).toEqual([{ associationId: result.physicalResourceId, domainArn: OTHER_DOMAIN }]);
    // The delete CloudFormation sends for the old id then finds nothing, which is fine.
    expect((await onDelete(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, oldId)).outcome).toBe('already-deleted');
  });

  test('a new domain on the same instance does not displace a domain someone else associated', async () => {
    const connect = new FakeConnect();
    connect.seed(INSTANCE, OTHER_DOMAIN);
    const ourOldId = '00000000-0000-0000-0000-00000000abcd';
    await expect(
      onUpdate(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, { instanceId: INSTANCE, domainArn: 'arn:aws:voiceid:eu-west-2:123456789012:domain/aaaaaaaaaaaaaaaaaaaaaa' }, ourOldId),
    ).rejects.toThrow(AssociationConflictError);
    expect(connect.byInstance.get(INSTANCE)).toEqual([expect.objectContaining({ domainArn: OTHER_DOMAIN })]);
  });
});

describe('delete', () => {
  test('disassociates the domain', async () => {
    const connect = new FakeConnect();
    const id = connect.seed(INSTANCE, DOMAIN);
    expect(await onDelete(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, id)).toEqual({ physicalResourceId: id, outcome: 'deleted' });
    expect(connect.byInstance.get(INSTANCE)).toEqual([]);
  });

  test('succeeds when the association is already gone', async () => {
    const connect = new FakeConnect();
    const result = await onDelete(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, '00000000-0000-0000-0000-000000000042');
    expect(result.outcome).toBe('already-deleted');
  });

  test('skips a physical id that is not an association id (left by a create that failed)', async () => {
    const connect = new FakeConnect();
    const result = await onDelete(connect, { instanceId: INSTANCE, domainArn: DOMAIN }, 'Test-ConnectVoiceIdAssociation-abc123');
    expect(result.outcome).toBe('skipped');
    expect(connect.calls).toEqual([]);
  });
});
