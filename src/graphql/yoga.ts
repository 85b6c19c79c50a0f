// The HTTP face of the API, built by a factory so tests call `yoga.fetch` without a port and the
// processes wrap the same object in a Node server.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, useReadinessCheck, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { authenticate } from '../api-keys/api-keys.ts';
import { parseBearer } from '../auth/api-key-token.ts';
import type { Logger } from '../log.ts';
import type { AppServices, Context, Principal } from './context.ts';
import type { HeraldMetrics } from '../metrics/metrics.ts';
import { useNoNulCharacters } from './nul-characters.ts';
import { useRequestLimits } from './request-limits.ts';
import { heraldSchema } from './schema.ts';

export interface HeraldYogaOptions {
  services: AppServices;
  log: Logger;
  /** Served on /metrics. */
  metrics?: Pick<HeraldMetrics, 'render'>;
  /** /ready answers 200 only while this resolves true (database reachable, migrated, not draining). */
  isReady: () => Promise<boolean>;
}

export type HeraldYoga = YogaServerInstance<Record<string, unknown>, Context>;

export function createHeraldYoga({ services, log, isReady, metrics }: HeraldYogaOptions): HeraldYoga {
  const { config } = services;
  return createYoga<Record<string, unknown>, Context>({
    schema: heraldSchema(),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: false,
    graphiql: { title: 'Herald', headers: JSON.stringify({ Authorization: 'Bearer <your key>' }) },
    cors:
      config.corsOrigins.length > 0
        ? { origin: config.corsOrigins, methods: ['GET', 'POST', 'OPTIONS'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 }
        : false,
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original && !(original instanceof GraphQLError)) {
          log.error('unexpected error', { error: String((original as Error).stack ?? original) });
        }
        return maskError(error, message, isDev);
      },
    },
    // HTTP and SSE carry the key in the Authorization header; graphql-ws in connection_init.
    context: async (initial): Promise<Context> => {
      const { request, connectionParams } = initial as { request?: Request; connectionParams?: { authorization?: unknown } };
      const header = request?.headers?.get?.('authorization') ?? (typeof connectionParams?.authorization === 'string' ? connectionParams.authorization : null);
      return { ...services, principal: await principalOf(services, header) };
    },
    plugins: [
      ...(metrics ? [useMetricsEndpoint(metrics)] : []),
      useRequestLimits(config.maxRequestBytes),
      useNoNulCharacters(),
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 5000 },
        costLimit: { maxCost: 5000 },
        blockFieldSuggestion: { enabled: true },
      }),
      useReadinessCheck({
        endpoint: '/ready',
        check: async () => {
          if (!(await isReady())) return new Response('not ready', { status: 503 });
          return true;
        },
      }),
    ],
  });
}

async function principalOf(services: AppServices, authorization: string | null): Promise<Principal | null> {
  const token = parseBearer(authorization);
  return token ? authenticate(services.db, token) : null;
}

/** GET /metrics answers the Prometheus text format, before any GraphQL handling. */
function useMetricsEndpoint(metrics: Pick<HeraldMetrics, 'render'>): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics' || request.method !== 'GET') return;
      const { contentType, body } = await metrics.render();
      endResponse(new Response(body, { headers: { 'content-type': contentType } }));
    },
  };
}
