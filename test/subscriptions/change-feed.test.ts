// De-risks the LISTEN connection behind subscriptions: notices from committed transactions only,
// and after the database drops the listener's connection (pg_terminate_backend) it reconnects,
// re-LISTENs, and subscribers keep receiving without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_CHANNEL } from '../../src/pubsub/notices.ts';
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
  const iterator = feed.changes.subscribe('delivery')[Symbol.asyncIterator]();
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

const notify = (id: string) =>
  database.prisma.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify({ kind: 'delivery', id, organizationId: 'o' })})`;

describe('change feed', () => {
  it('hears committed notices and not rolled-back ones', async () => {
    await database.prisma
      .$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify({ kind: 'delivery', id: 'rolled-back', organizationId: 'o' })})`;
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
    // Notices sent while no one listens are lost by NOTIFY's design; keep sending until heard.
    await waitFor(async () => {
      await notify('after-restart');
      return heard.includes('after-restart');
    }, 'a notice after the reconnect');
    const listening = await database.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'herald-listen' AND datname = current_database()`;
    expect(Number(listening[0]!.n)).toBe(1);
  });
});
