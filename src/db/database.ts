// Where Herald's data lives: DATABASE_URL's server when set, otherwise an embedded PostgreSQL
// kept under <dataDir>/postgres (started on demand, shared with other Herald processes).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  log?: (line: string) => void;
}): Promise<OpenDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, close: async () => undefined };
  mkdirSync(options.dataDir, { recursive: true });
  const cluster = await startEmbeddedPostgres({
    dataDir: join(options.dataDir, 'postgres'),
    persistent: true,
    ...(options.log ? { log: options.log } : {}),
  });
  return { url: cluster.url, embedded: true, close: () => cluster.stop() };
}
