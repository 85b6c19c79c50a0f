// Opening and closing what every Herald process needs: the database (embedded or DATABASE_URL),
// its migrations, the Prisma client and the encryption key. The only code that starts or stops
// anything lives in src/processes.
import type { HeraldConfig } from '../config/config.ts';
import { resolveEncryptionKey } from '../config/encryption-key.ts';
import { openDatabase } from '../db/database.ts';
import { migrate, pendingMigrations } from '../db/migrate.ts';
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import { createPrisma, type Db } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { sealPlainHeaderValues } from '../endpoints/endpoints.ts';
import { encryptionKeyFromBytes } from '../endpoints/secret-box.ts';
import type { Logger } from '../log.ts';
import { createAppServices, type AppServices } from '../services.ts';
import { createBoss, createDeliveryQueue, DELIVER_QUEUE, ensureQueues, type DeliveryQueue } from '../worker/queue.ts';
import { FETCH_LOOPS } from '../worker/worker.ts';
import { ensureUtcThroughPooler } from '../db/pooled-connection.ts';
import { createMetrics, type HeraldMetrics } from '../metrics/metrics.ts';
import { openChangeFeed, type ChangeFeed } from '../pubsub/changes.ts';
import type { PgBoss } from 'pg-boss';
import { databaseStartupError } from './startup-error.ts';

/** Attempts waiting in the deliver queue, for the queue-depth metric. */
export const QUEUE_DEPTH = checkedQuery({
  name: 'queue depth',
  columns: { n: sqlTypes.int8 },
  sample: { queue: DELIVER_QUEUE },
  sql: ({ queue }: { queue: string }) => Prisma.sql`SELECT count(*) AS n FROM pgboss.job WHERE name = ${queue} AND state IN ('created', 'retry')`,
});

/** For one-shot commands that never publish. */
const NO_QUEUE: DeliveryQueue = {
  enqueue: () => Promise.reject(new Error('this process has no delivery queue')),
};

export interface Runtime {
  config: HeraldConfig;
  /** Started pg-boss (absent for one-shot CLI commands, which enqueue nothing). */
  boss: PgBoss | null;
  databaseUrl: string;
  db: Db;
  services: AppServices;
  log: Logger;
  metrics: HeraldMetrics;
  /** The LISTEN connection behind subscriptions (API processes only). */
  changeFeed: ChangeFeed | null;
  /** True while the database answers and every migration is applied. */
  databaseReady(): Promise<boolean>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Start pg-boss (one-shot CLI commands do not). */
  queue: boolean;
  /** LISTEN for changes, to serve subscriptions (API processes). */
  listen: boolean;
  /** Run delivery workers (and so supervise the queues). */
  work?: boolean;
}

export async function openRuntime(config: HeraldConfig, log: Logger, options: RuntimeOptions = { queue: true, listen: true }): Promise<Runtime> {
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      dataDir: config.dataDir,
      log: (line) => log.info(line),
    });
  } catch (error) {
    throw databaseStartupError(error, config.databaseUrl, !config.databaseUrl) ?? error;
  }
  try {
    // Behind a transaction pooler, what needs a session of its own (the migrations' lock, pg-boss
    // and its LISTEN, the change feed's LISTEN) takes the direct connection.
    const directUrl = config.databaseDirectUrl ?? database.url;
    const pooled = directUrl !== database.url;
    const { applied } = await migrate(directUrl, { log: (line) => log.info(line) }).catch((error: unknown) => {
      throw (pooled ? databaseStartupError(error, directUrl, false, 'HERALD_DIRECT_DATABASE_URL') : null) ?? error;
    });
    if (applied.length > 0) log.info(`applied ${applied.length} migration(s)`, { applied });
    if (pooled) await ensureUtcThroughPooler(directUrl, database.url);
    const db = createPrisma(database.url, { pooled });
    const key = encryptionKeyFromBytes(await resolveEncryptionKey(config, (line) => log.warn(line)));
    let boss: PgBoss | null = null;
    if (options.queue) {
      // Direct connections are the scarce ones behind a pooler: a worker's fetch loops, an API's enqueues.
      const bossConnections = pooled ? ((options.work ?? true) ? FETCH_LOOPS : 2) : 5;
      boss = createBoss(directUrl, log, bossConnections, options.work ?? true, config.queueTimings);
      await boss.start();
      await ensureQueues(boss, config, config.queueTimings);
    }
    const feed = options.listen ? openChangeFeed(directUrl, (line) => log.warn(line), config.changeRetentionMs) : null;
    const services = createAppServices(db, config, key, boss ? createDeliveryQueue(boss, config, config.queueTimings) : NO_QUEUE, feed?.changes);
    const sealed = await sealPlainHeaderValues(db, services.encryptionKeys);
    if (sealed > 0) log.info(`sealed the custom header values of ${sealed} endpoint(s) stored in the clear by an older Herald`);
    const metrics = createMetrics({
      queueDepth: async () => {
        const rows = await QUEUE_DEPTH.run(db, { queue: DELIVER_QUEUE });
        return Number(rows[0]?.n ?? 0);
      },
      disabledEndpoints: async () => {
        const rows = await db.endpoint.groupBy({ by: ['disabledReason'], where: { active: false }, _count: true });
        return rows.map((row) => ({ reason: row.disabledReason ?? 'MANUAL', count: row._count }));
      },
      openSubscriptions: () => feed?.target.listenerCount() ?? 0,
    });
    return {
      config,
      boss,
      metrics,
      databaseUrl: database.url,
      db,
      services,
      log,
      databaseReady: async () => {
        try {
          await db.$queryRaw`SELECT 1`;
          return (await pendingMigrations(database.url)).length === 0;
        } catch {
          return false;
        }
      },
      changeFeed: feed,
      close: async () => {
        await feed?.close();
        await boss?.stop({ graceful: true, close: true, timeout: config.deliveryTimeoutMs + 5_000 });
        await db.$disconnect();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw databaseStartupError(error, database.url, database.embedded) ?? error;
  }
}
