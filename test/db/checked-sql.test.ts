// De-risks raw SQL whose result type is written by hand: each checked query's declared columns
// (src/db/checked-sql.ts) must be exactly what PostgreSQL describes when the query runs — names,
// order and types — against the migrated schema. A column added to a RETURNING list, renamed or
// retyped without its declaration fails here, not in production.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckedQuery, Columns } from '../../src/db/checked-sql.ts';
import { ABANDON, CANCEL_PENDING, CLAIM, HOLD_PAUSED, RECORD, RESET_HEALTHY } from '../../src/delivery-state/transitions.ts';
import { HOLD_FOR_SLOT, LIMITED_JOBS, RESERVE_SLOTS } from '../../src/delivery-state/rate-limit.ts';
import { PLAIN_HEADER_VALUES } from '../../src/endpoints/endpoints.ts';
import { CLEAR_FAILING, MARK_FAILING } from '../../src/operational-events/attempt-events.ts';
import { ADMIT_TOGGLE, TOGGLE_BUDGET_STATE } from '../../src/operational-events/toggle-budget.ts';
import { QUEUE_DEPTH } from '../../src/processes/runtime.ts';
import { DUE_QUEUE_HEAD } from '../../src/worker/queue.ts';
import { DETACHED_PARTITIONS, ENSURE_PARTITIONS, HISTORY_PARTITIONS } from '../../src/worker/partitions.ts';
import { EXPIRED_BY_TIME } from '../../src/worker/retention.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { CURRENT_SNAPSHOT, DELIVERY_STATE, type DeliveryState } from '../../src/pubsub/notices.ts';
import { CANCEL_SCHEDULED, INSERT_DELIVERIES, RESUME_PAUSED } from '../../src/delivery-state/scheduling.ts';
import { KEY_BY_HASH } from '../../src/api-keys/api-keys.ts';
import { CATALOG_ENTRIES, CLAIM_KEYS, EVENTS_BY_KEY, INSERT_EVENTS, RECEIVING_ENDPOINTS, STILL_PAUSED } from '../../src/events/publish.ts';
import { FOLD_SHARDS } from '../../src/delivery-state/outcome-rollup.ts';
import { MISSED_EVENTS } from '../../src/deliveries/replay-missing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// `any` here on purpose: the list holds queries of every argument and column type.
const QUERIES: Array<CheckedQuery<any, Columns>> = [CLAIM, RECORD, ABANDON, CANCEL_PENDING, RESET_HEALTHY, PLAIN_HEADER_VALUES, QUEUE_DEPTH, CURRENT_SNAPSHOT, INSERT_DELIVERIES, CATALOG_ENTRIES, EVENTS_BY_KEY, INSERT_EVENTS, RECEIVING_ENDPOINTS, KEY_BY_HASH, MARK_FAILING, CLEAR_FAILING, ADMIT_TOGGLE, TOGGLE_BUDGET_STATE, ENSURE_PARTITIONS, HISTORY_PARTITIONS, DETACHED_PARTITIONS, EXPIRED_BY_TIME, CLAIM_KEYS, CANCEL_SCHEDULED, LIMITED_JOBS, RESERVE_SLOTS, HOLD_FOR_SLOT, DUE_QUEUE_HEAD, FOLD_SHARDS, HOLD_PAUSED, RESUME_PAUSED, STILL_PAUSED, MISSED_EVENTS];

let database: TestDatabase;
let client: pg.Client;
let typeNames: Map<number, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const types = await client.query<{ oid: number; typname: string }>('SELECT oid::int, typname FROM pg_type');
  typeNames = new Map(types.rows.map((row) => [row.oid, row.typname]));
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** What PostgreSQL says the query returns, run on its sample arguments and rolled back. */
async function describeQuery(query: CheckedQuery<unknown, Columns>): Promise<Array<[string, string]>> {
  const sql = query.sql(query.sample);
  await client.query('BEGIN');
  try {
    const result = await client.query(sql.text, sql.values as unknown[]);
    return result.fields.map((field) => [field.name, typeNames.get(field.dataTypeID) ?? `oid ${field.dataTypeID}`]);
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('checked SQL', () => {
  it.each(QUERIES.map((query) => [query.name, query] as const))('%s returns exactly the columns it declares', async (_name, query) => {
    const declared = Object.entries(query.columns).map(([name, column]) => [name, column.pg]);
    expect(await describeQuery(query)).toEqual(declared);
  });

  it('the delivery state raw writes return has every key of DeliveryState, and no other', async () => {
    const db = database.prisma;
    const organization = await db.organization.create({ data: { slug: 'checked-sql', name: 'Checked' } });
    const endpoint = await db.endpoint.create({ data: { organizationId: organization.id, name: 'e', url: 'https://example.com', eventTypes: ['*'], projects: [], secretSealed: 'x' } });
    const event = await db.event.create({ data: { organizationId: organization.id, type: 'webhook.test', payload: {} } });
    await db.delivery.create({ data: { organizationId: organization.id, eventId: event.id, endpointId: endpoint.id } });
    const sql = Prisma.sql`SELECT ${DELIVERY_STATE} FROM deliveries d`;
    const { rows } = await client.query<{ state: Record<string, unknown> }>(sql.text, sql.values as unknown[]);
    // Every key of the interface, checked both ways at compile time.
    const keys = ['id', 'organizationId', 'endpointId', 'eventId', 'status', 'attemptCount', 'nextAttemptAt', 'lastStatusCode', 'lastError', 'completedAt'] as const;
    const exhaustive: Exclude<keyof DeliveryState, (typeof keys)[number]> extends never ? true : false = true;
    expect(exhaustive).toBe(true);
    expect(Object.keys(rows[0]!.state).sort()).toEqual([...keys].sort());
  });

  it('fails for a query whose declaration is wrong (the check itself works)', async () => {
    const wrong = { ...QUEUE_DEPTH, columns: { n: { pg: 'int4' } } };
    expect(await describeQuery(wrong)).not.toEqual([['n', 'int4']]);
  });
});
