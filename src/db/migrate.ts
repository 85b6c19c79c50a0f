// Herald's migration step. The Prisma CLI's `migrate deploy` needs a native engine it downloads at
// run time, so Herald applies prisma/migrations itself — recording them exactly as `prisma migrate
// deploy` does (same table, sha256 checksums, same advisory lock), so either tool can take over.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const DEFAULT_MIGRATIONS_DIR = resolve(import.meta.dirname, '../../prisma/migrations');

/** The key Prisma's migrate commands lock on, so Herald and Prisma never migrate at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (line: string) => void;
}

export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const migrations = readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // The session lock below needs a session of its own: a transaction pooler (pgbouncer) would
  // hand its unlock to another server connection. Poolers refuse this startup parameter, so one
  // in front of the database is found here, before any lock is taken.
  const client = new pg.Client({ connectionString: databaseUrl, options: '-c timezone=UTC' });
  await client.connect();
  try {
    // Held for the whole run: a second process starting at the same moment waits here, then finds
    // everything applied.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const recorded = await appliedMigrations(client);
    assertNotAhead(recorded, migrations);
    const applied: string[] = [];
    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row) {
        assertIntact(row, migration);
        continue;
      }
      options.log?.(`applying migration ${migration.name}`);
      await applyOne(client, migration);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** Names of the migrations the database lacks (all of them when it was never migrated). */
export async function pendingMigrations(databaseUrl: string, migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
    if (!exists.rows[0]?.exists) return migrations.map((m) => m.name);
    const recorded = await appliedMigrations(client);
    return migrations.filter((m) => !recorded.get(m.name)?.finished_at).map((m) => m.name);
  } finally {
    await client.end();
  }
}

export function readMigrations(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

async function appliedMigrations(client: pg.Client): Promise<Map<string, AppliedRow>> {
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return new Map(rows.map((row) => [row.migration_name, row]));
}

/**
 * A migration recorded in the database but absent here was applied by a newer Herald: this one
 * does not know the schema it left, so it refuses rather than report "up to date" and run on it.
 */
function assertNotAhead(recorded: Map<string, AppliedRow>, migrations: MigrationFile[]): void {
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...recorded.values()].filter((row) => row.finished_at && !known.has(row.migration_name)).map((row) => row.migration_name);
  if (unknown.length === 0) return;
  const named = unknown.length === 1 ? `migration ${unknown[0]}` : `migrations ${unknown.join(', ')}`;
  throw new MigrationError(
    `the database is ahead of this Herald: it has ${named} applied, which this version does not know; run the Herald that applied ${unknown.length === 1 ? 'it' : 'them'} (or a newer one), or point DATABASE_URL at another database`,
  );
}

function assertIntact(row: AppliedRow, migration: MigrationFile): void {
  if (!row.finished_at) {
    throw new MigrationError(
      `migration ${migration.name} is recorded as started but not finished; fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back ${migration.name})`,
    );
  }
  if (row.checksum !== migration.checksum) {
    throw new MigrationError(
      `migration ${migration.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${migration.checksum.slice(0, 12)}… on disk); restore the file and add a new migration instead`,
    );
  }
}

/** One transaction per migration: it and its record land together or not at all. */
async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}
