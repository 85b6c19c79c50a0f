// A Herald API over a fresh database, called through `yoga.fetch` (the whole HTTP pipeline, no
// port). Config is built inline; the encryption key is random per test file.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachGraphQLWebSocket, type GraphQLWebSocket } from '../../src/graphql/websocket.ts';
import type { ChangeFeed } from '../../src/pubsub/changes.ts';
import { createAdminKey, createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { configFromDefaults, type HeraldConfig } from '../../src/config/config.ts';
import type { AppServices } from '../../src/services.ts';
import { encodeGlobalId } from '../../src/global-id.ts';
import { createHeraldYoga, type HeraldYoga } from '../../src/graphql/yoga.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { openRuntime } from '../../src/processes/runtime.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { createTestDatabase } from './database.ts';

// `any` here on purpose: tests walk arbitrary result shapes and assert on them.
export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface TestHerald {
  config: HeraldConfig;
  services: AppServices;
  db: AppServices['db'];
  yoga: HeraldYoga;
  databaseUrl: string;
  adminKey: string;
  /** POST /graphql with an optional bearer key. */
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  /** An organization and a key for it (all scopes unless given). */
  organization(slug: string, scopes?: string[]): Promise<{ id: string; globalId: string; key: string }>;
  feed: ChangeFeed;
  /** The same API on a real port, with graphql-ws on /graphql. */
  listen(): Promise<{ url: string; wsUrl: string; sockets: GraphQLWebSocket; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * The runtime is opened by `openRuntime`, as `herald api` opens it (and `herald serve` when a
 * worker is asked for: the worker is started by `startWorker`, as there), so a test cannot pass with
 * a wiring production lacks. The encryption key is random unless the config names one.
 */
export async function startTestHerald(overrides: Partial<HeraldConfig> = {}, options: { worker?: boolean; log?: Logger } = {}): Promise<TestHerald> {
  const log = options.log ?? silentLogger;
  const database = await createTestDatabase();
  const config = configFromDefaults({ nodeEnv: 'test', encryptionKeyBase64: randomBytes(32).toString('base64'), ...overrides, databaseUrl: database.url });
  const runtime = await openRuntime(config, log, { queue: true, listen: true, work: options.worker ?? false });
  const feed = runtime.changeFeed!;
  await feed.target.ready;
  const services = runtime.services;
  const worker = options.worker ? await startWorker(runtime, runtime.boss!) : null;
  const yoga = createHeraldYoga({ services, log, isReady: async () => true });
  const adminKey = (await createAdminKey(services.db)).token;

  return {
    config,
    services,
    db: services.db,
    yoga,
    databaseUrl: database.url,
    adminKey,
    async graphql(query, variables, bearer) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const response = await yoga.fetch('http://herald.test/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async organization(slug, scopes) {
      const organization = await createOrganization(services.db, { slug });
      const { token } = await createOrganizationKey(services.db, { organizationId: organization.id, scopes });
      return { id: organization.id, globalId: encodeGlobalId('Organization', organization.id), key: token };
    },
    feed,
    async listen() {
      const server = createServer(yoga);
      const sockets = attachGraphQLWebSocket(server, yoga, services, silentLogger);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}/graphql`,
        wsUrl: `ws://127.0.0.1:${port}/graphql`,
        sockets,
        close: async () => {
          await sockets.dispose();
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
    async close() {
      await worker?.stop(2_000);
      await yoga.dispose();
      await runtime.close();
      await database.drop();
    },
  };
}
