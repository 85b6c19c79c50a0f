// Facts behind docs/scaling.md: what one published event and one delivery cost the database.
// Runs `herald api` and `herald worker` as real processes on a scratch database of its own (created
// here, dropped at the end) and measures, window by window:
//   - WAL bytes, read back with pg_walinspect and kept to the records of the scratch database (the
//     server is shared: other databases' WAL in the same range is left out), full-page images apart;
//   - rows inserted/updated/deleted per table (pg_stat_user_tables, read after stats are flushed);
//   - NOTIFYs heard on Herald's change channel and pg-boss's channel, and their payload bytes;
//   - the most connections each process held at once, by application_name (pg_stat_activity).
// Loopback only; every loop is bounded in count and time.
//
//   node bench/scaling-facts.ts [--events 2000] [--endpoints 3] [--server postgres://postgres@127.0.0.1:5432/postgres]
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createOrganizationKey } from '../src/api-keys/api-keys.ts';
import { databaseUrl, runAdminSql } from '../src/db/admin.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPrisma } from '../src/db/prisma.ts';
import { createOrganization } from '../src/organizations/organizations.ts';
import { CHANGES_CHANNEL } from '../src/pubsub/notices.ts';
import type { ChildProcess } from 'node:child_process';
import { spawnHerald } from '../test/support/cli.ts';
import { freePort } from './support/processes.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    endpoints: { type: 'string', default: '3' },
    server: { type: 'string', default: process.env['SCALING_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const EVENTS = Number(values.events);
const SINGLE_EVENTS = Math.max(50, Math.round(EVENTS / 10));
const ENDPOINTS = Number(values.endpoints);
const DEADLINE_MS = 10 * 60_000;
const log = (line: string) => console.error(`[scaling-facts ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface WindowFacts {
  name: string;
  /** What the per-unit figures divide by, and its name. */
  units: number;
  unit: string;
  walBytes: number;
  walFpiBytes: number;
  walRecords: number;
  /** WAL of the whole server over the same range (every database on it). */
  serverWalBytes: number;
  rows: Record<string, { ins: number; upd: number; del: number }>;
  notifies: Record<string, { count: number; bytes: number }>;
  connections: Record<string, number>;
  seconds: number;
  listenerLost: boolean;
}

const name = `herald_scaling_${randomBytes(3).toString('hex')}`;
const url = databaseUrl(values.server, name);
await runAdminSql(values.server, `CREATE DATABASE ${name}`);
interface HeraldProcess {
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}
const children: HeraldProcess[] = [];
/** Queries (a pool: a connection lost midway is replaced, the server being shared). */
let monitor: pg.Pool | null = null;
/** LISTENs; re-opened if lost, and the window it was lost in is marked. */
let listener: pg.Client | null = null;
let closing = false;
let listenerLost = false;
let receiver: ReturnType<typeof createServer> | null = null;
const timer = setTimeout(() => {
  log(`not done within ${DEADLINE_MS / 1000} s: stopping`);
  process.exitCode = 1;
  void cleanUp().then(() => process.exit(1));
}, DEADLINE_MS);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(1)));

async function cleanUp(): Promise<void> {
  for (const child of children) await child.stop();
  closing = true;
  await listener?.end().catch(() => undefined);
  await monitor?.end().catch(() => undefined);
  receiver?.closeAllConnections();
  receiver?.close();
  await runAdminSql(values.server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

try {
  const facts = await measure();
  console.log(renderTable(facts));
  console.log(JSON.stringify({ database: await serverVersion(), events: EVENTS, endpoints: ENDPOINTS, facts }, null, 2));
} finally {
  clearTimeout(timer);
  await cleanUp();
}

async function measure(): Promise<WindowFacts[]> {
  await migrate(url);
  monitor = new pg.Pool({ connectionString: url, application_name: 'scaling-facts', max: 2 });
  monitor.on('error', (error) => log(`monitor connection: ${error.message}`));
  await monitor.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
  const dbOid = Number((await monitor.query<{ oid: string }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]!.oid);

  // Every NOTIFY sent in this database, by channel.
  const bossChannel = (await monitor.query<{ channel: string }>(`SELECT 'pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24) AS channel`)).rows[0]!.channel;
  const heard: Record<string, { count: number; bytes: number }> = {};
  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url, application_name: 'scaling-facts' });
    client.on('error', (error) => log(`listener connection: ${error.message}`));
    client.on('end', () => {
      if (closing) return;
      listenerLost = true;
      void listen();
    });
    client.on('notification', (message) => {
      const label = message.channel === bossChannel ? 'pg-boss' : message.channel;
      const entry = (heard[label] ??= { count: 0, bytes: 0 });
      entry.count++;
      entry.bytes += Buffer.byteLength(message.payload ?? '');
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    await client.query(`LISTEN "${bossChannel}"`);
    listener = client;
  };
  await listen();

  // Connections by application_name, sampled every 50 ms; maxima since the last reset.
  let peaks: Record<string, number> = {};
  let sampling = true;
  const sampling$ = (async () => {
    while (sampling) {
      const { rows } = await monitor!
        .query<{ app: string; n: number }>(
          `SELECT coalesce(nullif(application_name, ''), '(unnamed: Prisma pool)') AS app, count(*)::int AS n
             FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'scaling-facts' GROUP BY 1`,
        )
        .catch(() => ({ rows: [] }));
      for (const { app, n } of rows) peaks[app] = Math.max(peaks[app] ?? 0, n);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  let delivered = 0;
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      delivered++;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const prisma = createPrisma(url, { poolMax: 1 });
  await prisma.eventType.create({ data: { name: 'facts.event' } });
  const organization = await createOrganization(prisma, { slug: 'facts' });
  const key = (await createOrganizationKey(prisma, { organizationId: organization.id })).token;
  await prisma.$disconnect();
  const env = { DATABASE_URL: url, HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HERALD_DATA_DIR: '/tmp' };

  const api = await startHeraldProcess('api', env);
  children.push(api);
  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${api.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await response.json()) as { data?: Record<string, { __typename: string }>; errors?: unknown[] };
    const typename = body.data && Object.values(body.data)[0]?.__typename;
    if (body.errors || !typename?.endsWith('Payload')) throw new Error(`GraphQL failed: ${JSON.stringify(body).slice(0, 500)}`);
  };
  for (let i = 0; i < ENDPOINTS; i++) {
    await graphql(`mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename } }`, { input: { url: `${receiverUrl}/e${i}`, eventTypes: ['facts.event'] } });
  }

  /** Runs `body` as one window: LSN, stats, NOTIFYs and connection peaks around it. */
  const measureWindow = async (label: string, unit: string, units: number, body: () => Promise<void>): Promise<WindowFacts> => {
    log(label);
    const rowsBefore = await tableRows();
    // A temporary slot keeps the window's WAL from being recycled before it is read (the server's
    // other databases may write a max_wal_size of WAL in a minute); it ends with its session.
    const slot = new pg.Client({ connectionString: url, application_name: 'scaling-facts' });
    slot.on('error', (error) => log(`slot connection: ${error.message}`));
    await slot.connect();
    await slot.query(`SELECT pg_create_physical_replication_slot($1, true, true)`, [`${name}_slot`]);
    const lsnBefore = await lsn();
    for (const key of Object.keys(heard)) delete heard[key];
    peaks = {};
    listenerLost = false;
    const started = performance.now();
    await body();
    const seconds = (performance.now() - started) / 1000;
    const lsnAfter = await lsn();
    const connections = { ...peaks };
    const notifies = structuredClone(heard);
    const wal = await walOf(dbOid, lsnBefore, lsnAfter).finally(() => slot.end().catch(() => undefined));
    // Backends flush their table counters when idle, at most every 10 s (PostgreSQL 15).
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const rowsAfter = await tableRows();
    const rows: WindowFacts['rows'] = {};
    for (const [table, after] of Object.entries(rowsAfter)) {
      const before = rowsBefore[table] ?? { ins: 0, upd: 0, del: 0 };
      const delta = { ins: after.ins - before.ins, upd: after.upd - before.upd, del: after.del - before.del };
      if (delta.ins + delta.upd + delta.del > 0) rows[table] = delta;
    }
    // NOTIFYs sent while the listener was reconnecting were not heard: the count is a floor.
    return { name: label, unit, units, ...wal, rows, notifies, connections, seconds, listenerLost };
  };

  const event = (n: number) => ({ type: 'facts.event', payload: { n, order: `ord_${n}`, amount: 1234, currency: 'EUR', note: 'a small, typical payload' } });
  const facts: WindowFacts[] = [];
  facts.push(await measureWindow('api idle, 5 s', 'second', 5, () => new Promise((resolve) => setTimeout(resolve, 5_000))));
  facts.push(
    await measureWindow(`publish ${EVENTS} events, publishEvents of 100, 4 calls at once`, 'event', EVENTS, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let call = next++; call * 100 < EVENTS; call = next++) {
            const events = Array.from({ length: Math.min(100, EVENTS - call * 100) }, (_, i) => event(call * 100 + i));
            await graphql(`mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename } }`, { input: { events } });
          }
        }),
      );
    }),
  );
  facts.push(
    await measureWindow(`publish ${SINGLE_EVENTS} events, one publishEvent each, 8 at once`, 'event', SINGLE_EVENTS, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let n = next++; n < SINGLE_EVENTS; n = next++) {
            await graphql(`mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }`, { input: event(n) });
          }
        }),
      );
    }),
  );
  await api.stop();
  children.splice(children.indexOf(api), 1);

  const deliveries = (EVENTS + SINGLE_EVENTS) * ENDPOINTS;
  let worker: HeraldProcess;
  facts.push(
    await measureWindow(`deliver ${deliveries} (worker alone, every receiver answers 200)`, 'delivery', deliveries, async () => {
      worker = await startHeraldProcess('worker', env);
      children.push(worker);
      const deadline = Date.now() + 5 * 60_000;
      while (delivered < deliveries || (await succeeded()) < deliveries) {
        if (Date.now() > deadline) throw new Error(`only ${delivered} of ${deliveries} delivered in 5 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
  facts.push(await measureWindow('worker idle, 15 s', 'second', 15, () => new Promise((resolve) => setTimeout(resolve, 15_000))));

  sampling = false;
  await sampling$;
  return facts;
}

/** `herald api` or `herald worker`, ready on /ready: given minutes, since the machine may be shared and loaded. */
async function startHeraldProcess(kind: 'api' | 'worker', env: Record<string, string>): Promise<HeraldProcess> {
  const port = await freePort();
  const child = spawnHerald([kind], { NODE_ENV: 'production', PORT: String(port), HERALD_ALLOW_PRIVATE_NETWORKS: 'true', ...env });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  child.stdout!.resume();
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 5 * 60_000;
  while (!(await fetch(`${origin}/ready`).then((response) => response.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`herald ${kind} did not become ready:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    origin,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function lsn(): Promise<string> {
  return (await monitor!.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
}

async function succeeded(): Promise<number> {
  return Number((await monitor!.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE status = 'SUCCEEDED'`)).rows[0]!.n);
}

/** This database's WAL between two LSNs: records that touch its blocks, and those of the same transactions (commits). */
async function walOf(dbOid: number, from: string, to: string) {
  const { rows } = await monitor!.query<{ bytes: string | null; fpi: string | null; records: string; server: string }>(
    `WITH r AS (SELECT xid, record_length, fpi_length, block_ref FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)),
          mine AS (SELECT DISTINCT xid FROM r WHERE xid <> 0 AND block_ref ~ ('rel \\d+/' || $3 || '/'))
     SELECT sum(record_length) AS bytes, sum(fpi_length) AS fpi, count(*) AS records, pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn) AS server
       FROM r WHERE block_ref ~ ('rel \\d+/' || $3 || '/') OR xid IN (SELECT xid FROM mine)`,
    [from, to, String(dbOid)],
  );
  const row = rows[0]!;
  return { walBytes: Number(row.bytes ?? 0), walFpiBytes: Number(row.fpi ?? 0), walRecords: Number(row.records), serverWalBytes: Number(row.server) };
}

async function tableRows(): Promise<Record<string, { ins: number; upd: number; del: number }>> {
  // One connection for both: a snapshot is per backend.
  const client = await monitor!.connect();
  await client.query('SELECT pg_stat_clear_snapshot()').finally(() => undefined);
  const { rows } = await client.query<{ t: string; ins: string; upd: string; del: string }>(
    `SELECT schemaname || '.' || relname AS t, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables`,
  ).finally(() => client.release());
  return Object.fromEntries(rows.map((row) => [row.t, { ins: Number(row.ins), upd: Number(row.upd), del: Number(row.del) }]));
}

async function serverVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: values.server });
  await client.connect();
  try {
    return (await client.query<{ v: string }>('SHOW server_version')).rows[0]!.v;
  } finally {
    await client.end();
  }
}

function renderTable(facts: WindowFacts[]): string {
  const per = (value: number, f: WindowFacts) => (value / f.units).toFixed(value / f.units < 10 ? 2 : 0);
  const lines = [
    '| window | s | WAL / unit (FPI part) | records / unit | rows written / unit | NOTIFY / unit (bytes) | connections at most |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const f of facts) {
    const rows = Object.entries(f.rows)
      .map(([table, r]) => `${table.replace(/^public\./, '')} ${per(r.ins, f)}/${per(r.upd, f)}/${per(r.del, f)}`)
      .join('; ');
    const notifies = Object.entries(f.notifies)
      .map(([channel, n]) => `${channel} ${per(n.count, f)} (${per(n.bytes, f)} B)`)
      .join('; ');
    const connections = Object.entries(f.connections)
      .map(([app, n]) => `${app} ${n}`)
      .join(', ');
    lines.push(`| ${f.name}${f.listenerLost ? ' (listener reconnected: NOTIFY count is a floor)' : ''} | ${f.seconds.toFixed(1)} | ${per(f.walBytes, f)} B per ${f.unit} (${per(f.walFpiBytes, f)}) | ${per(f.walRecords, f)} | ${rows || '—'} | ${notifies || '—'} | ${connections || '—'} |`);
  }
  return lines.join('\n');
}
