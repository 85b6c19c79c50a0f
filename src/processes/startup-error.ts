// Why a Herald process could not start, as one line naming the cause and the fix (the README
// promises one line and exit 2). Every failure Herald recognizes at start-up is classified here;
// anything else is a fault and keeps its stack.
import { EmbeddedPostgresError } from '../db/embedded-postgres.ts';
import { MigrationError } from '../db/migrate.ts';
import { PooledTimeZoneError } from '../db/pooled-connection.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

interface CodedError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as CodedError;
  if (typeof code === 'string') return code;
  // Node's connect tries every address of a host name (localhost: ::1, then 127.0.0.1) and
  // reports an AggregateError of the attempts.
  if (Array.isArray(errors)) return codeOf(errors[0]);
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Where DATABASE_URL points, without its password. */
function serverOf(databaseUrl: string): { address: string; host: string; port: string; database: string; user: string } {
  const url = new URL(databaseUrl);
  const host = url.hostname || 'localhost';
  const port = url.port || '5432';
  return { address: `${host}:${port}`, host, port, database: decodeURIComponent(url.pathname.slice(1)), user: decodeURIComponent(url.username) };
}

/** A failure to open or migrate the database; null when Herald does not recognize it. */
export function databaseStartupError(error: unknown, databaseUrl: string | undefined, embedded: boolean, variable = 'DATABASE_URL'): StartupError | null {
  if (error instanceof StartupError) return error;
  if (error instanceof PooledTimeZoneError) return new StartupError(error.message);
  // pgbouncer refuses the time zone Herald's pool sets at connect unless told it is a pooler.
  if (/unsupported startup parameter/i.test(messageOf(error))) {
    return new StartupError(`${variable} points at a connection pooler (${oneLine(messageOf(error))}): set HERALD_DIRECT_DATABASE_URL to a direct connection to the same database (docs/scaling.md)`);
  }
  if (error instanceof MigrationError) return new StartupError(error.message);
  if (error instanceof EmbeddedPostgresError) return new StartupError(oneLine(error.message));
  if (!databaseUrl) return null;
  const server = serverOf(databaseUrl);
  const where = embedded ? 'the embedded PostgreSQL' : `the database server at ${server.address}`;
  const fixUrl = embedded ? 'remove the embedded cluster folder under HERALD_DATA_DIR to start afresh' : `fix ${variable}`;
  switch (codeOf(error)) {
    case 'ECONNREFUSED':
      return new StartupError(
        embedded
          ? `${where} refused the connection; it may have stopped: start Herald again`
          : `cannot reach the database server at ${server.address} (connection refused): start PostgreSQL there, or point ${variable} at a running server${variable === 'DATABASE_URL' ? ' (unset, Herald runs an embedded one)' : ''}`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`cannot resolve the database host "${server.host}": fix the host in ${variable}`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new StartupError(`cannot reach the database server at ${server.address} (${codeOf(error)}): check the host, port and firewall, or fix ${variable}`);
    case '3D000':
      return new StartupError(
        `database "${server.database}" does not exist on ${where}: create it (createdb -h ${server.host} -p ${server.port} -U ${server.user || 'postgres'} ${server.database}), or ${fixUrl}`,
      );
    case '28000':
    case '28P01':
      return new StartupError(`${where} refused user "${server.user}" (${messageOf(error)}): create that role or fix the user and password in ${variable}`);
    case '42501':
      return new StartupError(`user "${server.user}" may not change database "${server.database}" (${messageOf(error)}): grant it the rights to create tables there, or use its owner in ${variable}`);
    case '57P03':
      return new StartupError(`${where} is starting up or shutting down: start Herald again once it accepts connections`);
    case '53300':
      return new StartupError(`${where} has no connection slots left (${messageOf(error)}): raise max_connections or stop other clients`);
    default:
      return null;
  }
}

/** A server that could not listen: `what` names it (the API, the worker's probes). */
export function listenStartupError(error: unknown, listening: { what: string; host: string; port: number }): StartupError | null {
  const at = `${listening.host}:${listening.port}`;
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return new StartupError(`port ${listening.port} on ${listening.host} is already in use, so ${listening.what} cannot listen there: stop the program holding it, or set PORT to a free port`);
    case 'EACCES':
      return new StartupError(`not allowed to listen on ${at} for ${listening.what}: use a PORT above 1023`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`${listening.host} is not an address of this machine, so ${listening.what} cannot listen on it: fix HERALD_HOST`);
    default:
      return null;
  }
}

/** The line a failed start prints on stderr: JSON in production, like every other log line. */
export function startupFailureLine(error: StartupError, json: boolean): string {
  return json ? JSON.stringify({ time: new Date().toISOString(), level: 'error', message: error.message }) : `herald: ${error.message}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
