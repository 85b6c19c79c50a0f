// De-risks scope bypass through nested fields: a key reads an object's data only with the scope that
// guards that data, however it reached the object (a list, `node`, a mutation's payload, another
// object's field). The test walks the printed schema: for every root field it selects everything
// reachable (each type once per path), runs it with a key of every scope set, then walks the answer
// and checks each value that resolved against the policy below. The policy is written here on its
// own, not read from the code, so a scope dropped from a type makes this test fail.
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminKey, createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { ORGANIZATION_SCOPES, type Scope } from '../../src/auth/scopes.ts';
import { OPERATOR_SCOPES } from '../../src/organizations/operator.ts';
import { createPortalSession } from '../../src/portal/portal-sessions.ts';
import { MASKED_HEADER_VALUE } from '../../src/endpoints/custom-headers.ts';
import { heraldSchema } from '../../src/graphql/schema.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Who may read a field of these types; every other type carries no tenant data of its own. A field
 * with a rule of its own needs its scopes even where a mutation's payload granted the type, unless
 * that payload type is in its `grantedBy`.
 */
interface FieldRule {
  scopes: Scope[];
  grantedBy?: string[];
}
const POLICY: Record<string, { type: Scope[]; fields?: Record<string, FieldRule>; grantedByMutation: boolean }> = {
  // Delivery counts are delivery data: stats needs deliveries:read however the endpoint was reached.
  Endpoint: { type: ['endpoints:read'], fields: { stats: { scopes: ['deliveries:read'] } }, grantedByMutation: true },
  // The receiver's last answer is attempt data (a redirect's Location in lastError, for one).
  Delivery: {
    type: ['deliveries:read'],
    fields: { attempts: { scopes: ['deliveries:read'] }, lastError: { scopes: ['deliveries:read'] }, lastStatusCode: { scopes: ['deliveries:read'] } },
    grantedByMutation: true,
  },
  Attempt: { type: ['deliveries:read'], grantedByMutation: false },
  // An event's content is its publisher's: a publish reads it back, cancelling its deliveries does not.
  Event: {
    type: ['events:read', 'deliveries:read', 'events:publish'],
    fields: { payload: { scopes: ['events:read'], grantedBy: ['PublishEventPayload'] }, idempotencyKey: { scopes: ['events:read'], grantedBy: ['PublishEventPayload'] } },
    grantedByMutation: true,
  },
};
const HEADER_VALUE = 'Bearer receiver-credential';
const MAX_DEPTH = 5;

let herald: TestHerald;
let receiver: Receiver;
let organizationId: string;
const ids: Record<'endpoint' | 'event' | 'delivery' | 'undelivered', string> = { endpoint: '', event: '', delivery: '', undelivered: '' };
const PUBLISH_INPUT = { type: 'order.created', payload: { amount: 42 }, idempotencyKey: 'scope-walk-1' };

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0] }, { worker: true });
  // /moved answers a redirect: its Location (often a signed or internal URL) lands in lastError.
  receiver = await startReceiver((request, response) => {
    if (request.url === '/moved') {
      response.writeHead(302, { location: 'https://internal.example/receiver-location' });
      return response.end();
    }
    response.end('receiver says hello');
  });
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  const organization = await herald.organization('walker');
  organizationId = organization.globalId;
  // Published before any endpoint exists: an event with no deliveries, which cancelScheduledEvent
  // answers (count 0) instead of refusing, so every key that may cancel reaches its fields.
  ids.undelivered = (await publishEvent(withKey(herald, organization.key), { type: 'order.created', payload: { note: 'never delivered' }, idempotencyKey: 'undelivered-1' })).eventId;
  const created = await herald.graphql(
    `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { ... on CreateEndpointPayload { endpoint { id } } } }`,
    { input: { url: `${receiver.url}/hook`, eventTypes: ['*'], headers: [{ name: 'X-Receiver-Auth', value: HEADER_VALUE }] } },
    organization.key,
  );
  ids.endpoint = created.data!.createEndpoint.endpoint.id;
  const moved = await herald.graphql(
    `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename } }`,
    { input: { url: `${receiver.url}/moved`, eventTypes: ['*'], headers: [{ name: 'X-Receiver-Auth', value: HEADER_VALUE }] } },
    organization.key,
  );
  expect(moved.data!.createEndpoint.__typename).toBe('CreateEndpointPayload');
  // An operator endpoint, so the admin key's walk reaches endpoint data of its own (the operator's).
  const operatorEndpoint = await herald.graphql(
    `mutation($input: CreateEndpointInput!) { createOperatorEndpoint(input: $input) { __typename } }`,
    { input: { url: `${receiver.url}/operator`, eventTypes: ['herald.*'], headers: [{ name: 'X-Receiver-Auth', value: HEADER_VALUE }] } },
    herald.adminKey,
  );
  expect(operatorEndpoint.data!.createOperatorEndpoint.__typename).toBe('CreateEndpointPayload');
  const published = await publishEvent(withKey(herald, organization.key), PUBLISH_INPUT);
  ids.event = published.eventId;
  ids.delivery = published.deliveryIds[0]!;
  // Every type must hold data for the walk to mean something: wait for the attempt.
  await waitFor(async () => (await herald.db.delivery.count({ where: { status: { in: ['SUCCEEDED', 'FAILED'] } } })) === 2, 'both deliveries finished');
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

