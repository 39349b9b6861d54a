/**
 * What the Voice ID domain <-> Amazon Connect instance association custom resource does, as pure
 * decisions over a small port. CloudFormation has no `VOICE_ID` integration type, so a custom
 * resource calls Connect's integration-association APIs instead.
 *
 * Rules:
 *  - Connect allows ONE Voice ID domain per instance (a second association fails with 409).
 *  - Create: reuse an association of this domain if there is one (idempotent, e.g. after a retried
 *    create or an association made in the console); fail with a clear message if another domain is
 *    associated; otherwise create. The physical id is the IntegrationAssociationId.
 *  - Update: nothing to do when neither the instance nor the domain changed. Otherwise associate the
 *    new pair and return its id; CloudFormation then deletes the old physical id. When the domain
 *    changes on the same instance, the old association (ours, identified by the old physical id) is
 *    removed first, since the instance can hold only one.
 *  - Delete: disassociate; an association that is already gone counts as deleted.
 *
 * Pure module: no aws-lambda, no @aws-sdk, no process.
 */

/** One `VOICE_ID` integration association of an instance. */
export interface VoiceIdAssociation {
  /** IntegrationAssociationId. */
  readonly associationId: string;
  /** The Voice ID domain ARN (IntegrationArn). */
  readonly domainArn: string;
}

/** The Connect operations the custom resource needs (port; the SDK implementation lives in connect-associations.ts). */
export interface ConnectAssociations {
  /** The instance's `VOICE_ID` associations, every page. */
  list(instanceId: string): Promise<VoiceIdAssociation[]>;
  /**
   * Associates the domain; returns the new IntegrationAssociationId.
   * Throws {@link DuplicateAssociationError} when the instance already has a Voice ID domain.
   */
  create(instanceId: string, domainArn: string): Promise<string>;
  /** Disassociates; resolves `'not-found'` when the association does not exist (any more). */
  delete(instanceId: string, associationId: string): Promise<'deleted' | 'not-found'>;
}

/** The custom resource's properties, as the construct passes them. */
export interface AssociationProps {
  /** Connect instance id (the UUID at the end of the instance ARN). */
  readonly instanceId: string;
  /** `arn:<partition>:voiceid:<region>:<account>:domain/<domainId>`. */
  readonly domainArn: string;
}

export interface AssociationResult {
  /** IntegrationAssociationId, the custom resource's physical id. */
  readonly physicalResourceId: string;
  /** What was done, for the log. */
  readonly outcome: 'created' | 'reused' | 'unchanged' | 'replaced' | 'deleted' | 'already-deleted' | 'skipped';
}

/** The instance is already associated with a different Voice ID domain. */
export class AssociationConflictError extends Error {
  constructor(
    readonly instanceId: string,
    readonly existingDomainArn: string,
    readonly requestedDomainArn: string,
  ) {
    super(
      `Amazon Connect instance ${instanceId} is already associated with Voice ID domain ${existingDomainArn}; ` +
        `an instance can use only one Voice ID domain, so ${requestedDomainArn} cannot be associated. ` +
        'Disassociate the other domain (Connect console > Voice ID, or DeleteIntegrationAssociation) or use that domain.',
    );
    this.name = 'AssociationConflictError';
  }
}

/** Connect answered 409 DuplicateResourceException: someone associated a domain concurrently. */
export class DuplicateAssociationError extends Error {
  constructor(message = 'The instance already has a Voice ID integration association') {
    super(message);
    this.name = 'DuplicateAssociationError';
  }
}

/** Connect IntegrationAssociationIds are UUIDs; anything else was never ours (e.g. a failed create's placeholder id). */
export const ASSOCIATION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function onCreate(connect: ConnectAssociations, props: AssociationProps): Promise<AssociationResult> {
  return associate(connect, props, undefined);
}

export async function onUpdate(
  connect: ConnectAssociations,
  props: AssociationProps,
  oldProps: AssociationProps,
  physicalResourceId: string,
): Promise<AssociationResult> {
  if (props.instanceId === oldProps.instanceId && props.domainArn === oldProps.domainArn) {
    return { physicalResourceId, outcome: 'unchanged' };
  }
  // Same instance, new domain: our old association is the one in the way.
  const replaceable = props.instanceId === oldProps.instanceId ? physicalResourceId : undefined;
  return associate(connect, props, replaceable);
}

/**
 * Marks an association that existed before this stack (made in the console, or by another stack): the
 * stack uses it but never deletes it.
 */
export const REUSED_PREFIX = 'reused:';

/** The association id behind a physical id, whether this stack created the association or reuses it. */
export function associationIdOf(physicalResourceId: string): string {
  return physicalResourceId.startsWith(REUSED_PREFIX) ? physicalResourceId.slice(REUSED_PREFIX.length) : physicalResourceId;
}

export async function onDelete(connect: ConnectAssociations, props: AssociationProps, physicalResourceId: string): Promise<AssociationResult> {
  if (!ASSOCIATION_ID_PATTERN.test(physicalResourceId)) {
    // A reused association is not ours to delete; a create that failed leaves a physical id that is not an
    // association id: either way nothing to remove.
    return { physicalResourceId, outcome: 'skipped' };
  }
  const result = await connect.delete(props.instanceId, physicalResourceId);
  return { physicalResourceId, outcome: result === 'deleted' ? 'deleted' : 'already-deleted' };
}

async function associate(connect: ConnectAssociations, props: AssociationProps, replaceableAssociationId: string | undefined): Promise<AssociationResult> {
  const existing = await connect.list(props.instanceId);
  const same = existing.find((a) => a.domainArn === props.domainArn);
  if (same) return { physicalResourceId: `${REUSED_PREFIX}${same.associationId}`, outcome: 'reused' };

  let replaced = false;
  for (const other of existing) {
    if (other.associationId !== replaceableAssociationId) {
      throw new AssociationConflictError(props.instanceId, other.domainArn, props.domainArn);
    }
    await connect.delete(props.instanceId, other.associationId);
    replaced = true;
  }

  try {
    const associationId = await connect.create(props.instanceId, props.domainArn);
    return { physicalResourceId: associationId, outcome: replaced ? 'replaced' : 'created' };
  } catch (e: unknown) {
    if (!(e instanceof DuplicateAssociationError)) throw e;
    // Lost a race with another association: reuse it if it is this domain, else report the conflict.
    const now = await connect.list(props.instanceId);
    const winner = now.find((a) => a.domainArn === props.domainArn);
    if (winner) return { physicalResourceId: `${REUSED_PREFIX}${winner.associationId}`, outcome: 'reused' };
    throw new AssociationConflictError(props.instanceId, now[0]?.domainArn ?? 'unknown', props.domainArn);
  }
}
