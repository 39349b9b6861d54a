import { byCreation, fraudsterView, getDomain, getFraudster, getWatchlist, type OperationOutput, type ServiceContext } from '../context';
import { conflict, quotaExceeded } from '../errors';
import { paginate } from '../pagination';
import { QUOTAS } from '../quotas';
import type { DomainState } from '../world';

export function fraudstersInWatchlist(ds: DomainState, watchlistId: string): number {
  return Object.values(ds.fraudsters).filter((f) => f.watchlistIds.includes(watchlistId)).length;
}

export function describeFraudster(ctx: ServiceContext, input: { DomainId: string; FraudsterId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  return { Fraudster: fraudsterView(ds, getFraudster(ds, input.FraudsterId)) };
}

export function deleteFraudster(ctx: ServiceContext, input: { DomainId: string; FraudsterId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  delete ds.fraudsters[getFraudster(ds, input.FraudsterId).generatedFraudsterId];
  ctx.markDirty();
  return {};
}

export function listFraudsters(
  ctx: ServiceContext,
  input: { DomainId: string; WatchlistId?: string; MaxResults?: number; NextToken?: string },
): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  if (input.WatchlistId) getWatchlist(ds, input.WatchlistId);
  const all = Object.values(ds.fraudsters)
    .filter((f) => !input.WatchlistId || f.watchlistIds.includes(input.WatchlistId))
    .sort(byCreation((f) => f.generatedFraudsterId));
  const { page, nextToken } = paginate(all, `ListFraudsters:${ds.domain.domainId}:${input.WatchlistId ?? ''}`, input, 100);
  return { FraudsterSummaries: page.map((f) => fraudsterView(ds, f)), NextToken: nextToken };
}

/** Associating a fraudster already on the watchlist is a no-op. */
export function associateFraudster(ctx: ServiceContext, input: { DomainId: string; FraudsterId: string; WatchlistId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const wl = getWatchlist(ds, input.WatchlistId);
  const f = getFraudster(ds, input.FraudsterId);
  if (!f.watchlistIds.includes(wl.watchlistId)) {
    if (fraudstersInWatchlist(ds, wl.watchlistId) >= QUOTAS.fraudstersPerWatchlist) {
      throw quotaExceeded(`A watchlist can hold at most ${QUOTAS.fraudstersPerWatchlist} fraudsters`);
    }
    f.watchlistIds.push(wl.watchlistId);
    ctx.markDirty();
  }
  return { Fraudster: fraudsterView(ds, f) };
}

/** A fraudster must stay on at least one watchlist; removing it from one it is not on is a no-op. */
export function disassociateFraudster(ctx: ServiceContext, input: { DomainId: string; FraudsterId: string; WatchlistId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const wl = getWatchlist(ds, input.WatchlistId);
  const f = getFraudster(ds, input.FraudsterId);
  if (f.watchlistIds.includes(wl.watchlistId)) {
    if (f.watchlistIds.length === 1) {
      throw conflict('FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST', 'A fraudster must belong to at least one watchlist');
    }
    f.watchlistIds = f.watchlistIds.filter((id) => id !== wl.watchlistId);
    ctx.markDirty();
  }
  return { Fraudster: fraudsterView(ds, f) };
}
