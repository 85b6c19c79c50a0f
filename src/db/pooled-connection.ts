// DATABASE_URL through a transaction pooler (pgbouncer), HERALD_DIRECT_DATABASE_URL beside it.
// A pooler refuses the `options` startup parameter the direct pool sets the time zone with, and a
// session SET would land on whichever server connection ran it. So the time zone is set where
// every new server session reads it — as this role's default in this database — and checked
// through the pooler before Herald starts (adapter-pg reads timestamptz wrongly outside UTC).
import pg from 'pg';

export class PooledTimeZoneError extends Error {}

export async function ensureUtcThroughPooler(directUrl: string, pooledUrl: string): Promise<void> {
  const direct = new pg.Client({ connectionString: directUrl });
  await direct.connect();
  try {
    const [{ database }] = (await direct.query<{ database: string }>('SELECT current_database() AS database')).rows as [{ database: string }];
    // A role may set its own defaults; IN DATABASE keeps it to Herald's database.
    await direct.query(`ALTER ROLE CURRENT_USER IN DATABASE ${pg.escapeIdentifier(database)} SET timezone TO 'UTC'`);
  } finally {
    await direct.end();
  }
  const pooled = new pg.Client({ connectionString: pooledUrl });
  await pooled.connect();
  try {
    const { rows } = await pooled.query<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`);
    const zone = rows[0]?.zone ?? '';
    if (zone !== 'UTC' && zone !== 'Etc/UTC') {
      throw new PooledTimeZoneError(
        `the pooled DATABASE_URL answers in time zone ${zone}, not UTC: set timezone = 'UTC' on the database or role, then reconnect the pooler's server connections (pgbouncer: RECONNECT)`,
      );
    }
  } finally {
    await pooled.end();
  }
}
