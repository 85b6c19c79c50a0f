// The change feed subscriptions listen to: notices of ids (src/deliveries/notify.ts) carried by
// PostgreSQL NOTIFY to every API process.
import { createPubSub } from 'graphql-yoga';
import { CHANGES_CHANNEL, type ChangeNotice } from '../deliveries/notify.ts';
import { createPgEventTarget, type PgEventTarget } from './pg-event-target.ts';

export type ChangesPubSub = ReturnType<typeof createPubSub<{ delivery: [notice: ChangeNotice]; endpoint: [notice: ChangeNotice] }>>;

export interface ChangeFeed {
  pubSub: ChangesPubSub;
  target: PgEventTarget;
  close(): Promise<void>;
}

export function openChangeFeed(databaseUrl: string, log?: (line: string) => void): ChangeFeed {
  const target = createPgEventTarget({
    connectionString: databaseUrl,
    channel: CHANGES_CHANNEL,
    topicOf: (payload) => (payload.kind === 'delivery' || payload.kind === 'endpoint' ? payload.kind : null),
    ...(log ? { log } : {}),
  });
  const pubSub = createPubSub<{ delivery: [notice: ChangeNotice]; endpoint: [notice: ChangeNotice] }>({ eventTarget: target });
  return { pubSub, target, close: () => target.close() };
}
