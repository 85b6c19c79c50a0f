// `herald serve` and `herald api`: open the runtime, listen, and drain on SIGTERM/SIGINT —
// readiness turns 503 first so balancers stop sending, then requests in flight finish, then exit 0.
// (`serve` gains the delivery worker with the delivery engine.)
import type { HeraldConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { startApiServer } from './api-server.ts';
import { openRuntime } from './runtime.ts';

export async function serve(config: HeraldConfig, log: Logger): Promise<void> {
  const runtime = await openRuntime(config, log);
  let draining = false;
  const api = await startApiServer(runtime, { port: config.port, isDraining: () => draining });
  log.info(`Herald is listening on http://localhost:${api.port}/graphql`);

  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    log.info(`${signal}: draining`);
    await api.close();
    await runtime.close();
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
