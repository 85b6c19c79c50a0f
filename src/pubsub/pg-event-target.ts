// A Yoga event target over the change log (change-log.ts), shaped like Yoga's Redis event target: a
// map of topic → listeners. One dedicated connection per process LISTENs on one fixed channel (no
// identifier quoting, no LISTEN churn per topic) and reads the log: a NOTIFY (sent by writers in
// their own transactions, so only at commit) only wakes the reader, which hands every listener the
// rows that became readable, in log order, each row read once per process whatever the number of
// subscribers. After a lost connection (database restart, pg_terminate_backend) it reconnects
// with backoff, re-LISTENs and reads on from where it was, so nothing written meanwhile is missed.
import pg from 'pg';
import { keyOf, pruneChangeLog, readAfter, stableHead, type LogKey } from './change-log.ts';

export interface PgEventTarget extends EventTarget {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  /** True while a LISTEN is in place: false from a lost connection until the reconnect's LISTEN. */
  listening(): boolean;
  /** Listeners registered now: subscriptions open in this process (for /metrics and leak tests). */
  listenerCount(): number;
  /** The last log row handed to listeners (null before the first LISTEN). */
  position(): LogKey | null;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 5_000;
/** Rows read per query. */
const PAGE = 500;
/** A look at the log even with no NOTIFY: transactions that write no change also hold the horizon back. */
const POLL_MS = 1_000;
/** The first wait before reading again for a change heard but not yet below the horizon; doubles up to POLL_MS. */
const HELD_BACK_RETRY_MS = 5;
const PRUNE_EVERY_MS = 60_000;

export function createPgEventTarget(options: {
  connectionString: string;
  channel: string;
  /** Which topic a payload belongs to. */
  topicOf: (payload: { kind?: unknown }) => string | null;
  /** How long the log keeps rows (HERALD_CHANGE_RETENTION). */
  retentionMs: number;
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

  const dispatch = (payload: { kind?: unknown }) => {
    const topic = options.topicOf(payload);
    const callbacks = topic ? listeners.get(topic) : undefined;
    if (!topic || !callbacks) return;
    const event = new CustomEvent(topic, { detail: payload });
    for (const callback of [...callbacks]) {
      if (typeof callback === 'function') callback(event);
      else callback.handleEvent(event);
    }
  };

  // The reader: one drain at a time; a wake during a drain runs another after it.
  let last: LogKey | null = null;
  /** The newest transaction a NOTIFY named: while above `last`, a change is committed but not yet readable. */
  let heard = 0n;
  let draining = false;
  let wakeAgain = false;
  let retryMs = HELD_BACK_RETRY_MS;
  let retry: NodeJS.Timeout | null = null;
  let lastPrune = 0;

  const wake = (): void => {
    if (draining) {
      wakeAgain = true;
      return;
    }
    void drain();
  };
  const drain = async (): Promise<void> => {
    draining = true;
    try {
      do {
        wakeAgain = false;
        const reader = client;
        if (!reader || last === null) break;
        for (;;) {
          const rows = await readAfter(reader, last, PAGE);
          for (const row of rows) {
            last = keyOf(row);
            dispatch(row);
          }
          if (rows.length < PAGE) break;
        }
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneChangeLog(reader, options.retentionMs);
        }
      } while (wakeAgain && !closed);
    } catch (error) {
      // A lost connection: the reconnect wakes the reader again. Closing cuts a read short too, and
      // that is no failure to report (a process that could not start printed it beside its one line).
      if (!closed) options.log?.(`change log read failed: ${(error as Error).message}`);
    } finally {
      draining = false;
    }
    if (retry || closed) return;
    if (last !== null && heard > last.xid) {
      retry = setTimeout(() => {
        retry = null;
        wake();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, POLL_MS);
    } else retryMs = HELD_BACK_RETRY_MS;
  };
  const onNotification = (message: pg.Notification) => {
    if (message.channel !== options.channel || !message.payload) return;
    if (/^\d+$/.test(message.payload)) {
      const xid = BigInt(message.payload);
      if (xid > heard) heard = xid;
    }
    wake();
  };
  const poll = setInterval(wake, POLL_MS);
  poll.unref();

  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: options.connectionString, application_name: 'herald-listen' });
    next.on('notification', onNotification);
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client === next) client = null;
      if (!closed) setTimeout(() => void connect(), backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${options.channel}`);
      // Listening before reading the head: a change committed between the two is read, not lost.
      if (last === null) last = await stableHead(next);
      client = next;
      backoff = 100;
      resolveReady();
      wake();
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
  // Notices are logged by their writers inside the writing transaction (src/pubsub/notices.ts), so
  // only committed changes are heard; a dispatch from outside a transaction would break that.
  target.dispatchEvent = () => {
    throw new Error('changes are announced with notifyChanges() in the writing transaction, not dispatched');
  };
  target.ready = ready;
  target.listening = () => client !== null;
  target.listenerCount = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
  target.position = () => last;
  target.close = async () => {
    closed = true;
    clearInterval(poll);
    if (retry) clearTimeout(retry);
    listeners.clear();
    await client?.end().catch(() => undefined);
  };
  return target;
}
