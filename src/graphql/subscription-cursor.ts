// Cursors of live subscriptions (docs/subscriptions.md, "Resuming"): each item of deliveryUpdated
// and endpointUpdated carries `extensions.herald.cursor`, the place of its change in the change log
// (src/pubsub/cursor.ts), and `resumeAfter: <cursor>` starts the subscription with every change
// after it. An envelop hook, so graphql-ws and SSE both have it.
//
// The item's cursor travels from its source event to its result through the operation's context:
// graphql-js executes a subscription's events one at a time, each after the previous result was
// taken, so the cursor set when the source yields is the one of the result that follows.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { LogKey } from '../pubsub/change-log.ts';
import { cursorKeyOf, openCursor, sealCursor } from '../pubsub/cursor.ts';
import type { ChangeNotice, ChangeTopic } from '../pubsub/notices.ts';
import type { Context } from './context.ts';

/** The error code of a cursor older than HERALD_CHANGE_RETENTION: list the current state again, then subscribe without resumeAfter. */
export const CURSOR_EXPIRED = 'CURSOR_EXPIRED';

const itemCursors = new WeakMap<object, string>();
const cursorKeys = new WeakMap<object, Buffer[]>();
/** One seal per change and process: every subscriber of the organization gets the same cursor. */
const sealedOf = new WeakMap<ChangeNotice, string>();

function keysOf(ctx: Context): Buffer[] {
  let keys = cursorKeys.get(ctx.encryptionKeys);
  if (!keys) cursorKeys.set(ctx.encryptionKeys, (keys = ctx.encryptionKeys.map((key) => cursorKeyOf(key.key))));
  return keys;
}

function cursorOf(ctx: Context, notice: ChangeNotice): string {
  let cursor = sealedOf.get(notice);
  if (cursor === undefined) {
    cursor = sealCursor(
      { organizationId: notice.organizationId, kind: notice.kind, xid: BigInt(notice.xid), position: BigInt(notice.position), atMs: Date.parse(notice.at) },
      keysOf(ctx)[0]!,
    );
    sealedOf.set(notice, cursor);
  }
  return cursor;
}

/**
 * The place `resumeAfter` names for this subscription, or null when none was given. A cursor that
 * does not open, or is of another organization or subscription, is BAD_USER_INPUT (one message for
 * all, so it tells nothing); one past the window is CURSOR_EXPIRED.
 */
export function resumePlace(ctx: Context, organizationId: string, kind: ChangeTopic, resumeAfter: string | null | undefined, now = Date.now()): LogKey | null {
  if (resumeAfter == null) return null;
  const place = openCursor(resumeAfter, keysOf(ctx));
  if (!place || place.organizationId !== organizationId || place.kind !== kind) {
    throw new GraphQLError('resumeAfter is not a cursor of this subscription: give one from an item of it, or subscribe without resumeAfter.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (place.atMs < now - ctx.config.changeRetentionMs) {
    throw new GraphQLError(
      'This cursor is older than the changes Herald keeps (HERALD_CHANGE_RETENTION): read the current state with a query, then subscribe without resumeAfter.',
      { extensions: { code: CURSOR_EXPIRED } },
    );
  }
  return { xid: place.xid, position: place.position };
}

/** `notices`, each setting the cursor of the result it becomes. */
export function withItemCursors<T extends ChangeNotice>(ctx: Context, notices: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const step = await notices.next();
      if (!step.done) itemCursors.set(ctx, cursorOf(ctx, step.value));
      return step;
    },
    return: () => (notices.return ? notices.return() : Promise.resolve({ done: true, value: undefined })),
    throw: (error: unknown) => (notices.throw ? notices.throw(error) : Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export function useItemCursors(): Plugin {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue as object;
      return {
        onSubscribeResult() {
          return {
            onNext({ result, setResult }) {
              const cursor = itemCursors.get(ctx);
              // The acknowledgement (subscription-ready.ts) is no item and carries none.
              if (cursor === undefined || !('data' in result || 'errors' in result)) return;
              const extensions = (result.extensions ?? {}) as ExecutionResult['extensions'] & { herald?: Record<string, unknown> };
              setResult({ ...result, extensions: { ...extensions, herald: { ...extensions?.herald, cursor } } });
            },
          };
        },
      };
    },
  };
}
