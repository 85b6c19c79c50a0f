// Change notices for live subscriptions, one typed shape per topic on one channel. Each carries the
// state its row reached at the transition it announces, so a subscriber that re-reads the row
// later (when it may have moved on) still shows every transition, each as one consistent snapshot.
// Other data (attempts, names, URLs) is re-read with the subscriber's own key, scoped to its
// organization. Written to the change log inside the writer's transaction (src/pubsub/change-log.ts),
// so only committed changes are heard; a NOTIFY in the same transaction wakes every API's reader.
import { Prisma, type Delivery, type Endpoint } from '../generated/prisma/client.ts';
import type { DeliveryStatus, DisabledReason } from '../generated/prisma/enums.ts';
import { checkedQuery, executeSql, sqlTypes, type SqlClient } from '../db/checked-sql.ts';
import type { Db, Tx } from '../db/prisma.ts';
import { parseXactSnapshot, type XactSnapshot } from './current-first.ts';

export const CHANGES_CHANNEL = 'herald_changes';

/**
 * NOTIFY payloads are capped at 8000 bytes. Everything in a notice is bounded but the last error;
 * cut there, even 1,000 characters JSON-escaped to 6 bytes each stay well under the cap.
 */
export const NOTICE_LAST_ERROR_CHARS = 1_000;

/** The scalar state of a delivery, as every writer has it after its write. */
export interface DeliveryState {
  id: string;
  organizationId: string;
  endpointId: string;
  eventId: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  completedAt: Date | string | null;
}

export interface DeliveryNotice {
  kind: 'delivery';
  id: string;
  organizationId: string;
  endpointId: string;
  eventId: string;
  status: DeliveryStatus;
  /** Attempts are immutable once recorded: the ones numbered up to this are the transition's. */
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  /** At most NOTICE_LAST_ERROR_CHARS; `lastErrorCut` says the row holds more. */
  lastError: string | null;
  lastErrorCut: boolean;
  completedAt: string | null;
  /**
   * The writer's transaction id (xid8, as text), stamped by the change log: whether a read's
   * snapshot already saw this transition (src/pubsub/current-first.ts). For a state read, not
   * written (`currentDeliveryNotices`), the read's horizon: see READ_HORIZON_POSITION.
   */
  xid: string;
  /** The change log's row (bigint, as text); with `xid`, the notice's place in the log. */
  position: string;
  /** When it was logged (ISO 8601): a cursor of it expires HERALD_CHANGE_RETENTION later. */
  at: string;
}

export interface EndpointState {
  id: string;
  organizationId: string;
  active: boolean;
  disabledReason: DisabledReason | null;
  consecutiveFailures: number;
  /** When it was paused (pauseEndpoint), ISO; null when not paused. */
  pausedAt: Date | string | null;
}

export interface EndpointNotice extends EndpointState {
  kind: 'endpoint';
  xid: string;
  position: string;
  at: string;
}

export type ChangeNotice = DeliveryNotice | EndpointNotice;
export type ChangeTopic = ChangeNotice['kind'];
/** The notice of `topic`. */
export type NoticeOf<T extends ChangeTopic> = Extract<ChangeNotice, { kind: T }>;
/** What a writer sends: the log's place and time are the database's to add. */
export type Unsent<N extends ChangeNotice> = Omit<N, 'xid' | 'position' | 'at'>;

export function deliveryNotice(state: DeliveryState): Unsent<DeliveryNotice> {
  const lastErrorCut = state.lastError !== null && state.lastError.length > NOTICE_LAST_ERROR_CHARS;
  return {
    kind: 'delivery',
    id: state.id,
    organizationId: state.organizationId,
    endpointId: state.endpointId,
    eventId: state.eventId,
    status: state.status,
    attemptCount: state.attemptCount,
    nextAttemptAt: isoOrNull(state.nextAttemptAt),
    lastStatusCode: state.lastStatusCode,
    lastError: lastErrorCut ? state.lastError!.slice(0, NOTICE_LAST_ERROR_CHARS) : state.lastError,
    lastErrorCut,
    completedAt: isoOrNull(state.completedAt),
  };
}

export function endpointNotice(state: EndpointState): Unsent<EndpointNotice> {
  return {
    kind: 'endpoint',
    id: state.id,
    organizationId: state.organizationId,
    active: state.active,
    disabledReason: state.disabledReason,
    consecutiveFailures: state.consecutiveFailures,
    pausedAt: isoOrNull(state.pausedAt),
  };
}

/**
 * For raw writers: `RETURNING ${DELIVERY_STATE}` gives a `state` column that `deliveryNotice`
 * takes, read from the row as the statement left it. The table must be aliased `d`.
 */
