// Connection pages. Pothos would silently clamp `first: 500` to the maximum; Herald refuses it
// instead, so a client never mistakes a clamped page for the whole list. Cursors are checked
// before Prisma sees them: a malformed one would fail on the uuid column as a masked fault, and
// one naming another organization's row would page from its position (a cursor is a row id), so
// both answer the same BAD_USER_INPUT as a cursor of a row that no longer exists.
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null | undefined;
  last?: number | null | undefined;
  after?: string | null | undefined;
  before?: string | null | undefined;
}

/** Size and cursors; `cursorBelongs` says whether a row id is in the caller's list. */
export async function checkPage(args: PageArgs, cursorBelongs: (id: string) => Promise<boolean>): Promise<void> {
  assertPageSize(args);
  for (const name of ['after', 'before'] as const) {
    const cursor = args[name];
    if (cursor == null) continue;
    const id = idOfCursor(cursor);
    if (id === null || !(await cursorBelongs(id))) throw notACursor(name);
  }
}

function notACursor(name: string): GraphQLError {
  return new GraphQLError(`${name} is not a cursor of this list (take cursors from this list's pageInfo or edges; a deleted row's cursor ends its paging).`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/**
 * Pothos checks connection arguments before the resolver runs and refuses what it cannot use with
 * an error of its own, without a code: a cursor that is not one of its cursors (the input echoed),
 * or `before` with `first`. The error masker turns those into BAD_USER_INPUT, a refused cursor
 * with the same answer as every other refused cursor.
 */
export function connectionArgumentErrorFor(error: GraphQLError): GraphQLError | null {
  const original = error.originalError;
  if (original?.name !== 'PothosValidationError') return null;
  const refused = original.message.startsWith('Invalid cursor') ? notACursor('after/before') : null;
  return new GraphQLError(refused?.message ?? `${original.message}.`, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

export function assertPageSize(args: PageArgs): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`${name} must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
}

const CURSOR = /^GPC:S:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The row id in a cursor of Herald's connections (Pothos's base64 of `GPC:S:<uuid>`), or null. */
export function idOfCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9+/]{1,200}={0,2}$/.test(cursor)) return null;
  return CURSOR.exec(Buffer.from(cursor, 'base64').toString('latin1'))?.[1] ?? null;
}
