// The change feed subscriptions listen to: typed notices (src/pubsub/notices.ts) read from the
// change log by every API process, woken by PostgreSQL NOTIFY.
import { CHANGES_CHANNEL, type ChangeTopic, type NoticeOf } from './notices.ts';
import { listen, SUBSCRIPTION_BUFFER } from './bounded.ts';
import { createPgEventTarget, type PgEventTarget } from './pg-event-target.ts';

export type { ChangeTopic } from './notices.ts';

export interface ChangeSource {
  /**
   * The notices of `topic` that `keep` accepts, heard from this call on (not from the first
   * `next()`); leaving (`return()`) stops listening. Past SUBSCRIPTION_BUFFER notices waiting to
   * be read, `overflow` is called and the stream ends (bounded.ts).
   */
  subscribe<T extends ChangeTopic>(topic: T, keep?: (notice: NoticeOf<T>) => boolean, overflow?: () => void): AsyncIterableIterator<NoticeOf<T>>;
}

export interface ChangeFeed {
  changes: ChangeSource;
  target: PgEventTarget;
  close(): Promise<void>;
}

export function changeSourceOf(target: EventTarget): ChangeSource {
  return { subscribe: (topic, keep, overflow) => listen(target, topic, keep, SUBSCRIPTION_BUFFER, overflow) };
}

/** An hour: HERALD_CHANGE_RETENTION's default. */
export const DEFAULT_CHANGE_RETENTION_MS = 3_600_000;

export function openChangeFeed(databaseUrl: string, log?: (line: string) => void, retentionMs = DEFAULT_CHANGE_RETENTION_MS): ChangeFeed {
  const target = createPgEventTarget({
    connectionString: databaseUrl,
    channel: CHANGES_CHANNEL,
    retentionMs,
    topicOf: (payload) => (payload.kind === 'delivery' || payload.kind === 'endpoint' ? payload.kind : null),
    ...(log ? { log } : {}),
  });
  return { changes: changeSourceOf(target), target, close: () => target.close() };
}
