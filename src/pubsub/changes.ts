// The change feed subscriptions listen to: notices of ids (src/deliveries/notify.ts) carried by
// PostgreSQL NOTIFY to every API process.
import { CHANGES_CHANNEL, type ChangeNotice } from '../deliveries/notify.ts';
import { listen } from './bounded.ts';
import { createPgEventTarget, type PgEventTarget } from './pg-event-target.ts';

export type ChangeTopic = 'delivery' | 'endpoint';

export interface ChangeSource {
  /** The notices of `topic` that `keep` accepts, as they arrive; leaving (return) stops listening. */
  subscribe(topic: ChangeTopic, keep?: (notice: ChangeNotice) => boolean): AsyncIterable<ChangeNotice>;
}

export interface ChangeFeed {
  changes: ChangeSource;
  target: PgEventTarget;
  close(): Promise<void>;
}

export function changeSourceOf(target: EventTarget): ChangeSource {
  return { subscribe: (topic, keep) => listen(target, topic, keep) };
}

export function openChangeFeed(databaseUrl: string, log?: (line: string) => void): ChangeFeed {
  const target = createPgEventTarget({
    connectionString: databaseUrl,
    channel: CHANGES_CHANNEL,
    topicOf: (payload) => (payload.kind === 'delivery' || payload.kind === 'endpoint' ? payload.kind : null),
    ...(log ? { log } : {}),
  });
  return { changes: changeSourceOf(target), target, close: () => target.close() };
}
