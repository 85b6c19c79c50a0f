// De-risks the zero-config database: an embedded PostgreSQL keeps its data across restarts on the
// same folder, a second Herald process shares a running cluster instead of fighting over it, and
// stopping is bounded.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-embedded-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('keeps data across a stop and a start on the same folder, and shares a running cluster', async () => {
    const dataDir = join(dir, 'pg');
    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    expect(first.owned).toBe(true);
    await run(first.url, 'CREATE TABLE kept (value text); INSERT INTO kept VALUES ($$still here$$)');
    expect(await run(first.url, `SELECT current_setting('TimeZone') AS tz`)).toEqual([{ tz: 'UTC' }]);

    const shared = await startEmbeddedPostgres({ dataDir, persistent: true });
    expect(shared.owned).toBe(false);
    expect(await run(shared.url, 'SELECT value FROM kept')).toEqual([{ value: 'still here' }]);
    await shared.stop();

    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, persistent: true });
    expect(await run(second.url, 'SELECT value FROM kept')).toEqual([{ value: 'still here' }]);
    await second.stop();
  }, 120_000);
});
