// Runs the embedded postmaster for a Herald process, in a session of its own. A terminal's Ctrl-C
// reaches every process of its foreground group: a postmaster in Herald's group took SIGINT, cut
// every connection, and Herald's drain met "terminating connection due to administrator command".
// Started detached (setsid), this supervisor and its postmaster see no terminal signal; Herald
// stops them after it has drained. The IPC channel is the parent's lifeline: when it closes —
// Herald stopped, crashed or was SIGKILLed — the postmaster is stopped too, never left orphaned.
//
// Protocol on the IPC channel: argv[2] is a SupervisorRequest as JSON; the supervisor answers
// `{ type: 'ready' }` once the postmaster accepts connections or `{ type: 'failed', message }`,
// and on `{ type: 'stop' }` (or a closed channel) fast-shuts the postmaster down and exits.
import { spawn } from 'node:child_process';

export interface SupervisorRequest {
  postgres: string;
  args: string[];
  /** Postgres refuses to run as root: the OS user to run it as, when Herald is root. */
  uid?: number;
  gid?: number;
  env: Record<string, string>;
  stopTimeoutMs: number;
}

export type SupervisorMessage = { type: 'ready' } | { type: 'failed'; message: string };

const READY_LINE = 'database system is ready to accept connections';
/** How much of the postmaster's stderr a failure report keeps. */
const TAIL_CHARS = 2_000;

function supervise(request: SupervisorRequest): void {
  const send = (message: SupervisorMessage) => {
    if (process.connected) process.send?.(message);
  };
  const postmaster = spawn(request.postgres, request.args, {
    ...(request.uid !== undefined ? { uid: request.uid } : {}),
    ...(request.gid !== undefined ? { gid: request.gid } : {}),
    env: { ...process.env, ...request.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  let ready = false;
  postmaster.stderr.setEncoding('utf8');
  postmaster.stderr.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-TAIL_CHARS);
    if (!ready && tail.includes(READY_LINE)) {
      ready = true;
      send({ type: 'ready' });
    }
  });
  postmaster.on('error', (error) => {
    send({ type: 'failed', message: error.message });
    process.exit(1);
  });
  postmaster.on('exit', (code, signal) => {
    if (!ready) send({ type: 'failed', message: `postgres exited (${signal ?? `code ${code}`}) before accepting connections: ${lastLines(tail)}` });
    process.exit(0);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
    postmaster.kill('SIGINT');
    setTimeout(() => postmaster.kill('SIGKILL'), request.stopTimeoutMs).unref();
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  // Someone signalling the supervisor itself (not a terminal: it has none) means stop as well.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ').trim() || 'no output';
}

if (import.meta.main) supervise(JSON.parse(process.argv[2]!) as SupervisorRequest);
