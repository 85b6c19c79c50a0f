// De-risks the LISTEN connection and change log behind subscriptions: notices from committed
// transactions only, and after the database drops the listener's connection (pg_terminate_backend)
// it reconnects, re-LISTENs and reads on, so what was written meanwhile is heard too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointNotice, notifyChange } from '../../src/pubsub/notices.ts';
import type { Tx } from '../../src/db/prisma.ts';
import { openChangeFeed, type ChangeFeed } from '../../src/pubsub/changes.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { waitFor } from '../support/wait.ts';

let database: TestDatabase;
let feed: ChangeFeed;
const heard: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  feed = openChangeFeed(database.url);
  await feed.target.ready;
  const iterator = feed.changes.subscribe('endpoint')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      heard.push(next.value.id);
    }
  })();
});
afterAll(async () => {
  await feed.close();
  await database.drop();
});

const ORGANIZATION = '00000000-0000-4000-8000-000000000001';
const notice = (id: string) => endpointNotice({ id, organizationId: ORGANIZATION, active: true, disabledReason: null, consecutiveFailures: 0, pausedAt: null });
const notify = (id: string) => database.prisma.$transaction((tx: Tx) => notifyChange(tx, notice(id)));

describe('change feed', () => {
  it('hears committed notices and not rolled-back ones', async () => {
    await database.prisma
      .$transaction(async (tx) => {
        await notifyChange(tx, notice('rolled-back'));
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await notify('committed');
    await waitFor(async () => heard.includes('committed'), 'the committed notice');
    expect(heard).not.toContain('rolled-back');
  });

  it('reconnects and re-LISTENs after its connection is terminated', async () => {
    const killed = await database.prisma.$queryRaw<Array<{ ok: boolean }>>`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE application_name = 'herald-listen' AND datname = current_database()`;
    expect(killed).toEqual([{ ok: true }]);
    // Written while no one listens: NOTIFY loses it, the log does not.
    await notify('while-reconnecting');
    await waitFor(async () => heard.includes('while-reconnecting'), 'a change written during the reconnect');
    await notify('after-restart');
    await waitFor(async () => heard.includes('after-restart'), 'a notice after the reconnect');
    const listening = await database.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'herald-listen' AND datname = current_database()`;
    expect(Number(listening[0]!.n)).toBe(1);
  });
});
