// Publishing through the API, as every test that needs events does: one event or a batch, with the
// answer's ids typed. Each call fails the test unless the API acknowledged the event(s).
import { expect } from 'vitest';
import type { GraphQLResponse, TestHerald } from './herald.ts';

/** Anything that answers GraphQL: a TestHerald with a key, or a real `herald api` over HTTP. */
export type GraphQLCall = (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse>;

/** A TestHerald's API called with `key` (null: no key). */
export function withKey(herald: Pick<TestHerald, 'graphql'>, key: string | null): GraphQLCall {
  return (query, variables) => herald.graphql(query, variables, key);
}

export interface EventInput {
  type: string;
  payload: unknown;
  project?: string;
  idempotencyKey?: string;
  /** Global id of the organization (admin keys). */
  organizationId?: string;
}

/** Global ids of what one publish created. */
export interface Published {
  eventId: string;
  deliveryIds: string[];
}

const IDS = 'event { id } deliveries { id }';
type PayloadIds = { event: { id: string }; deliveries: Array<{ id: string }> };
const idsOf = (payload: PayloadIds): Published => ({ eventId: payload.event.id, deliveryIds: payload.deliveries.map((delivery) => delivery.id) });

/**
 * Publishes one event and returns the `PublishEventPayload`'s fields chosen by `selection` (for
 * tests of publishing itself, which read more than ids). Fails on a top-level GraphQL error.
 */
export async function publishEventSelecting<T = Record<string, any>>(api: GraphQLCall, input: EventInput | Record<string, unknown>, selection: string): Promise<T> {
  const response = await api(`mutation($input: PublishEventInput!) { publishEvent(input: $input) { ${selection} } }`, { input });
  expect(response.errors).toBeUndefined();
  return response.data!.publishEvent as T;
}

/** Publishes one event; its id and its deliveries' ids. */
export async function publishEvent(api: GraphQLCall, input: EventInput): Promise<Published> {
  const payload = await publishEventSelecting<{ __typename: string } & PayloadIds>(api, input, `__typename ... on PublishEventPayload { ${IDS} } ... on Error { message }`);
  expect(payload).toMatchObject({ __typename: 'PublishEventPayload' });
  return idsOf(payload);
}

/** Publishes a batch (at most 100) in one `publishEvents`; the ids of each, in order. */
export async function publishEvents(api: GraphQLCall, inputs: EventInput[]): Promise<Published[]> {
  const response = await api(
    `mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename ... on PublishEventsPayload { results { ${IDS} } } ... on Error { message } } }`,
    { input: { events: inputs } },
  );
  expect(response.errors).toBeUndefined();
  expect(response.data!.publishEvents).toMatchObject({ __typename: 'PublishEventsPayload' });
  return (response.data!.publishEvents.results as PayloadIds[]).map(idsOf);
}
