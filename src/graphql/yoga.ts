// The HTTP face of the API, built by a factory so tests call `yoga.fetch` without a port and the
// processes wrap the same object in a Node server.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { authenticateKey, type Authentication } from '../api-keys/api-keys.ts';
import { parseBearer, readBearer } from '../auth/api-key-token.ts';
import type { Logger } from '../log.ts';
import type { AppServices, Context, Principal } from './context.ts';
import type { HeraldMetrics } from '../metrics/metrics.ts';
import { metricsAccess } from '../metrics/metrics-access.ts';
import { renderGraphiQL, useGraphiQLAssets, useSecurityHeaders } from './graphiql.ts';
import { jsonElementBudgets } from '../json-value.ts';
import { useJsonElementBudget } from './json-element-budget.ts';
import { useNoNulCharacters } from './nul-characters.ts';
import { connectionArgumentErrorFor } from './pagination.ts';
import { useRequestLimits } from './request-limits.ts';
import { armorConfig } from './query-limits.ts';
import { createResponseBudget, useResponseBudgetPerEvent } from './response-budget.ts';
import { heraldSchema } from './schema.ts';
import { useProbes, type Readiness } from './probes.ts';
import { useJwksRoute } from './jwks-route.ts';
import { usePortal } from '../portal/serve-portal.ts';
import { useSubscriptionReady } from './subscription-ready.ts';
import { useItemCursors } from './subscription-cursor.ts';
import { useSharedSubscriptionExecution } from './subscription-sharing.ts';
import { createSseLimits, type SseLimits } from './sse-limits.ts';
import { KEY_CHECK_MS } from './subscription-auth.ts';
import { useGraphQLSpans } from './operation-spans.ts';
import { encodeGlobalId } from '../global-id.ts';

export interface HeraldYogaOptions {
  services: AppServices;
  log: Logger;
  /** Served on /metrics. */
  metrics?: Pick<HeraldMetrics, 'render'>;
  /** /ready answers 200 only while this resolves ready (database reachable, migrated, not draining), with its checks. */
  isReady: () => Promise<boolean | Readiness>;
  /** The built portal served on /portal/; default portal/dist (src/portal/serve-portal.ts). */
  portalDir?: string;
  /** How often the keys holding SSE streams are looked at again (default as graphql-ws's, KEY_CHECK_MS). */
  keyCheckMs?: number;
}

export type HeraldYoga = YogaServerInstance<Record<string, unknown>, Context>;

// What each Yoga's SSE streams hold, for tests and the fault suite to watch (nothing else reads it).
const sseLimitsOf = new WeakMap<HeraldYoga, SseLimits>();
export function sseStreamsHeld(yoga: HeraldYoga): ReturnType<SseLimits['held']> {
  return sseLimitsOf.get(yoga)?.held() ?? { streams: 0, subscriptions: 0, keys: 0 };
}

