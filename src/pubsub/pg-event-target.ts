// A Yoga event target over PostgreSQL LISTEN/NOTIFY, shaped like Yoga's Redis event target: a map
// of topic → listeners. One dedicated connection per process LISTENs on one fixed channel (no
// identifier quoting, no LISTEN churn per topic); the topic travels inside the payload. Writers
// NOTIFY inside their own transactions, so only committed changes are ever heard. After a lost
// connection (database restart, pg_terminate_backend) it reconnects with backoff and re-LISTENs.
import pg from 'pg';

export interface PgEventTarget extends EventTarget {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  /** True while a LISTEN is in place: false from a lost connection until the reconnect's LISTEN. */
  listening(): boolean;
  /** Listeners registered now: subscriptions open in this process (for /metrics and leak tests). */
  listenerCount(): number;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 5_000;

export function createPgEventTarget(options: {
  connectionString: string;
  channel: string;
  /** Which topic a payload belongs to. */
  topicOf: (payload: { kind?: unknown }) => string | null;
  log?: (line: string) => void;
}): PgEventTarget {
  const listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  let client: pg.Client | null = null;
  let closed = false;
  let backoff = 100;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const dispatch = (message: pg.Notification) => {
    if (message.channel !== options.channel || !message.payload) return;
    let payload: { kind?: unknown };
    try {
      payload = JSON.parse(message.payload) as { kind?: unknown };
    } catch {
      return;
    }
    const topic = options.topicOf(payload);
    const callbacks = topic ? listeners.get(topic) : undefined;
    if (!topic || !callbacks) return;
    const event = new CustomEvent(topic, { detail: payload });
    for (const callback of callbacks) {
      if (typeof callback === 'function') callback(event);
      else callback.handleEvent(event);
    }
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: options.connectionString, application_name: 'herald-listen' });
    next.on('notification', dispatch);
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client === next) client = null;
      if (!closed) setTimeout(() => void connect(), backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${options.channel}`);
      client = next;
      backoff = 100;
      resolveReady();
    } catch (error) {
      options.log?.(`listener could not connect: ${(error as Error).message}; retrying`);
      await next.end().catch(() => undefined);
    }
  };
  void connect();

  const target = new EventTarget() as PgEventTarget;
  target.addEventListener = (topic, callback) => {
    if (!callback) return;
    let set = listeners.get(topic);
    if (!set) listeners.set(topic, (set = new Set()));
    set.add(callback);
  };
  target.removeEventListener = (topic, callback) => {
    const set = listeners.get(topic);
    if (!set || !callback) return;
    set.delete(callback);
    if (set.size === 0) listeners.delete(topic);
  };
  // Notices are sent by their writers with NOTIFY inside the writing transaction (src/pubsub/notices.ts),
  // so only committed changes are heard; a dispatch from outside a transaction would break that.
  target.dispatchEvent = () => {
    throw new Error('changes are announced with notifyChanges() in the writing transaction, not dispatched');
  };
  target.ready = ready;
  target.listening = () => client !== null;
  target.listenerCount = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
  target.close = async () => {
    closed = true;
    listeners.clear();
    await client?.end().catch(() => undefined);
  };
  return target;
}
