// De-risks the zero-config database: an embedded PostgreSQL keeps its data across restarts on the
// same folder, a second Herald process shares a running cluster instead of fighting over it, and
// stopping is bounded.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it("leaves the process's exit code alone (embedded-postgres's exit hooks forced 0, and hid failed test runs)", () => {
    const module = fileURLToPath(new URL('../../src/db/embedded-postgres.ts', import.meta.url));
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(module)});
      const cluster = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(dir, 'exit-code'))}, persistent: false });
      await cluster.stop();
      process.exitCode = 3;`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.status).toBe(3);
  }, 150_000);
});
