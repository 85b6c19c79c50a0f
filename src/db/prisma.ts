// The Prisma client over the `pg` driver adapter. No module-level client: each process (and each
// test) creates its own from a URL and disconnects it when done.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export { PrismaClient };
export type Db = PrismaClient;
/** The client an interactive transaction hands its callback. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * The connection pool under each client. The hot paths (publishing, authenticating a request) run
 * their few statements on it directly: through Prisma's query compiler the same work cost several
 * times the CPU (the api's CPU profile while publishing, docs/benchmarks.md). Same pool, so the
 * process holds no extra connections.
 */
const pools = new WeakMap<PrismaClient, pg.Pool>();

export function sqlPool(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('sqlPool: this client was not made by createPrisma');
  return pool;
}

export function createPrisma(databaseUrl: string, options: { poolMax?: number; pooled?: boolean } = {}): PrismaClient {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolMax ?? 10,
    // pg's default is to wait forever for a free connection; a stuck pool must surface as an error.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // adapter-pg reads and writes timestamptz wrongly when the session time zone is not UTC. A
    // pooler refuses this startup parameter: behind one, the role's default is UTC instead
    // (src/db/pooled-connection.ts).
    ...(options.pooled ? {} : { options: '-c timezone=UTC' }),
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({
    adapter,
    // Prisma gives an interactive transaction 2 s to get a connection and 5 s to finish. Under a
    // burst (measured by `npm run bench`: a retry storm, a backlog of publishes) a CPU-bound API
    // passed 2 s while connections were free, and publishEvent failed instead of waiting. Load
    // should slow writes down, not lose them; the pool's own connectionTimeoutMillis still bounds
    // a stuck pool.
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  });
  pools.set(client, pool);
  return client;
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws (the error goes on to the caller). The hot paths' counterpart of `db.$transaction`.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      // A connection that cannot roll back is not given back to the pool.
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
