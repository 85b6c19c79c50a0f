// The orchestrator's handle on the receiver process.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReceiverCommand, ReceiverStats } from './receiver-process.ts';

export interface BenchReceiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  reset(): Promise<void>;
  /** Paths under /fail/ answer 503 until this wall-clock instant. */
  stormUntil(untilMs: number): Promise<void>;
  /** `pathPrefix`: only the samples of receipts at paths starting with it (the counts stay whole). */
  stats(samples?: boolean, pathPrefix?: string): Promise<ReceiverStats>;
  stop(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const child = fork(fileURLToPath(new URL('./receiver-process.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type: string; port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  const ask = <T>(command: ReceiverCommand) =>
    new Promise<T>((resolve) => {
      child.once('message', resolve);
      child.send(command);
    });
  return {
    origin: `http://127.0.0.1:${port}`,
    reset: () => ask({ type: 'reset' }),
    stormUntil: (untilMs) => ask({ type: 'storm', untilMs }),
    stats: async (samples = false, pathPrefix?: string) => (await ask<{ stats: ReceiverStats }>({ type: 'stats', samples, ...(pathPrefix === undefined ? {} : { pathPrefix }) })).stats,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.disconnect();
  await exited;
}
