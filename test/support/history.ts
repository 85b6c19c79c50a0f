// History rows for the partitioning tests: events, deliveries and attempts with UUIDv7 ids made at
// chosen moments (so they land in chosen day partitions), written with plain SQL so the same rows
// can go into the schema before partitioning and after it.
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';

export const DAY_MS = 86_400_000;

/** Midnight UTC of the day `days` after today's. */
export function dayStart(days: number, now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS + days * DAY_MS;
}

export const idAt = (msecs: number) => uuidv7({ msecs });

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface Tenant {
  organizationId: string;
  endpointId: string;
}

export async function insertTenant(client: pg.Client, slug: string): Promise<Tenant> {
  const organizationId = idAt(dayStart(-30));
  const endpointId = idAt(dayStart(-30) + 1);
  await client.query(`INSERT INTO event_types (name) VALUES ('order.created') ON CONFLICT DO NOTHING`);
  await client.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [organizationId, slug]);
  await client.query(
    `INSERT INTO endpoints (id, organization_id, name, url, event_types, projects, secret_sealed) VALUES ($1, $2, 'e', 'https://example.com/hook', '{*}', '{}', 'sealed')`,
    [endpointId, organizationId],
  );
  return { organizationId, endpointId };
}

export async function insertEvent(
  client: pg.Client,
  tenant: Tenant,
  at: number,
  options: { createdAt?: number; idempotencyKey?: string; requestHash?: Buffer; payload?: unknown; id?: string } = {},
): Promise<string> {
  const id = options.id ?? idAt(at);
  await client.query(
    `INSERT INTO events (id, organization_id, type, payload, idempotency_key, request_hash, created_at) VALUES ($1, $2, 'order.created', $3, $4, $5, $6)`,
    [id, tenant.organizationId, JSON.stringify(options.payload ?? { at }), options.idempotencyKey ?? null, options.requestHash ?? null, new Date(options.createdAt ?? at)],
  );
  return id;
}

export async function insertDelivery(client: pg.Client, tenant: Tenant, eventId: string, at: number): Promise<string> {
  const id = idAt(at);
  await client.query(
    `INSERT INTO deliveries (id, organization_id, event_id, endpoint_id, status, attempt_count, created_at, updated_at, completed_at, last_status_code)
     VALUES ($1, $2, $3, $4, 'SUCCEEDED', 1, $5, $5, $5, 200)`,
    [id, tenant.organizationId, eventId, tenant.endpointId, new Date(at)],
  );
  return id;
}

export async function insertAttempt(client: pg.Client, deliveryId: string, number: number, at: number): Promise<string> {
  const id = idAt(at);
  await client.query(
    `INSERT INTO attempts (id, delivery_id, number, started_at, duration_ms, response_status, response_body) VALUES ($1, $2, $3, $4, 12, 200, 'ok')`,
    [id, deliveryId, number, new Date(at)],
  );
  return id;
}

/** Every row of a table as JSON, ordered by id: compared before and after a migration. */
export async function rowsOf(client: pg.Client, table: string): Promise<unknown[]> {
  const { rows } = await client.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY id`);
  return rows.map((r) => r.row);
}

/** The partition each row of a table is in, by id. */
export async function partitionOf(client: pg.Client, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string; part: string }>(`SELECT id, tableoid::regclass::text AS part FROM ${table}`);
  return new Map(rows.map((r) => [r.id, r.part]));
}

/** `<table>_pYYYYMMDD`: the day partition of a moment. */
export function dayPartition(table: string, at: number): string {
  return `${table}_p${new Date(at).toISOString().slice(0, 10).replaceAll('-', '')}`;
}