/** A selection and how many fields it selects (what the API's breadth limit counts). */
interface Selection {
  text: string;
  fields: number;
}

/** Fields one document of the walk selects at most: well under the API's breadth limit (200), so its complexity (5000) holds too. */
const BREADTH_BUDGET = 60;

/**
 * Selections that together cover everything reachable from a type, each named type at most once
 * per path, each under BREADTH_BUDGET: fields are packed into documents greedily, and a field whose
 * own selection is too broad is split the same way, one document per part.
 */
function selectionsOf(schema: GraphQLSchema, type: GraphQLNamedType, path: readonly string[]): Selection[] {
  if (isLeafType(type)) return [{ text: '', fields: 0 }];
  if (path.length >= MAX_DEPTH) return [{ text: '{ __typename }', fields: 1 }];
  const parts: Selection[][] = [];
  if (isAbstractType(type)) {
    for (const member of schema.getPossibleTypes(type)) {
      parts.push(selectionsOf(schema, member, path).map((inner) => ({ text: `... on ${member.name} ${inner.text}`, fields: inner.fields })));
    }
  } else if (isObjectType(type)) {
    const fields = Object.values(type.getFields())
      .filter((field) => field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined))
      .filter((field) => {
        const named = getNamedType(field.type);
        return isLeafType(named) || !path.includes(named.name);
      });
    for (const field of fields) {
      // Two items per page reach every path; the default page size only multiplies the complexity.
      const page = field.args.some((arg) => arg.name === 'first') ? '(first: 2)' : '';
      parts.push(selectionsOf(schema, getNamedType(field.type), [...path, type.name]).map((inner) => ({ text: `${field.name}${page} ${inner.text}`, fields: inner.fields + 1 })));
    }
  } else {
    return [{ text: '', fields: 0 }];
  }
  // Every variant of a split part goes in a document of its own; whole parts are packed together.
  const documents: Selection[] = [];
  let packing: Selection = { text: '', fields: 1 };
  for (const variants of parts) {
    if (variants.length > 1) {
      for (const variant of variants) documents.push({ text: `{ __typename ${variant.text} }`, fields: variant.fields + 1 });
      continue;
    }
    const [part] = variants as [Selection];
    if (packing.fields + part.fields > BREADTH_BUDGET && packing.text !== '') {
      documents.push({ text: `{ __typename ${packing.text} }`, fields: packing.fields });
      packing = { text: '', fields: 1 };
    }
    if (part.fields + 1 > BREADTH_BUDGET) {
      // One field alone over the budget, not splittable here: its inner selection was split already.
      documents.push({ text: `{ __typename ${part.text} }`, fields: part.fields + 1 });
      continue;
    }
    packing = { text: `${packing.text} ${part.text}`, fields: packing.fields + part.fields };
  }
  if (packing.text !== '' || documents.length === 0) documents.push({ text: `{ __typename ${packing.text} }`, fields: packing.fields });
  return documents;
}

interface Principal {
  label: string;
  key: string;
  scopes: ReadonlySet<Scope>;
  admin: boolean;
}

interface Finding {
  where: string;
  value: unknown;
}

