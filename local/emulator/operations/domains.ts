import { byCreation, domainArn, domainView, getDomain, type OperationOutput, type ServiceContext } from '../context';
import { conflict, quotaExceeded } from '../errors';
import { newId22 } from '../ids';
import { TIMING } from '../quotas';
import type { DomainState, Tag } from '../world';
import { paginate } from '../pagination';

interface CreateDomainInput {
  ClientToken?: string;
  Description?: string;
  Name: string;
  ServerSideEncryptionConfiguration: { KmsKeyId: string };
  Tags?: Tag[];
}

/** Later duplicates of a tag key win, as when tags are applied one by one. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) map.set(t.Key, t.Value);
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

export function createDomain(ctx: ServiceContext, input: CreateDomainInput): OperationOutput {
  if (input.ClientToken) {
    const existing = ctx.world.domains[ctx.world.domainClientTokens[input.ClientToken] ?? ''];
    if (existing) return { Domain: domainView(ctx, existing) };
  }
  // Deleted domains are not counted: the emulator forgets them at once instead of keeping a 30-day soft delete.
  if (Object.keys(ctx.world.domains).length >= ctx.config.maxDomains) {
    throw quotaExceeded(`The account already has ${ctx.config.maxDomains} domains, the maximum allowed`);
  }
  const now = ctx.clock.now();
  const domainId = newId22();
  const defaultWatchlistId = newId22();
  const ds: DomainState = {
    domain: {
      domainId,
      arn: domainArn(ctx.config, domainId),
      name: input.Name,
      description: input.Description,
      kmsKeyId: input.ServerSideEncryptionConfiguration.KmsKeyId,
      createdAt: now,
      updatedAt: now,
      defaultWatchlistId,
      tags: mergeTags([], input.Tags ?? []),
    },
    speakers: {},
    fraudsters: {},
    watchlists: {
      [defaultWatchlistId]: { watchlistId: defaultWatchlistId, name: 'Default', description: 'Default watchlist', defaultWatchlist: true, createdAt: now, updatedAt: now },
    },
    jobs: {},
    sessions: {},
    clientTokens: {},
  };
  ctx.world.domains[domainId] = ds;
  if (input.ClientToken) ctx.world.domainClientTokens[input.ClientToken] = domainId;
  ctx.markDirty();
  return { Domain: domainView(ctx, ds) };
}

export function describeDomain(ctx: ServiceContext, input: { DomainId: string }): OperationOutput {
  return { Domain: domainView(ctx, getDomain(ctx, input.DomainId)) };
}

interface UpdateDomainInput {
  DomainId: string;
  Name: string;
  Description?: string;
  ServerSideEncryptionConfiguration: { KmsKeyId: string };
}

/** UpdateDomain replaces every attribute ("clobber"): an omitted Description is removed. */
export function updateDomain(ctx: ServiceContext, input: UpdateDomainInput): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const d = ds.domain;
  const now = ctx.clock.now();
  const newKey = input.ServerSideEncryptionConfiguration.KmsKeyId;
  if (newKey !== d.kmsKeyId) {
    if (d.sseUpdate && now < d.sseUpdate.completesAt) {
      throw conflict('DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES', 'The domain is re-encrypting with a new KMS key; try again when the update has completed');
    }
    d.sseUpdate = { oldKmsKeyId: d.kmsKeyId, completesAt: now + TIMING.kmsReencryptionMs };
    d.kmsKeyId = newKey;
  }
  d.name = input.Name;
  d.description = input.Description;
  d.updatedAt = now;
  ctx.markDirty();
  return { Domain: domainView(ctx, ds) };
}

export function deleteDomain(ctx: ServiceContext, input: { DomainId: string }): OperationOutput {
  getDomain(ctx, input.DomainId);
  delete ctx.world.domains[input.DomainId];
  for (const [token, id] of Object.entries(ctx.world.domainClientTokens)) {
    if (id === input.DomainId) delete ctx.world.domainClientTokens[token];
  }
  ctx.markDirty();
  return {};
}

export function listDomains(ctx: ServiceContext, input: { MaxResults?: number; NextToken?: string }): OperationOutput {
  const all = Object.values(ctx.world.domains).sort((a, b) => byCreation<{ createdAt: number; id: string }>((x) => x.id)(
    { createdAt: a.domain.createdAt, id: a.domain.domainId },
    { createdAt: b.domain.createdAt, id: b.domain.domainId },
  ));
  const { page, nextToken } = paginate(all, 'ListDomains', input, 10);
  return { DomainSummaries: page.map((ds) => domainView(ctx, ds)), NextToken: nextToken };
}
