// A subscriber that does not read cannot slow the others or grow the server: its subscription
// keeps at most SUBSCRIPTION_BUFFER changes waiting (src/pubsub/bounded.ts). Past that, rather than
// drop changes it would never know it missed, its transport is told: graphql-ws closes the socket
// with CLOSE_TOO_SLOW (the SDK reconnects and resumes after its last cursor); over SSE, where no
// handler is set, the stream ends and the client subscribes again with `resumeAfter`.
import type { Context } from './context.ts';

/** Close code of a socket whose subscription fell SUBSCRIPTION_BUFFER changes behind. */
export const CLOSE_TOO_SLOW = 4420;

const TOO_SLOW = Symbol('herald.tooSlow');
type WithHandler = { [TOO_SLOW]?: () => void };

/** Lets the transport act when a subscription of this operation falls too far behind. */
export function onTooSlow<T extends object>(ctx: T, handler: () => void): T {
  (ctx as T & WithHandler)[TOO_SLOW] = handler;
  return ctx;
}

/** What a subscription calls once it fell too far behind (its stream has ended then). */
export function tooSlowHandlerOf(ctx: Context): () => void {
  return () => (ctx as Context & WithHandler)[TOO_SLOW]?.();
}
