// De-risks the README's promise for start-up failures: one line naming the cause and the fix, exit
// code 2, no stack — for a database server that is down, a database or role that does not exist,
// a port in use (API and worker, in development and as a production JSON line), a migration
// edited after it was applied, and a database ahead of this Herald (an unknown migration: refused,
// named). Each is a real failure met by a real `herald` child process.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl } from '../../src/db/admin.ts';
import { runHerald, type CliResult } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort } from '../support/free-port.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'herald-startup-errors-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const suffix = () => randomBytes(4).toString('hex');
// Given, so the first start's "generated an encryption key" warning does not join the failure line.
const HERALD_ENCRYPTION_KEY = randomBytes(32).toString('base64');

function expectOneLine(result: CliResult, cause: RegExp): void {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect({ code: result.code, lines }).toMatchObject({ code: 2, lines: [expect.stringMatching(cause)] });
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

/** Holds a port on 127.0.0.1 the way another program would. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('the database cannot be opened', () => {
  it('server down: names the address and says to start PostgreSQL or fix DATABASE_URL', async () => {
    const port = await freePort();
    const result = await runHerald(['serve'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/herald`, HERALD_DATA_DIR: dataDir });
    expectOneLine(result, new RegExp(`^herald: cannot reach the database server at 127\\.0\\.0\\.1:${port} \\(connection refused\\): start PostgreSQL there, or point DATABASE_URL`));
  });

  it('database missing: names it and how to create it', async () => {
    const name = `herald_missing_${suffix()}`;
    const result = await runHerald(['serve'], { DATABASE_URL: databaseUrl(inject('herald').adminUrl, name), HERALD_DATA_DIR: dataDir });
    expectOneLine(result, new RegExp(`^herald: database "${name}" does not exist on the database server at \\S+: create it \\(createdb .*${name}\\), or fix DATABASE_URL$`));
  });

  it('role unknown: names the user and says to fix DATABASE_URL', async () => {
    const url = new URL(inject('herald').adminUrl);
    const user = `herald_nobody_${suffix()}`;
    url.username = user;
    url.password = 'not-the-password';
    const result = await runHerald(['migrate'], { DATABASE_URL: url.toString(), HERALD_DATA_DIR: dataDir });
    expectOneLine(result, new RegExp(`^herald: the database server at \\S+ refused user "${user}" \\(.+\\): create that role or fix the user and password in DATABASE_URL$`));
    expect(result.stderr).not.toContain('not-the-password');
  });
});

describe('the migrations do not match', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('an applied migration edited on disk: names it and says to restore the file', async () => {
    const [first] = await database.prisma.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name LIMIT 1`;
    await database.prisma.$executeRaw`UPDATE "_prisma_migrations" SET checksum = ${'0'.repeat(64)} WHERE migration_name = ${first!.migration_name}`;
    const result = await runHerald(['serve'], { DATABASE_URL: database.url, HERALD_DATA_DIR: dataDir });
    expectOneLine(result, new RegExp(`^herald: migration ${first!.migration_name} was changed after it was applied .*restore the file`));
  });
});

describe('the database is ahead of this Herald', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.prisma.$executeRaw`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
      VALUES (${`future-${suffix()}`}, ${'f'.repeat(64)}, '20991231000000_from_a_newer_herald', now(), now(), 1)`;
  });
  afterAll(() => database.drop());

  it.each([['serve'], ['migrate']])('herald %s refuses, naming the unknown migration', async (command) => {
    const result = await runHerald([command], { DATABASE_URL: database.url, HERALD_DATA_DIR: dataDir });
    expectOneLine(result, /^herald: the database is ahead of this Herald: it has migration 20991231000000_from_a_newer_herald applied, which this version does not know; run the Herald that applied it/);
  });
});

describe('the port is in use', () => {
  let database: TestDatabase;
  let held: { port: number; server: Server };
  beforeAll(async () => {
    database = await createTestDatabase();
    held = await holdPort();
  });
  afterAll(async () => {
    held.server.close();
    await database.drop();
  });

  it.each([
    ['api', 'the API'],
    ['worker', "the worker's probes"],
  ])('herald %s: names the port and says to set PORT', async (command, what) => {
    const result = await runHerald([command], { DATABASE_URL: database.url, HERALD_DATA_DIR: dataDir, HERALD_HOST: '127.0.0.1', PORT: String(held.port), HERALD_ENCRYPTION_KEY });
    expectOneLine(result, new RegExp(`^herald: port ${held.port} on 127\\.0\\.0\\.1 is already in use, so ${what} cannot listen there: stop the program holding it, or set PORT to a free port$`));
  });

  it('in production the failure is one JSON log line', async () => {
    const result = await runHerald(['worker'], {
      NODE_ENV: 'production',
      HERALD_ENCRYPTION_KEY,
      DATABASE_URL: database.url,
      HERALD_DATA_DIR: dataDir,
      HERALD_HOST: '127.0.0.1',
      PORT: String(held.port),
    });
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(result.code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', message: expect.stringMatching(new RegExp(`^port ${held.port} on 127\\.0\\.0\\.1 is already in use`)) });
    expect(result.stderr).not.toMatch(/\\n\s+at /);
  });
});
