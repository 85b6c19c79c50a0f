// The benchmark's PostgreSQL: an embedded cluster in a temporary folder with production settings
// (fsync and synchronous_commit on, unlike the test suite's), or BENCH_DATABASE_URL's server.
// A migrated template database (with pg-boss's schema) is cloned for every run, so each run starts
// from empty tables.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { configFromDefaults } from '../../src/config/config.ts';
import { databaseUrl, runAdminSql } from '../../src/db/admin.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createBoss, ensureQueues } from '../../src/worker/queue.ts';
import { silentLogger } from '../../src/log.ts';

export interface BenchCluster {
  /** PostgreSQL's version string and where it runs. */
  description: string;
  /** A clone of the migrated template; `empty`: a database with nothing in it (the stack reference's). */
  createDatabase(options?: { empty?: boolean }): Promise<{ url: string; drop(): Promise<void> }>;
  stop(): Promise<void>;
}

export async function startBenchCluster(): Promise<BenchCluster> {
  let serverUrl = process.env['BENCH_DATABASE_URL'];
  let stopServer = async () => undefined as void;
  let where = 'BENCH_DATABASE_URL';
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'herald-bench-pg-'));
    chmodSync(dir, 0o755); // the postgres OS user (under root) must reach the data folder
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), persistent: true });
    serverUrl = cluster.url;
    where = 'embedded, fsync on';
    stopServer = async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const prefix = `herald_bench_${randomBytes(3).toString('hex')}`;
  const template = `${prefix}_template`;
  await runAdminSql(serverUrl, `CREATE DATABASE ${template}`);
  await migrate(databaseUrl(serverUrl, template));
  const boss = createBoss(databaseUrl(serverUrl, template), silentLogger, 1);
  await boss.start();
  await ensureQueues(boss, configFromDefaults());
  await boss.stop({ graceful: false, close: true });
  const version = await serverVersion(serverUrl);

  let count = 0;
  return {
    description: `PostgreSQL ${version} (${where})`,
    async createDatabase(options = {}) {
      const name = `${prefix}_${++count}`;
      await runAdminSql(serverUrl, options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`);
      return { url: databaseUrl(serverUrl, name), drop: () => runAdminSql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
    async stop() {
      await runAdminSql(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await stopServer();
    },
  };
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}
