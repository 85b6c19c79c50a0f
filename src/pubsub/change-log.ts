// The change log behind live subscriptions (migration 20261208040000_change_log). Every notice is a
// row, written in its writer's transaction and stamped with that transaction's id (xid8, kept as
// a bigint: 64 bits, epoch and xid).
//
// Why not "position greater than the last one read": a position is taken at INSERT, before commit,
// so a transaction that commits late shows up below positions a reader has already passed, and is
// skipped for good (the outbox hazard). Instead a reader takes only the rows of transactions older
// than every transaction still in progress — `xid < pg_snapshot_xmin(pg_current_snapshot())` —
// whose set can no longer change, in (xid, position) order. Every row that becomes readable later
// has an xid at or above that horizon, so it sorts after everything handed out: nothing is skipped
// and nothing repeated, on any process, from any cursor. The price: a writing transaction that
// stays open holds every later change back until it ends (Herald's own are milliseconds long).
// Logical decoding would give commit order directly, but needs a replication slot and does not pass
// through pgbouncer.
import type pg from 'pg';
import type { ChangeNotice, ChangeTopic } from './notices.ts';

/** A place in the log: the writer's transaction, then the row. */
export interface LogKey {
  xid: bigint;
  position: bigint;
}

export const LOG_START: LogKey = { xid: 0n, position: 0n };

export function compareKeys(a: LogKey, b: LogKey): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.position === b.position ? 0 : a.position < b.position ? -1 : 1;
}

export function keyOf(notice: { xid: string; position: string }): LogKey {
  return { xid: BigInt(notice.xid), position: BigInt(notice.position) };
}

/** Rows are kept this much past the retention window, so a cursor just inside it finds every later row. */
export const RETENTION_GRACE_MS = 5 * 60_000;

type Queryable = Pick<pg.ClientBase, 'query'>;

interface LogRow {
  xid: string;
  position: string;
  at: Date;
  notice: Omit<ChangeNotice, 'xid' | 'position' | 'at'>;
}

function noticeOf(row: LogRow): ChangeNotice {
  return { ...row.notice, xid: row.xid, position: row.position, at: row.at.toISOString() } as ChangeNotice;
}

/** The last row no reader can be passed by: where a new reader starts. */
export async function stableHead(db: Queryable): Promise<LogKey> {
  const { rows } = await db.query<{ xid: string; position: string }>(
    `SELECT xid::text AS xid, position::text AS position FROM change_log
      WHERE xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      ORDER BY xid DESC, position DESC LIMIT 1`,
  );
  return rows[0] ? keyOf(rows[0]) : LOG_START;
}

/**
 * Up to `limit` readable rows after `after`, in log order: every organization's (one process's
 * reader) or one organization's of one topic (a resuming subscription).
 */
export async function readAfter(db: Queryable, after: LogKey, limit: number, only?: { organizationId: string; kind: ChangeTopic }): Promise<ChangeNotice[]> {
  const params: unknown[] = [after.xid.toString(), after.position.toString(), limit];
  let scope = '';
  if (only) {
    params.push(only.organizationId, only.kind);
    scope = 'AND organization_id = $4::uuid AND kind = $5';
  }
  const { rows } = await db.query<LogRow>(
    `SELECT xid::text AS xid, position::text AS position, created_at AS at, notice FROM change_log
      WHERE (xid, position) > ($1::bigint, $2::bigint) ${scope}
        AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      ORDER BY xid, position LIMIT $3`,
    params,
  );
  return rows.map(noticeOf);
}

/** Deletes rows older than the window and its grace; the number deleted. */
export async function pruneChangeLog(db: Queryable, retentionMs: number): Promise<number> {
  const result = await db.query(`DELETE FROM change_log WHERE created_at < now() - $1::bigint * interval '1 millisecond'`, [retentionMs + RETENTION_GRACE_MS]);
  return result.rowCount ?? 0;
}