export function createHeraldYoga({ services, log, isReady, metrics, portalDir, keyCheckMs = KEY_CHECK_MS }: HeraldYogaOptions): HeraldYoga {
  const { config } = services;
  const sseLimits = createSseLimits(services, log, keyCheckMs);
  // The key is looked up once per HTTP request: by the body limits (before the body is read) and
  // then by the context factory, which finds it here. Keyed by the Request, so it goes with it.
  const authentications = new WeakMap<Request, Promise<Authentication | null>>();
  const authenticationOfRequest = (request: Request): Promise<Authentication | null> => {
    let authentication = authentications.get(request);
    if (!authentication) {
      authentication = authenticationOf(services, request.headers.get('authorization'));
      authentications.set(request, authentication);
    }
    return authentication;
  };
  const principalOfRequest = async (request: Request): Promise<Principal | null> => {
    const authentication = await authenticationOfRequest(request);
    return authentication?.ok ? authentication.principal : null;
  };
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema: heraldSchema(),
    graphqlEndpoint: '/graphql',
    // /health and /ready are Herald's (useProbes, with JSON bodies). Yoga's own health check cannot be
    // turned off and answers any URL ending with its endpoint: it is given one no request uses.
    healthCheckEndpoint: '/.herald-unused-yoga-health-check',
    landingPage: false,
    logging: false,
    graphiql: config.graphiql ? { title: 'Herald', headers: JSON.stringify({ Authorization: 'Bearer <your key>' }) } : false,
    renderGraphiQL,
    // Herald's parser (request-limits.ts) is the one body limit. Yoga's own, 25,000,000 bytes by
    // default, sat below HERALD_MAX_REQUEST_BYTES's default (27.5 MiB) and so was the limit in force.
    maxRequestBodySize: false,
    // Only configured origins, never `null` (sandboxed frames and file: pages send Origin: null);
    // no credentials, since Herald's keys travel in the Authorization header, not in cookies.
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (origin === null || !config.corsOrigins.includes(origin)) return false;
      return { origin: config.corsOrigins, credentials: false, methods: ['GET', 'POST', 'OPTIONS'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 };
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        const argumentError = error instanceof GraphQLError ? connectionArgumentErrorFor(error) : null;
        if (argumentError) return argumentError;
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original && !(original instanceof GraphQLError)) {
          log.error('unexpected error', { error: String((original as Error).stack ?? original) });
        }
        return maskError(error, message, isDev);
      },
    },
    // HTTP and SSE carry the key in the Authorization header; graphql-ws in connection_init. The
    // factory runs once per HTTP request and once per graphql-ws operation (websocket.ts), so each
    // gets its own response budget.
    context: async (initial): Promise<Context> => {
      const { request, connectionParams } = initial as { request?: Request; connectionParams?: { authorization?: unknown } };
      const authorization = request?.headers ? request.headers.get('authorization') : typeof connectionParams?.authorization === 'string' ? connectionParams.authorization : null;
      const authentication = request?.headers ? await authenticationOfRequest(request) : await authenticationOf(services, authorization);
      const refusal = authentication && !authentication.ok ? authentication.reason : undefined;
      return {
        ...services,
        principal: authentication?.ok ? authentication.principal : null,
        keyRefusal: refusal === 'UNKNOWN' ? undefined : refusal,
        keyProblem: authentication ? (refusal === 'UNKNOWN' ? 'UNKNOWN' : undefined) : readBearer(authorization).kind === 'MALFORMED' ? 'MALFORMED' : 'MISSING',
        responseBudget: createResponseBudget(config.maxResponseBytes),
      };
    },
    plugins: [
      useGraphQLSpans({ organizationOf: (ctx) => organizationOfPrincipal((ctx as Partial<Context>).principal) }),
      useSecurityHeaders(),
      useProbes({ isReady, developerPage: config.nodeEnv === 'production' ? null : { graphiql: config.graphiql } }),
      useJwksRoute(services.db),
      usePortal({ dir: portalDir, frameAncestors: config.portalFrameAncestors, publicUrl: config.publicUrl }),
      ...(metrics ? [useMetricsEndpoint(metrics, config)] : []),
      ...(config.graphiql ? [useGraphiQLAssets()] : []),
      useRequestLimits({ maxRequestBytes: config.maxRequestBytes, maxRequestBytesWithoutPublish: config.maxRequestBytesWithoutPublish, principalOf: principalOfRequest }),
      // Before the NUL check: it is the first walk over the variables.
      useJsonElementBudget(jsonElementBudgets(config.maxPayloadBytes)),
      useNoNulCharacters(),
      useResponseBudgetPerEvent(),
      sseLimits.plugin,
      useSubscriptionReady(),
      useItemCursors(),
      useSharedSubscriptionExecution(),
      EnvelopArmorPlugin(armorConfig({ hideFieldSuggestions: config.nodeEnv === 'production' })),
    ],
  });
  sseLimitsOf.set(yoga, sseLimits);
  return yoga;
}

function organizationOfPrincipal(principal: Principal | null | undefined): string | undefined {
  return principal?.kind === 'organization' ? encodeGlobalId('Organization', principal.organizationId) : undefined;
}

/** Null without a bearer key. */
async function authenticationOf(services: AppServices, authorization: string | null): Promise<Authentication | null> {
  const token = parseBearer(authorization);
  return token ? authenticateKey(services.sql, token) : null;
}

/** GET /metrics answers the Prometheus text format, before any GraphQL handling (access: metrics-access.ts). */
function useMetricsEndpoint(metrics: Pick<HeraldMetrics, 'render'>, config: HeraldYogaOptions['services']['config']): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics' || request.method !== 'GET') return;
      const status = metricsAccess(config, request.headers.get('authorization'));
      if (status !== 200) {
        return endResponse(new Response(null, { status, headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {} }));
      }
      const { contentType, body } = await metrics.render();
      endResponse(new Response(body, { headers: { 'content-type': contentType } }));
    },
  };
}
