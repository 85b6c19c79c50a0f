// An attempt that was sent but cannot be stored (a real database refusal: a trigger on `attempts`)
// must neither drag the other attempts of its batch into being sent again nor leave its delivery
// in SENDING for ever: the rest of the batch is recorded once, and when pg-boss's tries run out
// the delivery ends FAILED with the reason, which `retryDelivery` can then retry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.ts';
import { ABANDONED_QUEUE, createBoss, DELIVER_QUEUE, ensureQueues } from '../../src/worker/queue.ts';
import { silentLogger } from '../../src/log.ts';
import { publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const EVENTS = 20;
const HEALTHY = 3;

let herald: TestHerald;
let receiver: Receiver;
let key: string;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, deliveryTimeoutMs: 1_000 }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'unrecordable.event' } });
  receiver = await startReceiver((request, response) => response.end(request.url === '/poison' ? 'poison' : 'fine'));
  key = (await herald.organization('unrecordable')).key;
  await herald.db.$executeRawUnsafe(`
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.response_body = 'poison' THEN RAISE EXCEPTION 'this attempt cannot be stored'; END IF;
      RETURN NEW;
    END $$`);
  await herald.db.$executeRawUnsafe(`CREATE TRIGGER refuse_poison BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

it('records the rest of the batch once, and ends the unrecordable delivery FAILED with the reason', async () => {
  const paths = ['/poison', ...Array.from({ length: HEALTHY }, (_, i) => `/fine${i}`)];
  for (const path of paths) {
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: ['unrecordable.event'] } }, key);
    expect(created.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  }
  const events = Array.from({ length: EVENTS }, (_, n) => ({ type: 'unrecordable.event', payload: { n } }));
  await publishEvents(withKey(herald, key), events);

  // pg-boss gives each job 6 tries, 1 s apart; then the abandoned queue ends the delivery.
  const poisoned = await waitFor(async () => {
    const rows = await herald.db.delivery.findMany({ where: { endpoint: { url: `${receiver.url}/poison` } } });
    return rows.length === EVENTS && rows.every((row) => row.status === 'FAILED') ? rows : null;
  }, 'every unrecordable delivery to end FAILED', 90_000);
  for (const row of poisoned) {
    expect(row.attemptCount).toBe(0);
    expect(row.lastError).toMatch(/failed inside Herald on every try/);
    expect(row.completedAt).not.toBeNull();
  }

  // The healthy endpoints' attempts shared batches with the unrecordable ones: each was sent once.
  expect(await herald.db.delivery.count({ where: { status: 'SUCCEEDED' } })).toBe(EVENTS * HEALTHY);
  for (let i = 0; i < HEALTHY; i++) {
    const received = receiver.requests.filter((request) => request.url === `/fine${i}`);
    expect(received).toHaveLength(EVENTS);
    expect(new Set(received.map((request) => request.headers['webhook-id'])).size).toBe(EVENTS);
  }

  // Once the fault is gone, retryDelivery delivers it.
  await herald.db.$executeRawUnsafe('DROP TRIGGER refuse_poison ON attempts');
  const id = poisoned[0]!.id;
  const retried = await herald.graphql(`mutation($id: ID!) { retryDelivery(input: { id: $id }) { __typename } }`, { id: encodeGlobalId('Delivery', id) }, key);
  expect(retried.data!.retryDelivery.__typename).toBe('RetryDeliveryPayload');
  await waitFor(async () => (await herald.db.delivery.findUnique({ where: { id } }))?.status === 'SUCCEEDED', 'the retried delivery to succeed');
}, 120_000);

it('gives a delivery queue created before the abandoned queue existed its dead letter at start-up', async () => {
  const boss = createBoss(herald.databaseUrl, silentLogger, 1, false);
  await boss.start();
  try {
    await boss.updateQueue(DELIVER_QUEUE, { deadLetter: null });
    expect((await boss.getQueue(DELIVER_QUEUE))?.deadLetter ?? null).toBeNull();
    await ensureQueues(boss, herald.config);
    expect((await boss.getQueue(DELIVER_QUEUE))?.deadLetter).toBe(ABANDONED_QUEUE);
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
});
