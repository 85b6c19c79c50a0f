// Connection page sizes. Pothos would silently clamp `first: 500` to the maximum; Herald refuses
// it instead, so a client never mistakes a clamped page for the whole list.
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 100;

export function assertPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`${name} must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
}
