// De-risks migration 20261202200000_partition_history on a database with history in it: a database
// migrated up to the migration before it gets events, deliveries, attempts and idempotency keys over
// several days; Herald then starts on it (applying the migration as `herald api` does), and every
// row must be there with the same values, in its day's partition, and the app must work on it.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromDefaults } from '../../src/config/config.ts';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '../../src/db/migrate.ts';
import { publishEvents } from '../../src/events/publish.ts';
import { requestHash } from '../../src/events/publish-rules.ts';
import { silentLogger } from '../../src/log.ts';
import { openRuntime, type Runtime } from '../../src/processes/runtime.ts';
import { createEmptyDatabase } from '../support/database.ts';
import {
  dayPartition, dayStart, insertAttempt, insertDelivery, insertEvent, insertTenant, partitionOf, rowsOf, withClient, type Tenant,
} from '../support/history.ts';

const MIGRATION = '20261202200000_partition_history';
const TABLES = ['organizations', 'endpoints', 'events', 'deliveries', 'attempts'] as const;

let url: string;
let drop: () => Promise<void>;
let runtime: Runtime | undefined;
let tenant: Tenant;
const before = new Map<string, unknown[]>();
const keyed = { type: 'order.created', payload: { sku: 'A-1' }, idempotencyKey: 'order-1' };
let keyedEventId: string;
let keyedDeliveryId: string;
/** A version-4 id: no time in it, it must survive in whichever partition its bytes fall. */
const V4_EVENT = 'c2d0f7a4-1b6e-4f53-9a1d-2b9f3c0e5a71';

beforeAll(async () => {
  ({ url, drop } = await createEmptyDatabase());
  const earlier = mkdtempSync(join(tmpdir(), 'herald-before-partitions-'));
  for (const { name } of readMigrations(DEFAULT_MIGRATIONS_DIR).filter((m) => m.name < MIGRATION)) {
    cpSync(join(DEFAULT_MIGRATIONS_DIR, name), join(earlier, name), { recursive: true });
  }
  await migrate(url, { migrationsDir: earlier });
  await withClient(url, async (client) => {
    tenant = await insertTenant(client, 'history');
    // Five days back to today: per day three events, each with a delivery and two attempts.
    for (let day = -5; day <= 0; day++) {
      for (let n = 0; n < 3; n++) {
        const at = dayStart(day) + (n + 1) * 3_600_000;
        const eventId = await insertEvent(client, tenant, at, { idempotencyKey: `key-${day}-${n}`, requestHash: Buffer.from([day + 10, n]) });
        const deliveryId = await insertDelivery(client, tenant, eventId, at + 5);
        await insertAttempt(client, deliveryId, 1, at + 10);
        await insertAttempt(client, deliveryId, 2, at + 60_000);
      }
    }
    // A delivery made just after midnight for an event of the day before, retried two days later.
    const lateEvent = await insertEvent(client, tenant, dayStart(-3) - 1);
    const lateDelivery = await insertDelivery(client, tenant, lateEvent, dayStart(-3) + 1);
    await insertAttempt(client, lateDelivery, 1, dayStart(-1) + 1);
    // The event a client published with a key, as publishing stored it before this migration.
    keyedEventId = await insertEvent(client, tenant, dayStart(-2) + 42, { idempotencyKey: keyed.idempotencyKey, requestHash: requestHash(keyed), payload: keyed.payload });
    keyedDeliveryId = await insertDelivery(client, tenant, keyedEventId, dayStart(-2) + 43);
    await insertEvent(client, tenant, 0, { id: V4_EVENT });
    for (const table of TABLES) before.set(table, await rowsOf(client, table));
  });
  const config = configFromDefaults({ nodeEnv: 'test', encryptionKeyBase64: randomBytes(32).toString('base64'), databaseUrl: url });
  runtime = await openRuntime(config, silentLogger, { queue: true, listen: false, work: false });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await drop?.();
});

describe('partitioning a database with history', () => {
  it('keeps every row with the same values', async () => {
    await withClient(url, async (client) => {
      // Compared on the columns the rows had before: later migrations may add columns of their own.
      for (const table of TABLES) {
        const earlier = before.get(table) as Array<Record<string, unknown>>;
        const columns = Object.keys(earlier[0] ?? {});
        const now = (await rowsOf(client, table)) as Array<Record<string, unknown>>;
        expect(now.map((row) => Object.fromEntries(columns.map((column) => [column, row[column]]))), table).toEqual(earlier);
      }
      expect(before.get('events')).toHaveLength(6 * 3 + 3);
      expect(before.get('attempts')).toHaveLength(6 * 3 * 2 + 1);
    });
  });

  it('puts each row in the partition of the day its id was made, with days a week ahead', async () => {
    await withClient(url, async (client) => {
      for (const table of ['events', 'deliveries', 'attempts']) {
        const { rows } = await client.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE relname = $1`, [table]);
        expect(rows[0]?.relkind, table).toBe('p');
        for (const [id, part] of await partitionOf(client, table)) {
          if (id === V4_EVENT) continue;
          const ms = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
          expect(part, `${table} ${id}`).toBe(dayPartition(table, ms));
        }
        const { rows: parts } = await client.query<{ name: string }>(
          `SELECT partition::text AS name FROM herald_partitions($1::regclass)`, [table]);
        const names = parts.map((p) => p.name);
        for (let day = -5; day <= 7; day++) expect(names, `${table} day ${day}`).toContain(dayPartition(table, dayStart(day)));
        expect(names).toContain(`${table}_before`);
        expect(names).toContain(`${table}_future`);
      }
      const { rows: [v4] } = await client.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM events WHERE id = $1`, [V4_EVENT]);
      expect(v4?.part).toBe('events_future');
    });
  });

  it('moves the idempotency keys beside the events', async () => {
    await withClient(url, async (client) => {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM event_idempotency_keys`);
      expect(Number(rows[0]!.n)).toBe(6 * 3 + 1);
    });
  });

  it('answers a reused idempotency key with the original event, refuses it with another payload, and publishes new events today', async () => {
    const services = runtime!.services;
    const [again] = await publishEvents(services, tenant.organizationId, [{ input: keyed, path: [] }]);
    expect(again!.event.id).toBe(keyedEventId);
    expect(again!.deliveries.map((d) => d.id)).toEqual([keyedDeliveryId]);
    await expect(publishEvents(services, tenant.organizationId, [{ input: { ...keyed, payload: { sku: 'B-2' } }, path: [] }])).rejects.toThrow(/already used/);
    const [fresh] = await publishEvents(services, tenant.organizationId, [{ input: { type: 'order.created', payload: { n: 1 }, idempotencyKey: 'new-key' }, path: [] }]);
    expect(fresh!.deliveries).toHaveLength(1);
    await withClient(url, async (client) => {
      const parts = await partitionOf(client, 'events');
      expect(parts.get(fresh!.event.id)).toBe(dayPartition('events', Date.now()));
    });
    const [replayed] = await publishEvents(services, tenant.organizationId, [{ input: { type: 'order.created', payload: { n: 1 }, idempotencyKey: 'new-key' }, path: [] }]);
    expect(replayed!.event.id).toBe(fresh!.event.id);
  });

  it('deletes an organization with all its history, attempts included', async () => {
    await runtime!.db.organization.delete({ where: { id: tenant.organizationId } });
    await withClient(url, async (client) => {
      for (const table of ['events', 'deliveries', 'attempts', 'event_idempotency_keys']) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        expect(Number(rows[0]!.n), table).toBe(0);
      }
    });
  });
});

