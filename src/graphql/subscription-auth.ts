import { GraphQLError } from 'graphql';
import { stillAuthorized } from '../api-keys/api-keys.ts';
import type { Context } from './context.ts';

/** For each subscription event: a key revoked since the subscription began gets no more data. */
export async function assertStillAuthorized(ctx: Context): Promise<void> {
  if (ctx.principal && (await stillAuthorized(ctx.db, ctx.principal.keyId))) return;
  throw new GraphQLError('This key was revoked.', { extensions: { code: 'UNAUTHENTICATED' } });
}
