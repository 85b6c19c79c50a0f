// De-risks operational events end to end, with a real worker and real receivers: a failing endpoint
// makes the operator endpoint (created with an admin key) receive signed `herald.delivery.failing`,
// `herald.delivery.exhausted` and `herald.endpoint.disabled`; re-enabling and recovering are
// announced; an organization hears about its own endpoints only; payloads satisfy the catalog's
// schemas; and a failing operator endpoint causes no operational event about itself (no loop).
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePayloadSchema } from '../../src/event-types/payload-schema.ts';
import { OPERATIONAL_EVENT_TYPES } from '../../src/engine/operational-events.ts';
import { idOfType } from '../../src/global-id.ts';
import { MARK_FAILING } from '../../src/operational-events/attempt-events.ts';
import { publishEvent, publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const TOGGLE_OR_REFUSED = `mutation($input: ToggleEndpointInput!) {
  toggleEndpoint(input: $input) { __typename ... on ToggleEndpointPayload { endpoint { active } } ... on RateLimitedError { message retryAfterSeconds } }
}`;

const CREATE_OPERATOR_ENDPOINT = `mutation($input: CreateEndpointInput!) {
  createOperatorEndpoint(input: $input) { __typename ... on CreateEndpointPayload { secret endpoint { id } } ... on Error { message } }
}`;

let herald: TestHerald;
let receiver: Receiver;
/** What each path answers (200 unless set). */
const statusByPath = new Map<string, number | ((request: ReceivedRequest) => number)>();
let acme: { key: string; globalId: string };
let other: { key: string };
let operator: { id: string; secret: string };
let broken: { id: string };
let acmeWatcher: { id: string; secret: string };
let otherWatcher: { id: string };

async function createEndpoint(key: string, path: string, eventTypes: string[], mutation = CREATE_ENDPOINT, field = 'createEndpoint') {
  const created = await herald.graphql(mutation, { input: { url: `${receiver.url}${path}`, eventTypes } }, key);
  const payload = created.data?.[field];
  expect(payload?.__typename, JSON.stringify(created)).toBe('CreateEndpointPayload');
  return { id: payload.endpoint.id as string, secret: payload.secret as string };
}

/** The operational events a path received, verified with the endpoint's secret by the standardwebhooks library. */
function received(path: string, secret: string): Array<{ type: string; data: Record<string, unknown> }> {
  return receiver.requests
    .filter((request) => request.url === path)
    .map((request) => new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> });
}

function waitForEvent(path: string, secret: string, type: string, match: (data: Record<string, unknown>) => boolean = () => true) {
  return waitFor(async () => received(path, secret).find((event) => event.type === type && match(event.data)), `${type} at ${path}`, PATIENCE_MS);
}

/** Chains of attempts on a loaded machine (2 cores, many suites at once) take a while: wait long, fail clearly. */
const PATIENCE_MS = 60_000;

const unfinished = () => herald.db.delivery.count({ where: { status: { in: ['PENDING', 'SENDING', 'RETRYING'] } } });

