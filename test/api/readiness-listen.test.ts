// De-risks an API that answers "ready" while deaf: after its LISTEN connection is lost (a database
// restart, pg_terminate_backend), /ready says `changes: reconnecting` and is not ready until the
// reconnect's LISTEN is in place, so a balancer does not send subscribers where changes go unheard.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configFromDefaults } from '../../src/config/config.ts';
import { silentLogger } from '../../src/log.ts';
import { readinessOf } from '../../src/processes/readiness.ts';
import { openRuntime, type Runtime } from '../../src/processes/runtime.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { waitFor } from '../support/wait.ts';

let database: TestDatabase;
let runtime: Runtime;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = configFromDefaults({ databaseUrl: database.url, encryptionKeyBase64: randomBytes(32).toString('base64'), queueTimings: FAST_QUEUE_TIMINGS, nodeEnv: 'test' });
  runtime = await openRuntime(config, silentLogger, { queue: true, listen: true, work: false });
  await runtime.changeFeed!.target.ready;
});
afterAll(async () => {
  await runtime?.close();
  await database?.drop();
});

it('is not ready from a lost LISTEN connection until it listens again', async () => {
  expect(await readinessOf(runtime, false, { lookForWorkers: false })).toMatchObject({ ready: true, checks: { database: 'ok', changes: 'listening' } });
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'herald-listen' AND datname = current_database()`);
    expect(rowCount).toBe(1);
  } finally {
    await admin.end();
  }
  await waitFor(async () => !runtime.changeFeed!.target.listening() || null, 'the lost connection to be noticed', 10_000);
  expect(await readinessOf(runtime, false, { lookForWorkers: false })).toMatchObject({ ready: false, checks: { database: 'ok', changes: 'reconnecting' } });
  await waitFor(async () => runtime.changeFeed!.target.listening() || null, 'the LISTEN to be back', 10_000);
  expect(await readinessOf(runtime, false, { lookForWorkers: false })).toMatchObject({ ready: true, checks: { changes: 'listening' } });
});
