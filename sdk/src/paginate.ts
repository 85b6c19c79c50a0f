// Walking a Relay connection page by page. Herald's lists are newest first; forward pages follow
// `endCursor` with `first`/`after`, backward pages follow `startCursor` with `last`/`before` and
// yield from the oldest item up.
import type { RequestOptions } from './transport.ts';

/** The variables the iterator sets itself. */
export type PageArguments = 'first' | 'after' | 'last' | 'before';

export interface PaginateOptions extends RequestOptions {
  /** Items per request, 1–100 (Herald's maximum). Default 50. */
  pageSize?: number;
  /** `forward` (default) starts at the first (newest) item; `backward` at the last (oldest). */
  direction?: 'forward' | 'backward';
}

interface Connection<TNode> {
  edges: ReadonlyArray<{ node: TNode }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

type Page = { first: number; after?: string } | { last: number; before?: string };

/** Every node of a connection; a page is requested only when the previous one is used up. */
export async function* paginate<TNode>(
  fetchPage: (page: Page, options: RequestOptions) => Promise<Connection<TNode>>,
  options: PaginateOptions = {},
): AsyncGenerator<TNode, void, undefined> {
  const { pageSize = 50, direction = 'forward', ...requestOptions } = options;
  const forward = direction === 'forward';
  let cursor: string | null = null;
  for (;;) {
    const page: Page = forward
      ? { first: pageSize, ...(cursor === null ? {} : { after: cursor }) }
      : { last: pageSize, ...(cursor === null ? {} : { before: cursor }) };
    const connection = await fetchPage(page, requestOptions);
    const edges = forward ? connection.edges : [...connection.edges].reverse();
    for (const edge of edges) yield edge.node;
    const more = forward ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    cursor = forward ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
    if (!more || cursor === null || edges.length === 0) return;
  }
}
