// The API as a Node HTTP server: Yoga on HERALD_HOST:PORT, with /health, /ready, /metrics and GraphiQL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHeraldYoga } from '../graphql/yoga.ts';
import { healthBody, readinessBody } from '../graphql/probes.ts';
import { readinessOf } from './readiness.ts';
import { metricsAccess } from '../metrics/metrics-access.ts';
import { attachGraphQLWebSocket } from '../graphql/websocket.ts';
import type { HeraldConfig } from '../config/config.ts';
import type { Runtime } from './runtime.ts';
import { capConnections } from './connection-cap.ts';

export interface ApiServer {
  server: Server;
  port: number;
  /** The address bound, as `host:port` (`[::1]:4000` for IPv6). */
  address: string;
  /** A URL to reach it from this machine: `localhost` for loopback and every-interface addresses. */
  url: string;
  /** Stops accepting requests; requests in flight finish (bounded by `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export async function startApiServer(runtime: Runtime, options: { port: number; host: string; isDraining: () => boolean }): Promise<ApiServer> {
  const yoga = createHeraldYoga({
    services: runtime.services,
    log: runtime.log,
    metrics: runtime.metrics,
    isReady: () => readinessOf(runtime, options.isDraining(), { lookForWorkers: true }),
  });
  const { config } = runtime;
  const server = createServer({ connectionsCheckingInterval: checkingIntervalFor(config.headersTimeoutMs) }, yoga);
  let sockets: ReturnType<typeof attachGraphQLWebSocket> | undefined;
  const api = await listen(server, options.port, options.host, config, async () => {
    await sockets?.dispose();
    await yoga.dispose();
  });
  // Attached once listening: the WebSocket server re-emits the HTTP server's errors, so a port in
  // use was also logged as a "graphql-ws server error" with its stack.
  sockets = attachGraphQLWebSocket(server, yoga, runtime.services, runtime.log);
  return api;
}

/**
 * Node checks the timeouts below only every `connectionsCheckingInterval` (30 s by default), so a
 * half-sent request outlived a 10 s headersTimeout by up to 30 s; checking a few times per timeout
 * closes it within about 1.25 × the timeout.
 */
function checkingIntervalFor(headersTimeoutMs: number): number {
  return Math.max(25, Math.min(1_000, Math.floor(headersTimeoutMs / 4)));
}

async function listen(server: Server, port: number, host: string, limits: Pick<HeraldConfig, 'maxConnections' | 'headersTimeoutMs' | 'requestTimeoutMs'>, dispose: () => Promise<void> | void): Promise<ApiServer> {
  // Slow-loris guard: a client must send its headers and its whole request within these bounds,
  // else its connection is closed (408).
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // HERALD_MAX_CONNECTIONS: the connections held are served and the timeouts above free places
  // for new ones; past the cap only the probes are answered (connection-cap.ts).
  const cap = capConnections(server, limits.maxConnections);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const hostPart = (address: string) => (bound.family === 'IPv6' ? `[${address}]` : address);
  const reachableAs = ['127.0.0.1', '::1', '0.0.0.0', '::'].includes(bound.address) ? 'localhost' : hostPart(bound.address);
  return {
    server,
    port: bound.port,
    address: `${hostPart(bound.address)}:${bound.port}`,
    url: `http://${reachableAs}:${bound.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        cap.close();
        server.closeIdleConnections();
        void dispose();
      }),
  };
}

/**
 * The start-up line of an API process: where it listens, then the next step (the developer's page
 * and GraphiQL outside production, and the command that makes a portal link).
 */
export function listeningLine(server: Pick<ApiServer, 'url' | 'address'>, config: Pick<HeraldConfig, 'nodeEnv' | 'graphiql'>): string {
  const next = [
    ...(config.nodeEnv !== 'production' ? [`open ${server.url}/`] : []),
    ...(config.graphiql ? [`GraphiQL at ${server.url}/graphql`] : []),
    'a portal link: npm run --silent herald -- portal-link --org <slug>',
  ];
  return `Herald is listening on ${server.url}/graphql (bound to ${server.address}). Next: ${next.join('; ')}`;
}

/** `herald worker` serves only the probes on PORT, for orchestrators. */
export async function startProbeServer(runtime: Runtime, options: { port: number; host: string; isDraining: () => boolean }): Promise<ApiServer> {
  const server = createServer({ connectionsCheckingInterval: checkingIntervalFor(runtime.config.headersTimeoutMs) }, (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health') {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      return void response.end(healthBody());
    }
    if (path === '/metrics') {
      const status = metricsAccess(runtime.config, request.headers.authorization);
      if (status !== 200) {
        if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
        response.statusCode = status;
        return void response.end();
      }
      void runtime.metrics.render().then(({ contentType, body }) => {
        response.setHeader('content-type', contentType);
        response.end(body);
      });
      return;
    }
    if (path === '/ready') {
      void (async () => {
        // This process is the worker: it does not look for others.
        const readiness = await readinessOf(runtime, options.isDraining(), { lookForWorkers: false });
        response.statusCode = readiness.ready ? 200 : 503;
        response.setHeader('content-type', 'application/json; charset=utf-8');
        response.end(readinessBody(readiness));
      })();
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  return listen(server, options.port, options.host, runtime.config, async () => undefined);
}