export const DELIVERY_STATE = Prisma.sql`json_build_object(
  'id', d.id, 'organizationId', d.organization_id, 'endpointId', d.endpoint_id, 'eventId', d.event_id,
  'status', d.status, 'attemptCount', d.attempt_count, 'nextAttemptAt', d.next_attempt_at,
  'lastStatusCode', d.last_status_code, 'lastError', d.last_error, 'completedAt', d.completed_at) AS state`;

export async function notifyChange(tx: SqlClient, notice: Unsent<ChangeNotice>): Promise<void> {
  await notifyChanges(tx, [notice]);
}

/**
 * Many notices in one statement (a batch of attempts): logged in the given order, then one NOTIFY
 * naming the transaction (NOTIFY folds identical payloads of one transaction into one).
 */
export async function notifyChanges(tx: SqlClient, notices: ReadonlyArray<Unsent<ChangeNotice>>): Promise<void> {
  if (notices.length === 0) return;
  // One JSON array, not a text[]: an array parameter is escaped element by element in JavaScript.
  // A data-modifying CTE runs to completion whether or not the outer SELECT reads it.
  await executeSql(tx, Prisma.sql`
    WITH logged AS (
      INSERT INTO change_log (organization_id, kind, notice)
      SELECT (payload->>'organizationId')::uuid, payload->>'kind', payload
        FROM jsonb_array_elements(${JSON.stringify(notices)}::jsonb) WITH ORDINALITY AS batch(payload, n)
       ORDER BY n)
    SELECT pg_notify(${CHANGES_CHANNEL}, pg_current_xact_id()::text)`);
}

/** The largest bigint: a state item's place sorts after every row of its transaction id. */
export const READ_HORIZON_POSITION = '9223372036854775807';

export const CURRENT_SNAPSHOT = checkedQuery({
  name: 'current snapshot',
  columns: { snapshot: sqlTypes.text },
  sample: {},
  sql: () => Prisma.sql`SELECT pg_current_snapshot()::text AS snapshot`,
});

/**
 * The matching deliveries' state now, as notices, with the snapshot it was read under: a
 * subscription starts with these, then hears only what the snapshot had not seen.
 */
export async function currentDeliveryNotices(db: Db, where: Prisma.DeliveryWhereInput): Promise<{ notices: DeliveryNotice[]; snapshot: XactSnapshot }> {
  // One snapshot for both statements: the first statement of a REPEATABLE READ transaction takes it.
  const [snapshot, rows] = await db.$transaction(
    async (tx) => {
      const [row] = await CURRENT_SNAPSHOT.run(tx, {});
      const snapshot = row!.snapshot;
      return [snapshot, await tx.delivery.findMany({ where, orderBy: { id: 'asc' } })] as const;
    },
    { isolationLevel: 'RepeatableRead' },
  );
  const read = parseXactSnapshot(snapshot);
  // Placed just before the oldest transaction the read could not see: a cursor of a state item
  // resumes with every change the read may have missed (and perhaps a few it already showed).
  const horizon = { xid: (read.xmin - 1n).toString(), position: READ_HORIZON_POSITION, at: new Date().toISOString() };
  return { notices: rows.map((row) => ({ ...deliveryNotice(row), ...horizon })), snapshot: read };
}

/**
 * A delivery re-read after `notice` shown as of the notice: its scalars, and only the attempts it
 * had then (attempts are immutable once recorded, numbered from 1). The row may have moved on.
 */
export function deliveryAsNoticed<Row extends Partial<Delivery> & { attempts?: Array<{ number?: number }> }>(row: Row, notice: DeliveryNotice): Row {
  const sameState = row.status === notice.status && row.attemptCount === notice.attemptCount;
  return {
    ...row,
    status: notice.status,
    attemptCount: notice.attemptCount,
    nextAttemptAt: dateOrNull(notice.nextAttemptAt),
    lastStatusCode: notice.lastStatusCode,
    // A cut error is shown whole from the row while the row is still at this transition.
    lastError: notice.lastErrorCut && sameState && row.lastError?.startsWith(notice.lastError ?? '') ? row.lastError : notice.lastError,
    completedAt: dateOrNull(notice.completedAt),
    ...(Array.isArray(row.attempts) ? { attempts: row.attempts.filter((attempt) => attempt.number === undefined || attempt.number <= notice.attemptCount) } : {}),
  };
}

/** An endpoint re-read after `notice`, shown with the state the notice announced. */
export function endpointAsNoticed<Row extends Partial<Endpoint>>(row: Row, notice: EndpointNotice): Row {
  return { ...row, active: notice.active, disabledReason: notice.disabledReason, consecutiveFailures: notice.consecutiveFailures, pausedAt: dateOrNull(isoOrNull(notice.pausedAt)) };
}

function dateOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
