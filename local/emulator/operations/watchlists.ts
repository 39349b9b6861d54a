import { byCreation, getDomain, getWatchlist, watchlistView, type OperationOutput, type ServiceContext } from '../context';
import { conflict, invalid, quotaExceeded } from '../errors';
import { newId22 } from '../ids';
import { paginate } from '../pagination';
import { QUOTAS } from '../quotas';

export function createWatchlist(
  ctx: ServiceContext,
  input: { DomainId: string; Name: string; Description?: string; ClientToken?: string },
): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const tokenKey = input.ClientToken ? `CreateWatchlist:${input.ClientToken}` : undefined;
  if (tokenKey && ds.watchlists[ds.clientTokens[tokenKey] ?? '']) {
    return { Watchlist: watchlistView(ds, ds.watchlists[ds.clientTokens[tokenKey]]) };
  }
  if (Object.keys(ds.watchlists).length >= QUOTAS.watchlistsPerDomain) {
    throw quotaExceeded(`A domain can have at most ${QUOTAS.watchlistsPerDomain} watchlists, including the default watchlist`);
  }
  const now = ctx.clock.now();
  const watchlistId = newId22();
  ds.watchlists[watchlistId] = { watchlistId, name: input.Name, description: input.Description, defaultWatchlist: false, createdAt: now, updatedAt: now };
  if (tokenKey) ds.clientTokens[tokenKey] = watchlistId;
  ctx.markDirty();
  return { Watchlist: watchlistView(ds, ds.watchlists[watchlistId]) };
}

export function describeWatchlist(ctx: ServiceContext, input: { DomainId: string; WatchlistId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  return { Watchlist: watchlistView(ds, getWatchlist(ds, input.WatchlistId)) };
}

/** Only the members given change. The default watchlist is managed by the service and cannot be changed. */
export function updateWatchlist(
  ctx: ServiceContext,
  input: { DomainId: string; WatchlistId: string; Name?: string; Description?: string },
): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const wl = getWatchlist(ds, input.WatchlistId);
  if (wl.defaultWatchlist) throw invalid('The default watchlist cannot be updated');
  if (input.Name !== undefined) wl.name = input.Name;
  if (input.Description !== undefined) wl.description = input.Description;
  wl.updatedAt = ctx.clock.now();
  ctx.markDirty();
  return { Watchlist: watchlistView(ds, wl) };
}

export function deleteWatchlist(ctx: ServiceContext, input: { DomainId: string; WatchlistId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const wl = getWatchlist(ds, input.WatchlistId);
  if (wl.defaultWatchlist) throw invalid('The default watchlist cannot be deleted');
  if (Object.values(ds.fraudsters).some((f) => f.watchlistIds.includes(wl.watchlistId))) {
    throw conflict('CANNOT_DELETE_NON_EMPTY_WATCHLIST', 'The watchlist still has fraudsters; disassociate or delete them first');
  }
  delete ds.watchlists[wl.watchlistId];
  ctx.markDirty();
  return {};
}

export function listWatchlists(ctx: ServiceContext, input: { DomainId: string; MaxResults?: number; NextToken?: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const all = Object.values(ds.watchlists).sort(byCreation((w) => w.watchlistId));
  const { page, nextToken } = paginate(all, `ListWatchlists:${ds.domain.domainId}`, input, 100);
  return { WatchlistSummaries: page.map((w) => watchlistView(ds, w)), NextToken: nextToken };
}
