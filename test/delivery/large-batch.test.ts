// De-risks a batch of large payloads in the worker: each event's endpoints get the same body, and
// the batch gives the event loop a turn between steps of YIELD_AFTER_BYTES, so a batch of 256 KiB
// payloads never holds the worker's loop (other organizations' claims, answers and records) for all
// of its work at once. In process, with a real HTTP sender and receiver.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { createHttpSender, type HttpSender } from '../../src/http/http-sender.ts';
import { deliverBatch, YIELD_AFTER_BYTES } from '../../src/worker/deliver-batch.ts';
import { publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';

const ENDPOINTS = 6;
const EVENTS = 3;
/** About 256 KiB of JSON, as the finding's payloads. */
const PAYLOAD = { x: new Array(131_055).fill(0) };

let herald: TestHerald;
let receiver: Receiver;
let key: string;

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, deliveryTimeoutMs: 5_000 });
  await herald.db.eventType.create({ data: { name: 'big.event' } });
  receiver = await startReceiver();
  key = (await herald.organization('large-batch')).key;
  for (let i = 0; i < ENDPOINTS; i++) {
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/big-${i}`, eventTypes: ['big.event'] } }, key);
    expect(created.errors).toBeUndefined();
  }
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

it('sends a batch of 256 KiB payloads in steps, giving the event loop turns in between, one body per event', async () => {
  const published = await publishEvents(withKey(herald, key), Array.from({ length: EVENTS }, () => ({ type: 'big.event', payload: PAYLOAD })));
  const jobs = published.flatMap(({ deliveryIds }) => deliveryIds.map((id) => ({ deliveryId: idOfType(id, 'Delivery')!, attempt: 1 })));
  expect(jobs).toHaveLength(EVENTS * ENDPOINTS);

  // Turns of the event loop, counted while the batch runs: each send notes the turn it was made in.
  let turns = 0;
  let counting = true;
  const counter = (async () => {
    while (counting) {
      await nextTurn();
      turns++;
    }
  })();
  const real = createHttpSender({ timeoutMs: 5_000, allowPrivateNetworks: true });
  const sentIn: number[] = [];
  const bodies = new Set<string>();
  const sender: HttpSender = {
    send(request) {
      sentIn.push(turns);
      bodies.add(request.body);
      return real.send(request);
    },
    close: () => real.close(),
  };
  try {
    const outcome = await deliverBatch({ services: herald.services, sender }, jobs);
    expect(outcome).toMatchObject({ recorded: EVENTS * ENDPOINTS, detached: 0 });
  } finally {
    counting = false;
    await counter;
    real.close();
  }
  expect(receiver.requests).toHaveLength(EVENTS * ENDPOINTS);
  // One body per event, the same for each of its endpoints.
  expect(bodies.size).toBe(EVENTS);
  // 18 bodies of 256 KiB, signed and sent 512 KiB between turns: about 9 turns among the sends.
  const bodyBytes = Buffer.byteLength([...bodies][0]!);
  const steps = Math.floor((EVENTS * ENDPOINTS * bodyBytes) / YIELD_AFTER_BYTES);
  expect(new Set(sentIn).size).toBeGreaterThanOrEqual(Math.floor(steps / 2));
});
