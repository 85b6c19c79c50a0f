// Retention by partitions: history spread over days, purged as of a later "now"; whole days older
// than the cutoff are dropped (gone from pg_inherits), recent rows stay, the rows outside the dropped
// days that belonged to them are deleted by rows, and nothing is left without its parent. Also the
// maintenance that creates days ahead, and the list query's plan over the partitions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/worker/retention.ts';
import { ensureHistoryPartitions, PARTITIONS_AHEAD_DAYS } from '../../src/worker/partitions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { dayPartition, dayStart, insertAttempt, insertDelivery, insertEvent, insertTenant, partitionOf, withClient, type Tenant } from '../support/history.ts';

const HOUR = 3_600_000;
// The test's history lies in the days after today (the template database's partitions start today),
// and "now" for retention is day 20: a 10-day retention keeps days 10 onwards.
const NOW = dayStart(20) + 12 * HOUR;
const RETENTION_DAYS = 10;

let database: TestDatabase;
let tenant: Tenant;
const kept = { events: [] as string[], deliveries: [] as string[], attempts: [] as string[] };
const stragglers = { delivery: '', lateAttempt: '', backdatedEvent: '' };

const count = (table: string) => withClient(database.url, async (client) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n));

async function partitionNames(table: string): Promise<string[]> {
  return withClient(database.url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`, [table]);
    return rows.map((r) => r.name);
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  // The template has today and a week ahead (days 0–7); days 8 to 16 + a week ahead are created.
  expect(await ensureHistoryPartitions(database.prisma, new Date(dayStart(16)))).toBe(3 * (16 + PARTITIONS_AHEAD_DAYS - 7));
  await withClient(database.url, async (client) => {
    tenant = await insertTenant(client, 'retention');
    for (let day = 0; day <= 15; day++) {
      const at = dayStart(day) + 12 * HOUR;
      const eventId = await insertEvent(client, tenant, at);
      if (day === 3 || day === 12) {
        await client.query(`INSERT INTO event_idempotency_keys (organization_id, key, event_id, request_hash) VALUES ($1, $2, $3, '\\x00')`, [tenant.organizationId, `key-${day}`, eventId]);
      }
      const deliveryId = await insertDelivery(client, tenant, eventId, at + 1_000);
      const attemptId = await insertAttempt(client, deliveryId, 1, at + 2_000);
      if (day >= 10) {
        kept.events.push(eventId);
        kept.deliveries.push(deliveryId);
        kept.attempts.push(attemptId);
      }
    }
    // Day 9's last event: its delivery is made after midnight (day 10), and retried on day 12.
    const lastOfDay9 = await insertEvent(client, tenant, dayStart(10) - 10);
    stragglers.delivery = await insertDelivery(client, tenant, lastOfDay9, dayStart(10) + 10);
    await insertAttempt(client, stragglers.delivery, 1, dayStart(10) + 20);
    // Day 8's delivery retried on day 12: the attempt outlives its delivery's partition.
    const day8 = await insertEvent(client, tenant, dayStart(8) + HOUR);
    const day8Delivery = await insertDelivery(client, tenant, day8, dayStart(8) + HOUR + 1);
    stragglers.lateAttempt = await insertAttempt(client, day8Delivery, 1, dayStart(12));
    // An event whose id is day 14's but whose created_at says day 5: expired by its own clock.
    stragglers.backdatedEvent = await insertEvent(client, tenant, dayStart(14) + HOUR, { createdAt: dayStart(5) });
    const backdatedDelivery = await insertDelivery(client, tenant, stragglers.backdatedEvent, dayStart(14) + HOUR + 1);
    await insertAttempt(client, backdatedDelivery, 1, dayStart(14) + HOUR + 2);
  });
}, 60_000);

afterAll(() => database.drop());

describe('retention by partitions', () => {
  it('drops the days wholly older than the cutoff and deletes by rows only what outlived them', async () => {
    const result = await purgeExpired(database.prisma, RETENTION_DAYS, new Date(NOW));
    // Per table: the MINVALUE partition and days 0–9. By rows: the backdated event, its delivery,
    // the cross-midnight delivery, the late attempt, day 3's idempotency key.
    expect(result).toEqual({ partitionsDropped: 3 * 11, rowsDeleted: 5 });
    for (const table of ['events', 'deliveries', 'attempts']) {
      const names = await partitionNames(table);
      expect(names).not.toContain(`${table}_before`);
      for (let day = 0; day <= 9; day++) expect(names).not.toContain(dayPartition(table, dayStart(day)));
      for (let day = 10; day <= 23; day++) expect(names).toContain(dayPartition(table, dayStart(day)));
    }
    await withClient(database.url, async (client) => {
      const ids = async (table: string) => (await client.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).rows.map((r) => r.id);
      expect(await ids('events')).toEqual(kept.events);
      expect(await ids('deliveries')).toEqual(kept.deliveries);
      expect(await ids('attempts')).toEqual(kept.attempts);
      const { rows: keys } = await client.query<{ key: string }>('SELECT key FROM event_idempotency_keys');
      expect(keys.map((k) => k.key)).toEqual(['key-12']);
      const orphans = await client.query(
        `SELECT 1 FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = d.event_id)
         UNION ALL SELECT 1 FROM attempts a WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id)`);
      expect(orphans.rows).toEqual([]);
    });
  });

  it('does nothing more on a second run', async () => {
    expect(await purgeExpired(database.prisma, RETENTION_DAYS, new Date(NOW))).toEqual({ partitionsDropped: 0, rowsDeleted: 0 });
  });

  it('drops a day a stopped run detached but did not drop', async () => {
    const day10 = dayPartition('attempts', dayStart(10));
    await withClient(database.url, (client) => client.query(`ALTER TABLE attempts DETACH PARTITION ${day10}`));
    expect(await purgeExpired(database.prisma, RETENTION_DAYS, new Date(NOW))).toEqual({ partitionsDropped: 1, rowsDeleted: 0 });
    expect(await withClient(database.url, async (client) => (await client.query('SELECT to_regclass($1) AS t', [day10])).rows[0].t)).toBeNull();
    kept.attempts.shift();
  });

  it('creates days ahead, moving rows the MAXVALUE partition caught into their day', async () => {
    const farAhead = dayStart(30) + HOUR;
    const eventId = await withClient(database.url, (client) => insertEvent(client, tenant, farAhead));
    expect((await withClient(database.url, (client) => partitionOf(client, 'events'))).get(eventId)).toBe('events_future');
    // Days 24–32 are missing: nine per table.
    expect(await ensureHistoryPartitions(database.prisma, new Date(dayStart(25)))).toBe(3 * 9);
    expect((await withClient(database.url, (client) => partitionOf(client, 'events'))).get(eventId)).toBe(dayPartition('events', farAhead));
    expect(await ensureHistoryPartitions(database.prisma, new Date(dayStart(25)))).toBe(0);
    expect(await count('events')).toBe(kept.events.length + 1);
    expect(await count('attempts')).toBe(kept.attempts.length);
  });

  it("reads an organization's newest page newest day first: an ordered Append whose older days never run", async () => {
    const plan = await withClient(database.url, async (client) => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM deliveries WHERE organization_id = $1 ORDER BY id DESC LIMIT 3`, [tenant.organizationId]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).not.toMatch(/Merge Append|Sort/);
    expect(plan).toMatch(/Append/);
    // Newest first, it stops at the third row (days 15, 14, 13: the days after are empty): the
    // older days' scans never start.
    for (const day of [10, 11, 12]) expect(plan).toMatch(new RegExp(`on ${dayPartition('deliveries', dayStart(day))} \\S+ \\(never executed\\)`));
    expect(plan).not.toMatch(new RegExp(`on ${dayPartition('deliveries', dayStart(13))} \\S+ \\(never executed\\)`));
  });
});
