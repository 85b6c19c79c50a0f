// The Prisma client over the `pg` driver adapter. No module-level client: each process (and each
// test) creates its own from a URL and disconnects it when done.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export { PrismaClient };
export type Db = PrismaClient;
/** The client an interactive transaction hands its callback. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function createPrisma(databaseUrl: string, options: { poolMax?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolMax ?? 10,
    // pg's default is to wait forever for a free connection; a stuck pool must surface as an error.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // adapter-pg reads and writes timestamptz wrongly when the session time zone is not UTC.
    options: '-c timezone=UTC',
  });
  return new PrismaClient({
    adapter,
    // Prisma gives an interactive transaction 2 s to get a connection and 5 s to finish. Under a
    // burst (measured by `npm run bench`: a retry storm, a backlog of publishes) a CPU-bound API
    // passed 2 s while connections were free, and publishEvent failed instead of waiting. Load
    // should slow writes down, not lose them; the pool's own connectionTimeoutMillis still bounds
    // a stuck pool.
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  });
}
