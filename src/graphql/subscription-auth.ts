import { GraphQLError } from 'graphql';
import type { Context } from './context.ts';

/** How often the keys holding sockets and SSE streams are looked at again, so an idle revoked subscription ends too. */
export const KEY_CHECK_MS = 5_000;

/** Called with the key's id when a subscription finds its key revoked. */
export type KeyRevokedHandler = (keyId: string) => void;

// A symbol, so nothing a client sends and no field of the context can stand in for it.
const KEY_REVOKED = Symbol('herald.keyRevoked');

type WithHandler = { [KEY_REVOKED]?: KeyRevokedHandler };

/**
 * Lets the transport act on a revocation: graphql-ws closes every socket of the key (4401), SSE
 * ends every stream of the key (sse-limits.ts), rather than send an error for each event that follows.
 */
export function onKeyRevoked<T extends object>(ctx: T, handler: KeyRevokedHandler): T {
  (ctx as T & WithHandler)[KEY_REVOKED] = handler;
  return ctx;
}

/** Whether a transport has taken charge of the operation's revocation (graphql-ws sets it before subscribing). */
export function hasKeyRevokedHandler(ctx: object): boolean {
  return (ctx as WithHandler)[KEY_REVOKED] !== undefined;
}

/** For each subscription event: a key revoked since the subscription began gets no more data. */
export async function assertStillAuthorized(ctx: Context): Promise<void> {
  if (ctx.principal && (await ctx.keyChecks.stillAuthorized(ctx.principal.keyId))) return;
  if (ctx.principal) (ctx as Context & WithHandler)[KEY_REVOKED]?.(ctx.principal.keyId);
  throw new GraphQLError('This key was revoked or has expired.', { extensions: { code: 'UNAUTHENTICATED' } });
}
