// `herald serve` (API + worker), `herald api` and `herald worker`: open the runtime, start the
// parts, and drain on SIGTERM/SIGINT — readiness turns 503 first so balancers stop sending, then
// the worker stops taking jobs and lets attempts in flight finish, then requests finish, exit 0.
import type { HeraldConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { listeningLine, startApiServer, startProbeServer, type ApiServer } from './api-server.ts';
import { openRuntime } from './runtime.ts';
import { startWorker, type Worker } from '../worker/worker.ts';

export type ProcessKind = 'serve' | 'api' | 'worker';

export async function serve(kind: ProcessKind, config: HeraldConfig, log: Logger): Promise<void> {
  const runtime = await openRuntime(config, log, { queue: true, listen: kind !== 'worker', work: kind !== 'api' });
  let draining = false;
  const isDraining = () => draining;
  let worker: Worker | null = null;
  if (kind !== 'api') worker = await startWorker(runtime, runtime.boss!);
  const server: ApiServer =
    kind === 'worker'
      ? await startProbeServer(runtime, { port: config.port, host: config.host, isDraining })
      : await startApiServer(runtime, { port: config.port, host: config.host, isDraining });
  log.info(
    kind === 'worker'
      ? `Herald worker is running (probes on ${server.url}/health) bound to ${server.address}`
      : listeningLine(server, config),
  );

  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    log.info(`${signal}: draining`);
    await worker?.stop();
    await server.close();
    await runtime.close();
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
