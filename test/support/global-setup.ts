// One PostgreSQL per test run: DATABASE_URL's server when set, otherwise one embedded cluster in a
// temporary folder. A template database is migrated once; every test file clones it (fast) and
// drops its clone. Nothing is left running afterwards.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { configFromDefaults } from '../../src/config/config.ts';
import { createBoss, ensureQueues } from '../../src/worker/queue.ts';
import { silentLogger } from '../../src/log.ts';
import { databaseUrl, runAdminSql } from '../../src/db/admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    herald: { adminUrl: string; template: string; prefix: string };
  }
}

const TEMP_PREFIX = 'herald-test-pg-';

export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  let stopCluster = async () => undefined as void;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    sweepStaleClusters();
    const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
    // mkdtemp makes the folder 0700; the `postgres` user the cluster runs as (under root) must
    // be able to reach its data directory inside.
    chmodSync(dir, 0o755);
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), persistent: false });
    adminUrl = cluster.url;
    stopCluster = async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const prefix = `herald_t_${runId}`;
  const template = `${prefix}_template`;
  await runAdminSql(adminUrl, `CREATE DATABASE ${template}`);
  await migrate(databaseUrl(adminUrl, template));
  // pg-boss installs its own schema on first start; doing it once here saves every clone the work.
  const boss = createBoss(databaseUrl(adminUrl, template), silentLogger, 1);
  await boss.start();
  await ensureQueues(boss, configFromDefaults());
  await boss.stop({ graceful: false, close: true });
  project.provide('herald', { adminUrl, template, prefix });

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await client.end();
    await stopCluster();
  };
}


/** Clusters of runs that were killed: their postmaster is gone, their folder is not. */
function sweepStaleClusters(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const pidFile = join(dir, 'data', 'postmaster.pid');
    let alive = false;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive && Date.now() - statSync(dir).mtimeMs > 60_000) rmSync(dir, { recursive: true, force: true });
  }
}
