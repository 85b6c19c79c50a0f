// `herald serve` (API + worker), `herald api` and `herald worker`: open the runtime, start the
// parts, and drain on SIGTERM/SIGINT — readiness turns 503 first so balancers stop sending, then
// the worker stops taking jobs and lets attempts in flight finish, then requests finish, exit 0.
import type { HeraldConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { listeningLine, startApiServer, startProbeServer, type ApiServer } from './api-server.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { listenStartupError } from './startup-error.ts';
import { startWorker, type Worker } from '../worker/worker.ts';
import { startTelemetry } from '../telemetry/start-telemetry.ts';

export type ProcessKind = 'serve' | 'api' | 'worker';

/** A second signal this soon after the first is the same Ctrl-C, delivered twice. */
const REPEATED_SIGNAL_MS = 1_000;

export async function serve(kind: ProcessKind, config: HeraldConfig, log: Logger): Promise<void> {
  // First, so start-up work is traced like the rest; shut down last, so the drain's spans are exported.
  const telemetry = await startTelemetry(config.telemetry, kind, (line) => log.warn(`telemetry: ${line}`));
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config, log, { queue: true, listen: kind !== 'worker', work: kind !== 'api' });
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  let draining = false;
  const isDraining = () => draining;
  const port = kind === 'worker' ? config.workerPort : config.port;
  let server: ApiServer;
  try {
    server =
      kind === 'worker'
        ? await startProbeServer(runtime, { port, host: config.host, isDraining })
        : await startApiServer(runtime, { port, host: config.host, isDraining });
  } catch (error) {
    // Nothing was taken from the queue yet: close what is open (the embedded cluster with it), then say why.
    await runtime.close();
    await telemetry.shutdown();
    throw listenStartupError(error, { what: kind === 'worker' ? "the worker's probes" : 'the API', host: config.host, port }) ?? error;
  }
  // The worker starts once its probes listen, so a process that cannot serve them takes no job.
  const worker: Worker | null = kind === 'api' ? null : await startWorker(runtime, runtime.boss!);
  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    log.info(`${signal}: draining`);
    await worker?.stop();
    await server.close();
    await runtime.close();
    await telemetry.shutdown();
    log.info('stopped');
    process.exit(0);
  };
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals, number: number) => {
    if (!draining) {
      firstSignalAt = Date.now();
      void shutdown(signal);
      return;
    }
    // One Ctrl-C can arrive twice: from the terminal (to the whole group) and forwarded by npm to
    // its script. A later one is someone who will not wait for the drain.
    if (Date.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
    log.warn(`${signal} again: exiting without waiting for the drain`);
    process.exit(128 + number);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM', 15));
  process.on('SIGINT', () => onSignal('SIGINT', 2));
  // Only now: whoever reads this line may signal at once, and a SIGINT before the handlers are
  // installed kills the process outright (npm start then exited by signal, without a drain).
  log.info(
    kind === 'worker'
      ? `Herald worker is running (probes on ${server.url}/health) bound to ${server.address}`
      : listeningLine(server, config),
  );
}
