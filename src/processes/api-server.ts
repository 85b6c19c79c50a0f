// The API as a Node HTTP server: Yoga on PORT, with /health, /ready and GraphiQL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHeraldYoga } from '../graphql/yoga.ts';
import type { Runtime } from './runtime.ts';

export interface ApiServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting requests; requests in flight finish (bounded by `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export async function startApiServer(runtime: Runtime, options: { port: number; host?: string; isDraining: () => boolean }): Promise<ApiServer> {
  const yoga = createHeraldYoga({
    services: runtime.services,
    log: runtime.log,
    isReady: async () => !options.isDraining() && (await runtime.databaseReady()),
  });
  const server = createServer(yoga);
  // Slow-loris guard: a client must send its headers and body within these bounds.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
        void yoga.dispose();
      }),
  };
}