/** Every value in `data` whose field the policy does not let this principal read. */
function violations(schema: GraphQLSchema, root: GraphQLObjectType, data: unknown, principal: Principal, seen: Map<string, number>): Finding[] {
  const found: Finding[] = [];
  const visit = (value: unknown, type: GraphQLOutputType, where: string, granted: string | null) => {
    if (value == null) return;
    const named = getNamedType(type);
    if (Array.isArray(value)) return value.forEach((item, index) => visit(item, type, `${where}.${index}`, granted));
    if (isLeafType(named) || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const concrete = isAbstractType(named) ? schema.getType(String(record.__typename)) : named;
    if (!isObjectType(concrete)) return;
    for (const [name, inner] of Object.entries(record)) {
      if (name === '__typename') continue;
      const field: GraphQLField<unknown, unknown> | undefined = concrete.getFields()[name];
      if (!field) continue;
      const at = `${where}.${name}`;
      seen.set(`${concrete.name}.${name}`, (seen.get(`${concrete.name}.${name}`) ?? 0) + (inner == null ? 0 : 1));
      if (inner != null && !mayRead(concrete.name, name, principal, granted)) found.push({ where: `${at} (${concrete.name}.${name})`, value: inner });
      if (concrete.name === 'EndpointHeader' && name === 'value' && inner !== MASKED_HEADER_VALUE && !principal.scopes.has('endpoints:write')) {
        found.push({ where: `${at} (unmasked header value)`, value: inner });
      }
      // A mutation's payload grants its direct results, nothing below them.
      visit(inner, field.type, at, concrete.name.endsWith('Payload') ? concrete.name : null);
    }
  };
  visit(data, root, root.name, null);
  return found;
}

/** `grantedBy`: the mutation payload type the object was reached from directly, if any. */
function mayRead(typeName: string, fieldName: string, principal: Principal, grantedBy: string | null): boolean {
  const rule = POLICY[typeName];
  if (!rule || fieldName === 'id') return true;
  const has = (scopes: Scope[]) => scopes.some((scope) => principal.scopes.has(scope));
  const typeReadable = (grantedBy !== null && rule.grantedByMutation) || has(rule.type);
  const fieldRule = rule.fields?.[fieldName];
  if (!fieldRule) return typeReadable;
  return typeReadable && (has(fieldRule.scopes) || (grantedBy !== null && (fieldRule.grantedBy ?? []).includes(grantedBy)));
}

function operations(schema: GraphQLSchema): Array<{ root: GraphQLObjectType; document: string; variables: Record<string, unknown> }> {
  const query = schema.getQueryType()!;
  const mutation = schema.getMutationType()!;
  const select = (root: GraphQLObjectType, field: string) => selectionsOf(schema, getNamedType(root.getFields()[field]!.type), [root.name]).map((selection) => selection.text);
  const list = Object.values(query.getFields())
    .filter((field) => field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined))
    .flatMap((field) => select(query, field.name).map((selection) => ({ root: query, document: `query { ${field.name} ${selection} }`, variables: {} })));
  for (const id of Object.values(ids)) {
    for (const selection of select(query, 'node')) list.push({ root: query, document: `query($id: ID!) { node(id: $id) ${selection} }`, variables: { id } });
  }
  // Publishing again with the same idempotency key answers the first event and writes nothing.
  for (const selection of select(mutation, 'publishEvent')) {
    list.push({ root: mutation, document: `mutation($input: PublishEventInput!) { publishEvent(input: $input) ${selection} }`, variables: { input: PUBLISH_INPUT } });
  }
  // An event with no deliveries: nothing is cancelled, and the payload still answers the event.
  for (const selection of select(mutation, 'cancelScheduledEvent')) {
    list.push({ root: mutation, document: `mutation($input: CancelScheduledEventInput!) { cancelScheduledEvent(input: $input) ${selection} }`, variables: { input: { id: ids.undelivered } } });
  }
  for (const selection of select(mutation, 'updateEndpoint')) {
    list.push({ root: mutation, document: `mutation($input: UpdateEndpointInput!) { updateEndpoint(input: $input) ${selection} }`, variables: { input: { id: ids.endpoint } } });
  }
  return list;
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => all.concat(all.map((subset) => [...subset, item])), [[]]);
}