beforeAll(async () => {
  herald = await startTestHerald(
    { allowPrivateNetworks: true, retryScheduleMs: [0, 100, 100, 100], deliveryTimeoutMs: 1_000, disableAfterFailures: 2, failingAfterAttempts: 2 },
    { worker: true },
  );
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver((request, response) => {
    const status = statusByPath.get(request.url) ?? 200;
    response.statusCode = typeof status === 'function' ? status(request) : status;
    response.end();
  });
  acme = await herald.organization('acme');
  other = await herald.organization('other');
  operator = await createEndpoint(herald.adminKey, '/operator', ['herald.*'], CREATE_OPERATOR_ENDPOINT, 'createOperatorEndpoint');
  statusByPath.set('/broken', 500);
  broken = await createEndpoint(acme.key, '/broken', ['order.created']);
  acmeWatcher = await createEndpoint(acme.key, '/acme-watch', ['herald.endpoint.disabled']);
  otherWatcher = await createEndpoint(other.key, '/other-watch', ['herald.endpoint.disabled']);
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

const TOGGLE_EVENT_TYPES = ['herald.endpoint.disabled', 'herald.endpoint.enabled'];

describe('operational events', { timeout: 150_000 }, () => {
  it('are in the catalog with a JSON Schema each, and only Herald publishes them', async () => {
    const catalog = await herald.graphql('{ eventTypes { name schema example } }', {}, acme.key);
    const types = (catalog.data!.eventTypes as Array<{ name: string; schema: unknown; example: unknown }>).filter((type) => type.name.startsWith('herald.'));
    expect(types.map((type) => type.name).sort()).toEqual([...OPERATIONAL_EVENT_TYPES].sort());
    for (const type of types) {
      const compiled = compilePayloadSchema(type.schema);
      expect(compiled.ok && compiled.validate(type.example), type.name).toEqual({ ok: true });
    }
    const published = await herald.graphql(
      'mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on ValidationError { fields { path message } } } }',
      { input: { type: 'herald.endpoint.disabled', payload: {} } },
      acme.key,
    );
    expect(published.data!.publishEvent.fields).toEqual([{ path: ['type'], message: expect.stringContaining('only Herald publishes') }]);
    const toOperator = await herald.graphql(
      'mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on ValidationError { fields { path message } } } }',
      { input: { type: 'order.created', payload: {}, organizationId: 'org_00000000000000000000000000000001' } },
      herald.adminKey,
    );
    expect(toOperator.data!.publishEvent.fields).toEqual([{ path: ['organizationId'], message: expect.stringContaining('operator organization') }]);
    const changed = await herald.graphql(
      'mutation { updateEventType(input: { name: "herald.endpoint.enabled", description: "mine" }) { __typename ... on ValidationError { fields { path } } } }',
      {},
      herald.adminKey,
    );
    expect(changed.data!.updateEventType).toEqual({ __typename: 'ValidationError', fields: [{ path: ['name'] }] });
    expect(await herald.db.eventType.findUnique({ where: { name: 'herald.endpoint.enabled' } })).toMatchObject({ description: expect.not.stringContaining('mine') });
  });

  it('operator endpoints subscribe to operational events only, named (`*` matches none of them)', async () => {
    const before = await herald.db.endpoint.count();
    for (const eventTypes of [['*'], ['herald.*', 'order.created']]) {
      const refused = await herald.graphql(CREATE_OPERATOR_ENDPOINT.replace('... on Error { message }', '... on ValidationError { fields { path message } }'), { input: { url: `${receiver.url}/nope`, eventTypes } }, herald.adminKey);
      expect(refused.data!.createOperatorEndpoint).toEqual({ __typename: 'ValidationError', fields: [{ path: ['eventTypes'], message: expect.stringContaining('only operational events') }] });
    }
    const byOrganizationKey = await herald.graphql(CREATE_OPERATOR_ENDPOINT, { input: { url: `${receiver.url}/nope`, eventTypes: ['herald.*'] } }, acme.key);
    expect(byOrganizationKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await herald.db.endpoint.count()).toBe(before);
  });

  it('a failing endpoint: the operator hears failing, then exhausted, then disabled (FAILING), signed and matching the schemas', async () => {
    const first = await publishEvent(withKey(herald, acme.key), { type: 'order.created', payload: { n: 1 } });
    const second = await publishEvent(withKey(herald, acme.key), { type: 'order.created', payload: { n: 2 } });
    const disabled = await waitForEvent('/operator', operator.secret, 'herald.endpoint.disabled', (data) => data.endpointId === broken.id);
    expect(disabled.data).toMatchObject({ organizationId: acme.globalId, organizationSlug: 'acme', endpointUrl: `${receiver.url}/broken`, reason: 'FAILING', consecutiveFailures: 2 });
    expect(disabled.data.failingSince).toEqual(expect.any(String));

    const failing: string[] = [];
    for (const { deliveryIds } of [first, second]) {
      const about = (data: Record<string, unknown>) => data.deliveryId === deliveryIds[0];
      await waitForEvent('/operator', operator.secret, 'herald.delivery.exhausted', about);
      const events = received('/operator', operator.secret).filter((event) => about(event.data));
      // Attempt 2 of 4 failed with retries due: failing (once per failing spell of the endpoint); attempt 4 was the last: exhausted.
      failing.push(...events.filter((event) => event.type === 'herald.delivery.failing').map((event) => `${String(event.data.deliveryId)}@${String(event.data.attemptCount)}`));
      expect(events.at(-1)!.type).toBe('herald.delivery.exhausted');
      expect(events.at(-1)!.data).toMatchObject({ endpointId: broken.id, eventType: 'order.created', attemptCount: 4, lastAttempt: { number: 4, responseStatus: 500, errorKind: 'HTTP_STATUS' } });
    }
    // Two deliveries failing at one endpoint: one failing, the spell's first.
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/@2$/);

    // Every payload satisfies its type's schema in the catalog.
    const schemas = new Map((await herald.db.eventType.findMany({ where: { name: { startsWith: 'herald.' } } })).map((row) => [row.name, compilePayloadSchema(row.schema)]));
    for (const event of received('/operator', operator.secret)) {
      const compiled = schemas.get(event.type)!;
      expect(compiled.ok && compiled.validate(event.data), event.type).toEqual({ ok: true });
    }
  });

  it('the organization hears about its own endpoint; another organization does not', async () => {
    const heard = await waitForEvent('/acme-watch', acmeWatcher.secret, 'herald.endpoint.disabled');
    expect(heard.data).toMatchObject({ endpointId: broken.id, reason: 'FAILING', organizationSlug: 'acme' });
    // The watcher subscribed to disabled alone: no failing or exhausted reached it.
    expect(received('/acme-watch', acmeWatcher.secret).map((event) => event.type)).toEqual(['herald.endpoint.disabled']);
    expect(await herald.db.delivery.count({ where: { endpointId: idOfType(otherWatcher.id, 'Endpoint')! } })).toBe(0);
    expect(receiver.requests.filter((request) => request.url === '/other-watch')).toEqual([]);
  });

  it('are events and deliveries like any other: in the operator\'s (admin key) and the organization\'s queries, not in another\'s', async () => {
    await waitFor(async () => (await unfinished()) === 0, 'every delivery to finish', PATIENCE_MS);
    const query = `{ events(filter: { type: "herald.endpoint.disabled" }) { edges { node { type payload deliveries { status endpoint { id } } } } } }`;
    const asOperator = await herald.graphql(query, {}, herald.adminKey);
    expect(asOperator.errors).toBeUndefined();
    expect(asOperator.data!.events.edges).toEqual([
      { node: { type: 'herald.endpoint.disabled', payload: expect.objectContaining({ endpointId: broken.id }), deliveries: [{ status: 'SUCCEEDED', endpoint: { id: operator.id } }] } },
    ]);
    const asAcme = await herald.graphql(query, {}, acme.key);
    expect(asAcme.data!.events.edges).toEqual([
      { node: { type: 'herald.endpoint.disabled', payload: expect.objectContaining({ endpointId: broken.id }), deliveries: [{ status: 'SUCCEEDED', endpoint: { id: acmeWatcher.id } }] } },
    ]);
    const asOther = await herald.graphql(query, {}, other.key);
    expect(asOther.data!.events.edges).toEqual([]);
    const operatorDeliveries = await herald.graphql(`{ deliveries(filter: { endpointId: "${operator.id}" }) { edges { node { status event { type } } } } }`, {}, herald.adminKey);
    expect(operatorDeliveries.errors).toBeUndefined();
    expect(operatorDeliveries.data!.deliveries.edges.length).toBeGreaterThanOrEqual(4); // failing once (the spell), exhausted twice, disabled
  });

  it('re-enabling announces herald.endpoint.enabled; the next success after failing announces herald.endpoint.recovered', async () => {
    const enabled = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: broken.id, active: true } }, acme.key);
    expect(enabled.data!.toggleEndpoint.endpoint).toMatchObject({ active: true });
    const heard = await waitForEvent('/operator', operator.secret, 'herald.endpoint.enabled', (data) => data.endpointId === broken.id);
    expect(heard.data).toMatchObject({ organizationSlug: 'acme', endpointUrl: `${receiver.url}/broken` });

    // Fails twice (announced failing at attempt 2), then answers.
    let calls = 0;
    statusByPath.set('/broken', () => (++calls <= 2 ? 503 : 200));
    const { deliveryIds } = await publishEvent(withKey(herald, acme.key), { type: 'order.created', payload: { n: 3 } });
    await waitForEvent('/operator', operator.secret, 'herald.delivery.failing', (data) => data.deliveryId === deliveryIds[0]);
    const recovered = await waitForEvent('/operator', operator.secret, 'herald.endpoint.recovered', (data) => data.endpointId === broken.id);
    expect(recovered.data).toMatchObject({ deliveryId: deliveryIds[0], failingSince: expect.any(String) });
    expect((await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(broken.id, 'Endpoint')! } })).failingSince).toBeNull();
  });

  it('no loop: an operator endpoint that fails causes no operational event about itself, and is disabled silently', async () => {
    statusByPath.set('/operator-broken', 500);
    const failingOperator = await createEndpoint(herald.adminKey, '/operator-broken', ['herald.endpoint.*'], CREATE_OPERATOR_ENDPOINT, 'createOperatorEndpoint');
    // Two manual toggles: two operational events, two deliveries to it that fail for good (disable after 2).
    for (const active of [false, true]) {
      const toggled = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: broken.id, active } }, acme.key);
      expect(toggled.data!.toggleEndpoint.endpoint).toMatchObject({ active });
    }
    const row = await waitFor(async () => {
      const endpoint = await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(failingOperator.id, 'Endpoint')! } });
      return endpoint.active ? null : endpoint;
    }, 'the failing operator endpoint to be disabled', PATIENCE_MS);
    expect(row).toMatchObject({ disabledReason: 'FAILING', failingSince: null });
    await waitFor(async () => (await unfinished()) === 0, 'every delivery to finish', PATIENCE_MS);
    const operational = await herald.db.event.findMany({ where: { type: { startsWith: 'herald.' } } });
    const aboutIt = operational.filter((event) => (event.payload as { endpointId?: string }).endpointId === failingOperator.id);
    expect(aboutIt).toEqual([]);
    // It was tried: its deliveries failed, 4 attempts each.
    const attempts = await herald.db.attempt.count({ where: { delivery: { endpointId: idOfType(failingOperator.id, 'Endpoint')! } } });
    expect(attempts).toBe(8);
  });

  it('an organization\'s endpoint turned off by failing operational deliveries: the operator alone hears of it', async () => {
    const watchful = await herald.organization('watchful');
    statusByPath.set('/watchful-broken', 500);
    // The toggle events only: creating the endpoints below announces herald.endpoint.created too.
    const failingWatcher = await createEndpoint(watchful.key, '/watchful-broken', TOGGLE_EVENT_TYPES);
    const calm = await createEndpoint(watchful.key, '/watchful-calm', TOGGLE_EVENT_TYPES);
    const other = await createEndpoint(watchful.key, '/watchful-other', ['order.created']);
    // Two toggles of another endpoint: two operational events the failing watcher fails to receive (disable after 2).
    for (const active of [false, true]) {
      const toggled = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: other.id, active } }, watchful.key);
      expect(toggled.data!.toggleEndpoint.endpoint).toMatchObject({ active });
    }
    const heard = await waitForEvent('/operator', operator.secret, 'herald.endpoint.disabled', (data) => data.endpointId === failingWatcher.id);
    expect(heard.data).toMatchObject({ organizationSlug: 'watchful', reason: 'FAILING', consecutiveFailures: 2, failingSince: null });
    await waitFor(async () => (await unfinished()) === 0, 'every delivery to finish', PATIENCE_MS);
    // Its own organization's other watcher heard the two toggles, not this (in either order: two
    // deliveries are not ordered).
    expect(received('/watchful-calm', calm.secret).map((event) => [event.type, event.data.endpointId]).sort()).toEqual([
      ['herald.endpoint.disabled', other.id],
      ['herald.endpoint.enabled', other.id],
    ]);
    const inWatchful = await herald.graphql('{ events(filter: { type: "herald.endpoint.disabled" }) { edges { node { payload } } } }', {}, watchful.key);
    expect(inWatchful.data!.events.edges.map((edge: { node: { payload: { endpointId: string } } }) => edge.node.payload.endpointId)).toEqual([other.id]);
  });

  it('an admin key can mint a portal session of the operator organization, which manages operator endpoints', async () => {
    const minted = await herald.graphql(
      'mutation($input: CreatePortalSessionInput!) { createPortalSession(input: $input) { __typename ... on CreatePortalSessionPayload { token } } }',
      { input: { organizationId: 'org_00000000000000000000000000000001' } },
      herald.adminKey,
    );
    const token = minted.data!.createPortalSession.token as string;
    const listed = await herald.graphql('{ endpoints { edges { node { id url } } } }', {}, token);
    expect(listed.data!.endpoints.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(operator.id);
  });
  it('a flood of failing deliveries at one dead endpoint: the operator hears failing once for the spell, exhausted per delivery', async () => {
    const flooder = await herald.organization('flood-failing');
    statusByPath.set('/flood-dead', 500);
    const dead = await createEndpoint(flooder.key, '/flood-dead', ['order.created']);
    const published = await publishEvents(withKey(herald, flooder.key), Array.from({ length: 20 }, (_, n) => ({ type: 'order.created', payload: { n } })));
    await waitForEvent('/operator', operator.secret, 'herald.endpoint.disabled', (data) => data.endpointId === dead.id);
    await waitFor(async () => (await unfinished()) === 0, 'every delivery to finish', PATIENCE_MS);
    const aboutDead = received('/operator', operator.secret).filter((event) => event.data.endpointId === dead.id);
    const failing = aboutDead.filter((event) => event.type === 'herald.delivery.failing');
    // 20 deliveries reached attempt 2 (failing) before the endpoint was disabled: one announcement.
    const attemptedTwice = await herald.db.delivery.count({ where: { endpointId: idOfType(dead.id, 'Endpoint')!, attemptCount: { gte: 2 } } });
    expect(attemptedTwice).toBeGreaterThan(1);
    expect(failing).toHaveLength(1);
    expect(failing[0]!.data).toMatchObject({ attemptCount: 2 });
    expect(published.map((result) => result.deliveryIds[0])).toContain(failing[0]!.data.deliveryId);
    // Exhausted stays per delivery lost for good; the disable (after 2 in a row) cancels the rest.
    const lost = await herald.db.delivery.count({ where: { endpointId: idOfType(dead.id, 'Endpoint')!, status: 'FAILED' } });
    expect(aboutDead.filter((event) => event.type === 'herald.delivery.exhausted')).toHaveLength(lost);
    expect(aboutDead.filter((event) => event.type === 'herald.endpoint.disabled')).toHaveLength(1);
  });
  it('a flood of manual toggles (25 disable/enable pairs): the organization\'s toggle budget admits 20 changes, refuses the rest with nothing written, and the operator hears exactly the admitted ones', async () => {
    const flooder = await herald.organization('flood-toggles');
    const target = await createEndpoint(flooder.key, '/flood-toggled', ['order.created']);
    const watcher = await createEndpoint(flooder.key, '/flood-watch', TOGGLE_EVENT_TYPES);
    let active = true;
    let changed = 0;
    /** Enables answered after a refused disable: the endpoint was on already. */
    let unchanged = 0;
    const refusals: Array<{ message: string; retryAfterSeconds: number }> = [];
    const started = Date.now();
    for (let pair = 0; pair < 25; pair++) {
      for (const wanted of [false, true]) {
        const answer = (await herald.graphql(TOGGLE_OR_REFUSED, { input: { id: target.id, active: wanted } }, flooder.key)).data!.toggleEndpoint;
        if (answer.__typename === 'RateLimitedError') {
          refusals.push({ message: answer.message, retryAfterSeconds: answer.retryAfterSeconds });
          continue;
        }
        expect(answer.__typename).toBe('ToggleEndpointPayload');
        expect(answer.endpoint.active).toBe(wanted);
        if (wanted !== active) changed++;
        else unchanged++;
        active = wanted;
      }
    }
    const elapsed = Date.now() - started;
    console.log(`toggle flood: 50 toggles in ${elapsed} ms, ${changed} changes admitted, ${refusals.length} refused, ${unchanged} to the state it had`);
    // The burst, plus one per 3 s the loop took on a loaded machine.
    expect(changed).toBeGreaterThanOrEqual(20);
    expect(changed).toBeLessThanOrEqual(20 + Math.floor(elapsed / 3_000));
    expect(refusals.length + changed + unchanged).toBe(50);
    expect(refusals.length).toBeGreaterThanOrEqual(10);
    expect(refusals[0]).toEqual({ message: expect.stringContaining('20 times at once, then once every 3 s'), retryAfterSeconds: expect.any(Number) });
    for (const { retryAfterSeconds } of refusals) expect([1, 2, 3]).toContain(retryAfterSeconds);
    // A refused toggle changed nothing: the endpoint is in the state of the last admitted one.
    expect((await herald.db.endpoint.findUniqueOrThrow({ where: { id: idOfType(target.id, 'Endpoint')! } })).active).toBe(active);
    // A toggle to the state it has is free: admitted with the budget spent, announcing nothing.
    const same = (await herald.graphql(TOGGLE_OR_REFUSED, { input: { id: target.id, active } }, flooder.key)).data!.toggleEndpoint;
    expect(same).toEqual({ __typename: 'ToggleEndpointPayload', endpoint: { active } });

    await waitFor(async () => (await unfinished()) === 0, 'every delivery to finish', PATIENCE_MS);
    const toggleTypes = ['herald.endpoint.disabled', 'herald.endpoint.enabled'];
    // Besides the target's herald.endpoint.created, announced when it was made.
    const atOperator = received('/operator', operator.secret).filter((event) => event.data.endpointId === target.id && event.type !== 'herald.endpoint.created');
    expect(atOperator).toHaveLength(changed);
    expect(atOperator.every((event) => toggleTypes.includes(event.type))).toBe(true);
    expect(received('/flood-watch', watcher.secret).filter((event) => event.data.endpointId === target.id)).toHaveLength(changed);
    expect(await herald.db.event.count({ where: { type: { in: toggleTypes }, payload: { path: ['endpointId'], equals: target.id } } })).toBe(2 * changed); // the operator's copy and the organization's

    // The budget refills: one change every 3 s (a change admitted after the last refusal may have
    // spent the time that refusal named, so wait the whole interval).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const later = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: target.id, active: !active } }, flooder.key);
    expect(later.data!.toggleEndpoint.endpoint).toMatchObject({ active: !active });
  });
  it('two recorders marking one endpoint failing at once: exactly one learns it began the spell, from its own UPDATE', async () => {
    const racer = await herald.organization('race-failing');
    const endpointId = idOfType((await createEndpoint(racer.key, '/race', ['order.created'])).id, 'Endpoint')!;
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstMarked!: () => void;
    const marked = new Promise<void>((resolve) => (firstMarked = resolve));
    const first = herald.db.$transaction(async (tx) => {
      const rows = await MARK_FAILING.run(tx, { ids: [endpointId], spell: '00000000-0000-7000-8000-000000000001' });
      firstMarked();
      await firstHolds;
      return rows;
    });
    await marked;
    // The second waits on the first's row lock, then re-reads the row the first committed.
    const second = herald.db.$transaction((tx) => MARK_FAILING.run(tx, { ids: [endpointId], spell: '00000000-0000-7000-8000-000000000002' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    const [[won], [lost]] = await Promise.all([first, second]);
    expect(won).toMatchObject({ id: endpointId, begun_here: true });
    expect(lost).toMatchObject({ id: endpointId, begun_here: false, failing_since: won!.failing_since });
  });
});
