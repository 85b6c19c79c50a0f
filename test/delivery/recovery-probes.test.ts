// De-risks endpoints that heal: an endpoint disabled as FAILING is probed on HERALD_RECOVERY_PROBES
// with a signed webhook.test; the first 2xx turns it on again (herald.endpoint.enabled, reason
// AUTOMATIC) and delivers what was published while it was off, once. GONE and MANUAL are never probed.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { idOfType } from '../../src/global-id.ts';
import { OPERATOR_ORGANIZATION_ID } from '../../src/organizations/operator.ts';
import { RECOVERY_QUEUE } from '../../src/worker/queue.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;
const answers = new Map<string, number>();

beforeAll(async () => {
  herald = await startTestHerald(
    { allowPrivateNetworks: true, retryScheduleMs: [0], deliveryTimeoutMs: 1_000, disableAfterFailures: 2, recoveryProbesMs: [100, 200, 200, 200, 200, 200] },
    { worker: true },
  );
  await herald.db.eventType.create({ data: { name: 'parcel.shipped' } });
  receiver = await startReceiver((request, response) => {
    response.statusCode = answers.get(request.url) ?? 200;
    response.end();
  });
  key = (await herald.organization('healing-co')).key;
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

const at = (path: string) => receiver.requests.filter((request) => request.url === path);
const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body) as { type: string; data: { n?: number }; _test?: boolean };
const endpointRow = (id: string) => herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(id, 'Endpoint')! } });
const probeJobs = (id: string) =>
  herald.db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND data->>'endpointId' = $2`, RECOVERY_QUEUE, idOfType(id, 'Endpoint')!);

async function createEndpoint(path: string): Promise<{ id: string; secret: string }> {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: ['parcel.shipped'] } }, key);
  return { id: created.data!.createEndpoint.endpoint.id, secret: created.data!.createEndpoint.secret };
}

async function disableByFailures(path: string, id: string, status: number) {
  answers.set(path, status);
  for (const n of [1, 2]) await publishEvent(withKey(herald, key), { type: 'parcel.shipped', payload: { n } });
  await waitFor(async () => !(await endpointRow(id)).active, `${path} disabled`);
}

describe('recovery probes', () => {
  it('probes a FAILING endpoint, turns it on at the first 2xx and delivers what it missed, once', async () => {
    const { id, secret } = await createEndpoint('/healing');
    await disableByFailures('/healing', id, 500);
    expect((await endpointRow(id)).disabledReason).toBe('FAILING');
    const missed = [];
    for (const n of [3, 4]) missed.push(await publishEvent(withKey(herald, key), { type: 'parcel.shipped', payload: { n } }));
    expect(missed.flatMap((published) => published.deliveryIds)).toEqual([]);

    // Failed probes are signed webhook.test requests, and the endpoint stays off.
    await waitFor(async () => at('/healing').filter((request) => bodyOf(request).type === 'webhook.test').length >= 2, 'two failed probes');
    expect((await endpointRow(id)).active).toBe(false);
    const probe = at('/healing').find((request) => bodyOf(request).type === 'webhook.test')!;
    expect(bodyOf(probe)._test).toBe(true);
    const headers = Object.fromEntries(Object.entries(probe.headers).map(([name, value]) => [name, String(value)]));
    expect(() => new Webhook(secret).verify(probe.body, headers)).not.toThrow();

    answers.set('/healing', 200);
    await waitFor(async () => (await endpointRow(id)).active, 'the endpoint turned on by a probe');
    expect(await endpointRow(id)).toMatchObject({ disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    await waitFor(async () => at('/healing').filter((request) => bodyOf(request).type === 'parcel.shipped' && (bodyOf(request).data.n ?? 0) > 2).length === 2, 'the missed events');
    // The two that failed (attempted at once, in either order), then the two missed, in publish order.
    const shipped = at('/healing').filter((request) => bodyOf(request).type === 'parcel.shipped').map((request) => bodyOf(request).data.n);
    expect([...shipped.slice(0, 2).sort(), ...shipped.slice(2)]).toEqual([1, 2, 3, 4]);

    const announced = await herald.db.event.findMany({ where: { organizationId: OPERATOR_ORGANIZATION_ID, type: 'herald.endpoint.enabled' } });
    expect(announced.map((event) => event.payload).filter((payload) => (payload as { endpointId: string }).endpointId === id)).toEqual([
      expect.objectContaining({ endpointId: id, reason: 'AUTOMATIC', organizationSlug: 'healing-co' }),
    ]);
    const deliveries = await herald.db.delivery.count({ where: { endpointId: idOfType(id, 'Endpoint')!, isTest: false } });
    expect(deliveries).toBe(4);
  });

  it('never probes an endpoint disabled as GONE or turned off by hand', async () => {
    const gone = await createEndpoint('/gone');
    await disableByFailures('/gone', gone.id, 410);
    expect((await endpointRow(gone.id)).disabledReason).toBe('GONE');
    const manual = await createEndpoint('/manual');
    await herald.graphql(TOGGLE_ENDPOINT, { input: { id: manual.id, active: false } }, key);
    // Probes are queued in the transaction that disables: none now means none ever.
    expect((await probeJobs(gone.id))[0]!.n).toBe(0n);
    expect((await probeJobs(manual.id))[0]!.n).toBe(0n);
  });

  it('reads HERALD_RECOVERY_PROBES like the retry schedule, and off as none', () => {
    expect(loadConfig({}).recoveryProbesMs).toEqual([60_000, 300_000, 1_800_000, 7_200_000, 21_600_000]);
    expect(loadConfig({ HERALD_RECOVERY_PROBES: '10ms,1s' }).recoveryProbesMs).toEqual([10, 1_000]);
    expect(loadConfig({ HERALD_RECOVERY_PROBES: 'off' }).recoveryProbesMs).toEqual([]);
    expect(() => loadConfig({ HERALD_RECOVERY_PROBES: 'soon' })).toThrow(/HERALD_RECOVERY_PROBES/);
  });
});
