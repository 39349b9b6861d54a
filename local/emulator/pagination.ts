import { invalid } from './errors';

interface TokenBody {
  readonly l: string;
  readonly o: number;
}

/**
 * Offset pagination with opaque tokens bound to the list they came from, so a token from one list operation
 * is rejected by another, as the service does.
 */
export function paginate<T>(
  items: readonly T[],
  list: string,
  input: { readonly MaxResults?: number; readonly NextToken?: string },
  defaultMax: number,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (input.NextToken) {
    let body: TokenBody | undefined;
    try {
      body = JSON.parse(Buffer.from(input.NextToken, 'base64url').toString('utf8')) as TokenBody;
    } catch {
      body = undefined;
    }
    if (!body || body.l !== list || !Number.isInteger(body.o) || body.o < 0) throw invalid('The NextToken is invalid');
    offset = body.o;
  }
  const max = input.MaxResults ?? defaultMax;
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return {
    page,
    nextToken: next < items.length ? Buffer.from(JSON.stringify({ l: list, o: next } satisfies TokenBody)).toString('base64url') : undefined,
  };
}