describe('every field checks the scope that guards its data', () => {
  it('for every scope set, no value outside the key’s scopes resolves on any reachable path', async () => {
    const schema = heraldSchema();
    const organization = (await herald.db.organization.findFirstOrThrow({ where: { slug: 'walker' } })).id;
    const principals: Principal[] = [];
    // The empty set is left out: a key created with no scopes has all of them.
    for (const scopes of subsets(ORGANIZATION_SCOPES).filter((subset) => subset.length > 0)) {
      const { token } = await createOrganizationKey(herald.db, { organizationId: organization, scopes });
      principals.push({ label: scopes.join(' '), key: token, scopes: new Set(scopes), admin: false });
    }
    // An admin key acts as the operator organization, with its scopes (src/organizations/operator.ts).
    principals.push({ label: 'admin', key: (await createAdminKey(herald.db)).token, scopes: OPERATOR_SCOPES, admin: true });
    // Portal sessions are held to their scopes the same way.
    for (const scopes of [['endpoints:read', 'events:read', 'deliveries:read'], ['endpoints:read', 'endpoints:write']] as Scope[][]) {
      const { token } = await createPortalSession(herald.db, herald.config, organization, { scopes, seconds: 600 });
      principals.push({ label: `portal session: ${scopes.join(' ')}`, key: token, scopes: new Set(scopes), admin: false });
    }

    const seenByFullKey = new Map<string, number>();
    const problems: string[] = [];
    for (const principal of principals) {
      const full = principal.scopes.size === ORGANIZATION_SCOPES.length;
      for (const operation of operations(schema)) {
        const variables =
          principal.admin && operation.document.includes('PublishEventInput')
            ? { input: { ...PUBLISH_INPUT, organizationId } }
            : operation.variables;
        const response = await herald.graphql(operation.document, variables, principal.key);
        expect(response.status, operation.document).toBeLessThan(500);
        for (const error of response.errors ?? []) {
          // Refusals only: anything else would hide a path this walk never checked.
          expect(['FORBIDDEN', 'UNAUTHENTICATED'], `${principal.label}: ${error.message} in ${operation.document.slice(0, 300)}`).toContain(error.extensions?.code);
        }
        const seen = full ? seenByFullKey : new Map<string, number>();
        for (const finding of violations(schema, operation.root, response.data, principal, seen)) {
          problems.push(`${principal.label}: ${finding.where} = ${JSON.stringify(finding.value).slice(0, 80)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The walk reached the data it guards: with every scope, each guarded field resolved somewhere.
    for (const [type, rule] of Object.entries(POLICY)) {
      const reached = [...seenByFullKey].filter(([name, count]) => name.startsWith(`${type}.`) && count > 0).map(([name]) => name);
      expect(reached.length, `fields of ${type} reached with every scope`).toBeGreaterThan(2);
      for (const field of Object.keys(rule.fields ?? {})) expect(reached, type).toContain(`${type}.${field}`);
    }
    expect(seenByFullKey.get('Attempt.responseBody')).toBeGreaterThan(0);
    expect(seenByFullKey.get('EndpointHeader.value')).toBeGreaterThan(0);
  }, 120_000);

  it('a publish-only key reads back what it published, and nothing of the receivers', async () => {
    const { token } = await createOrganizationKey(herald.db, {
      organizationId: (await herald.db.organization.findFirstOrThrow({ where: { slug: 'walker' } })).id,
      scopes: ['events:publish'],
    });
    const publish = (selection: string) =>
      herald.graphql(`mutation($input: PublishEventInput!) { publishEvent(input: $input) { ... on PublishEventPayload { ${selection} } } }`, { input: PUBLISH_INPUT }, token);
    // What the SDK's publishEvent selects: its DeliveryFields fragment included.
    const own = await publish('event { id type payload } deliveries { id status attemptCount lastError lastStatusCode endpoint { id } event { id type } }');
    expect(own.errors).toBeUndefined();
    expect(own.data!.publishEvent).toMatchObject({ event: { id: ids.event, payload: { amount: 42 } } });
    const deliveries = own.data!.publishEvent.deliveries as Array<Record<string, unknown>>;
    expect(deliveries.map((delivery) => delivery.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
    expect(deliveries.map((delivery) => delivery.id)).toContain(ids.delivery);
    expect(deliveries.map((delivery) => delivery.endpoint)).toContainEqual({ id: ids.endpoint });
    // One receiver answered 200, the other a redirect: both answers are withheld, as null, not an error.
    for (const delivery of deliveries) expect(delivery).toMatchObject({ lastStatusCode: null, lastError: null });
    expect(JSON.stringify(own.data)).not.toMatch(/receiver-location/);
    for (const selection of ['deliveries { attempts { responseBody } }', 'deliveries { endpoint { url } }', 'deliveries { endpoint { headers { value } } }', 'event { deliveries { status attempts { responseBody } } }']) {
      const refused = await publish(selection);
      expect(refused.errors?.[0]?.extensions?.code, selection).toBe('FORBIDDEN');
      expect(JSON.stringify(refused.data ?? null), selection).not.toMatch(/receiver says hello|hook|receiver-credential|receiver-location/);
    }
  });
});

describe('custom header values', () => {
  it('are sealed at rest and shown only to keys that may write the endpoint', async () => {
    const [row] = await herald.db.$queryRaw<Array<{ headers: string }>>`SELECT headers::text FROM endpoints`;
    expect(row!.headers).toContain('X-Receiver-Auth');
    expect(row!.headers).not.toContain('receiver-credential');
    const organization = (await herald.db.organization.findFirstOrThrow({ where: { slug: 'walker' } })).id;
    const read = async (scopes: Scope[]) => {
      const { token } = await createOrganizationKey(herald.db, { organizationId: organization, scopes });
      const response = await herald.graphql('query { endpoints { edges { node { headers { name value } } } } }', {}, token);
      return response.data!.endpoints.edges[0].node.headers;
    };
    expect(await read(['endpoints:read'])).toEqual([{ name: 'X-Receiver-Auth', value: MASKED_HEADER_VALUE }]);
    expect(await read(['endpoints:read', 'endpoints:write'])).toEqual([{ name: 'X-Receiver-Auth', value: HEADER_VALUE }]);
    // And the receiver got the real value.
    expect(receiver.requests.at(-1)?.headers['x-receiver-auth']).toBe(HEADER_VALUE);
  });
});
