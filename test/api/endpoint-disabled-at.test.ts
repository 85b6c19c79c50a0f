// De-risks Endpoint.disabledAt: the time an endpoint went off is readable (the portal says "since"),
// kept when it is paused again, and cleared when it is turned on.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';

const TOGGLE = `mutation($input: ToggleEndpointInput!) {
  toggleEndpoint(input: $input) { __typename ... on ToggleEndpointPayload { endpoint { active disabledReason disabledAt failingSince } } }
}`;

let herald: TestHerald;
let acme: { key: string };

beforeAll(async () => {
  herald = await startTestHerald();
  acme = await herald.organization('acme');
});
afterAll(() => herald.close());

it('answers when the endpoint was turned off, and null while it is on', async () => {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: 'https://one.example/hook', eventTypes: ['*'] } }, acme.key);
  const id = created.data!.createEndpoint.endpoint.id;
  const toggle = async (active: boolean) => (await herald.graphql(TOGGLE, { input: { id, active } }, acme.key)).data!.toggleEndpoint.endpoint;

  const before = Date.now();
  const off = await toggle(false);
  expect(off).toMatchObject({ active: false, disabledReason: 'MANUAL', failingSince: null });
  const at = Date.parse(off.disabledAt);
  expect(at).toBeGreaterThanOrEqual(before - 1_000);
  expect(at).toBeLessThanOrEqual(Date.now() + 1_000);

  expect((await toggle(false)).disabledAt).toBe(off.disabledAt);
  expect(await toggle(true)).toMatchObject({ active: true, disabledReason: null, disabledAt: null });
});
