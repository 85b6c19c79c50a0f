// De-risks Herald's own migration step: it applies prisma/migrations exactly once, records them as
// `prisma migrate deploy` would, is safe when two processes start at once, refuses edited or
// half-applied history, and leaves nothing behind when a migration fails.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, migrate, MigrationError, pendingMigrations, readMigrations } from '../../src/db/migrate.ts';
import { createEmptyDatabase } from '../support/database.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDatabase() {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('migrate', () => {
  it('applies every migration to a fresh database and records it as prisma migrate deploy does', async () => {
    const url = await emptyDatabase();
    const names = readMigrations(DEFAULT_MIGRATIONS_DIR).map((m) => m.name);
    expect(await pendingMigrations(url)).toEqual(names);
    expect((await migrate(url)).applied).toEqual(names);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = readFileSync(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await pendingMigrations(url)).toEqual([]);
    const seeded = await query<{ name: string }>(url, 'SELECT name FROM event_types ORDER BY name');
    expect(seeded.map((row) => row.name)).toEqual(['herald.delivery.exhausted', 'herald.delivery.failing', 'herald.endpoint.created', 'herald.endpoint.deleted', 'herald.endpoint.disabled', 'herald.endpoint.enabled', 'herald.endpoint.recovered', 'herald.endpoint.updated', 'webhook.test']);
    // The operator organization, whose endpoints receive operational events (docs/operational-events.md).
    expect(await query<{ slug: string }>(url, 'SELECT slug FROM organizations')).toEqual([{ slug: '_operator' }]);
  });

  it('applies nothing on a second run', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    expect((await migrate(url)).applied).toEqual([]);
  });

  it('is safe when several processes migrate one fresh database at once', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(readMigrations(DEFAULT_MIGRATIONS_DIR).map((m) => m.name));
    const rows = await query<{ count: string }>(url, 'SELECT count(*) FROM _prisma_migrations');
    expect(Number(rows[0]?.count)).toBe(applied.length);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({ '20260101000000_one': 'CREATE TABLE one (id int);' });
    await migrate(url, { migrationsDir: dir });
    writeFileSync(join(dir, '20260101000000_one', 'migration.sql'), 'CREATE TABLE one (id bigint);');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuses to go on past a migration recorded as started but not finished', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({ '20260101000000_one': 'CREATE TABLE one (id int);' });
    await migrate(url, { migrationsDir: dir });
    await query(url, 'UPDATE _prisma_migrations SET finished_at = NULL');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(MigrationError);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({
      '20260101000000_good': 'CREATE TABLE good (id int);',
      '20260102000000_bad': 'CREATE TABLE half (id int);\nSELECT no_such_column FROM good;',
    });
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/20260102000000_bad failed/);
    const tables = await query<{ name: string }>(url, `SELECT relname AS name FROM pg_class WHERE relname IN ('good', 'half')`);
    expect(tables).toEqual([{ name: 'good' }]);
    const recorded = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations');
    expect(recorded).toEqual([{ migration_name: '20260101000000_good' }]);
    expect(await pendingMigrations(url, dir)).toEqual(['20260102000000_bad']);
  });
});
