// One-off statements against a PostgreSQL server: URLs of its databases, CREATE/DROP DATABASE.
// Used by the test suite and the benchmark, which make and drop databases of their own.
import pg from 'pg';

/** The same server and credentials, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** CREATE/DROP DATABASE and the like, on a connection of their own. */
export async function runAdminSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
