// The API as a Node HTTP server: Yoga on PORT, with /health, /ready and GraphiQL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHeraldYoga } from '../graphql/yoga.ts';
import { attachGraphQLWebSocket } from '../graphql/websocket.ts';
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
    metrics: runtime.metrics,
    isReady: async () => !options.isDraining() && (await runtime.databaseReady()),
  });
  const server = createServer(yoga);
  const sockets = attachGraphQLWebSocket(server, yoga, runtime.services);
  return listen(server, options.port, options.host, async () => {
    await sockets.dispose();
    await yoga.dispose();
  });
}

async function listen(server: Server, port: number, host: string | undefined, dispose: () => Promise<void> | void): Promise<ApiServer> {
  // Slow-loris guard: a client must send its headers and body within these bounds.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '0.0.0.0', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
        void dispose();
      }),
  };
}

/** `herald worker` serves only the probes on PORT, for orchestrators. */
export async function startProbeServer(runtime: Runtime, options: { port: number; host?: string; isDraining: () => boolean }): Promise<ApiServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health') return void response.end('ok');
    if (path === '/metrics') {
      void runtime.metrics.render().then(({ contentType, body }) => {
        response.setHeader('content-type', contentType);
        response.end(body);
      });
      return;
    }
    if (path === '/ready') {
      void (async () => {
        const ready = !options.isDraining() && (await runtime.databaseReady());
        response.statusCode = ready ? 200 : 503;
        response.end(ready ? 'ready' : 'not ready');
      })();
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  return listen(server, options.port, options.host, async () => undefined);
}
