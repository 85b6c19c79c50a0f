// `herald api`, `herald worker` or `herald serve` as a real child process: started with an
// environment, awaited until it says it is ready, then killed (SIGKILL, a crash) or stopped (SIGTERM,
// a drain). The fault suite and the process tests share it.
import type { ChildProcess } from 'node:child_process';
import { spawnHerald, waitForOutput } from './cli.ts';

export type HeraldProcessKind = 'api' | 'worker' | 'serve';

export interface HeraldProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT: the API (api, serve) or the worker's probes. */
  origin: string;
  port: number;
  /** Its exit code once it has exited (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILL, as a crash: resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, the drain: its exit code. */
  stop(): Promise<number | null>;
}

// What each kind prints once it serves (src/processes/serve.ts).
const READY: Record<HeraldProcessKind, RegExp> = {
  api: /Herald is listening on http:\/\/localhost:(\d+)\/graphql/,
  serve: /Herald is listening on http:\/\/localhost:(\d+)\/graphql/,
  worker: /Herald worker is running \(probes on http:\/\/localhost:(\d+)\/health\)/,
};

/** Starts the process and waits until it is ready; PORT defaults to 0 (a free port). */
export async function startHeraldProcess(kind: HeraldProcessKind, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<HeraldProcess> {
  const child = spawnHerald([kind], { PORT: '0', ...env });
  // Listened for at once, so an exit before anyone awaits it is not missed.
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let port: number;
  try {
    const [, printed] = await waitForOutput(child, READY[kind], readyTimeoutMs);
    port = Number(printed);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    port,
    exited,
    kill: async () => void (await signal('SIGKILL')),
    stop: () => signal('SIGTERM'),
  };
}
