import { byCreation, findSpeaker, getDomain, speakerView, type OperationOutput, type ServiceContext } from '../context';
import { notFound, quotaExceeded } from '../errors';
import { newGeneratedId } from '../ids';
import { paginate } from '../pagination';
import { QUOTAS } from '../quotas';

export function describeSpeaker(ctx: ServiceContext, input: { DomainId: string; SpeakerId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const s = findSpeaker(ds, input.SpeakerId);
  if (!s) throw notFound('SPEAKER', 'Speaker does not exist');
  return { Speaker: speakerView(ds, s) };
}

/** Deleting removes the voiceprint at once (the service removes audio within 24 h; here both go together). */
export function deleteSpeaker(ctx: ServiceContext, input: { DomainId: string; SpeakerId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const s = findSpeaker(ds, input.SpeakerId);
  if (!s) throw notFound('SPEAKER', 'Speaker does not exist');
  delete ds.speakers[s.generatedSpeakerId];
  ctx.markDirty();
  return {};
}

/**
 * Opting out deletes the voiceprint and blocks future enrollment. It works for speakers Voice ID has never
 * seen: a CustomerSpeakerId gets a new OPTED_OUT record (an unknown GeneratedSpeakerId cannot, so it is 404).
 */
export function optOutSpeaker(ctx: ServiceContext, input: { DomainId: string; SpeakerId: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const now = ctx.clock.now();
  let s = findSpeaker(ds, input.SpeakerId);
  if (!s) {
    if (input.SpeakerId.startsWith('id#')) throw notFound('SPEAKER', 'Speaker does not exist');
    if (Object.keys(ds.speakers).length >= QUOTAS.speakersPerDomain) {
      throw quotaExceeded(`The domain already has ${QUOTAS.speakersPerDomain} speakers`);
    }
    s = { generatedSpeakerId: newGeneratedId(), customerSpeakerId: input.SpeakerId, status: 'OPTED_OUT', createdAt: now, updatedAt: now, voiceprint: [] };
    ds.speakers[s.generatedSpeakerId] = s;
  } else {
    s.status = 'OPTED_OUT';
    s.voiceprint = [];
    s.updatedAt = now;
  }
  ctx.markDirty();
  return { Speaker: speakerView(ds, s) };
}

export function listSpeakers(ctx: ServiceContext, input: { DomainId: string; MaxResults?: number; NextToken?: string }): OperationOutput {
  const ds = getDomain(ctx, input.DomainId);
  const all = Object.values(ds.speakers).sort(byCreation((s) => s.generatedSpeakerId));
  const { page, nextToken } = paginate(all, `ListSpeakers:${ds.domain.domainId}`, input, 100);
  return { SpeakerSummaries: page.map((s) => speakerView(ds, s)), NextToken: nextToken };
}
