import type { OperationOutput, ServiceContext } from '../context';
import { notFound } from '../errors';
import { invalid } from '../errors';
import type { DomainState, Tag } from '../world';
import { mergeTags } from './domains';

const MAX_TAGS = 200;

/** Only domains are taggable; the ARN must name this emulator's region and account. */
function domainByArn(ctx: ServiceContext, arn: string): DomainState {
  const m = /^arn:aws(-[^:]+)?:voiceid:([^:]+):([0-9]{12}):domain\/([a-zA-Z0-9]{22})$/.exec(arn);
  const ds = m && m[2] === ctx.config.region && m[3] === ctx.config.accountId ? ctx.world.domains[m[4]] : undefined;
  if (!ds) throw notFound('DOMAIN', `Resource ${arn} does not exist`);
  return ds;
}

export function listTagsForResource(ctx: ServiceContext, input: { ResourceArn: string }): OperationOutput {
  return { Tags: domainByArn(ctx, input.ResourceArn).domain.tags.map((t) => ({ ...t })) };
}

export function tagResource(ctx: ServiceContext, input: { ResourceArn: string; Tags: Tag[] }): OperationOutput {
  const d = domainByArn(ctx, input.ResourceArn).domain;
  const merged = mergeTags(d.tags, input.Tags);
  if (merged.length > MAX_TAGS) throw invalid(`A resource can have at most ${MAX_TAGS} tags`);
  d.tags = merged;
  ctx.markDirty();
  return {};
}

export function untagResource(ctx: ServiceContext, input: { ResourceArn: string; TagKeys: string[] }): OperationOutput {
  const d = domainByArn(ctx, input.ResourceArn).domain;
  d.tags = d.tags.filter((t) => !input.TagKeys.includes(t.Key));
  ctx.markDirty();
  return {};
}
