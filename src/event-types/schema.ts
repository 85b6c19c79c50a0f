import { builder } from '../graphql/builder.ts';
import { NotFoundError, ValidationError } from '../graphql/error-types.ts';
import type { EventType } from '../generated/prisma/client.ts';
import { testEventPayload, TEST_EVENT_TYPE } from '../engine/test-event.ts';
import { createEventType, listEventTypes, updateEventType } from './event-types.ts';
import { auditActorOf } from '../audit/audit-log.ts';
import { catalogViewOf } from './catalog-view.ts';
import { brandNameOf } from '../auth/principal.ts';
import { examplePayload } from './example-payload.ts';
import { chargeResponseBytes } from '../graphql/response-budget.ts';

export const EventTypeRef = builder.prismaObject('EventType', {
  description: 'An entry of the event catalog. `webhook.test` is built in.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its unique, permanent name: dot-separated segments such as invoice.paid.' }),
    description: t.exposeString('description', { description: 'What the event means, for integrators; empty when not set.' }),
    schema: t.expose('schema', { type: 'JSON', nullable: true, description: 'JSON Schema the payload must satisfy.' }),
    example: t.field({
      type: 'JSON',
      nullable: true,
      description: "A sample payload: the schema's `examples[0]`, else one built from the schema; null without a schema.",
      // Charged like a payload: an author's `examples[0]` is as large as the schema allows.
      resolve: (eventType, _args, ctx) =>
        chargeResponseBytes(ctx, eventType.schema != null ? examplePayload(eventType.schema) : eventType.name === TEST_EVENT_TYPE ? testEventPayload(brandNameOf(ctx.principal)) : null),
    }),
    featureFlag: t.exposeString('featureFlag', {
      nullable: true,
      description: 'Seen only by keys and portal sessions holding this flag (admin keys see every type); null: seen by every key.',
    }),
    deprecated: t.exposeBoolean('deprecated', { description: 'Still published and delivered, but left out of eventTypes(includeDeprecated: false), as the portal lists them.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added to the catalog.' }),
  }),
});

builder.queryField('eventTypes', (t) =>
  t.field({
    type: [EventTypeRef],
    description: 'The event catalog as the calling key sees it, by name: types with a feature flag the key does not hold are left out, and portal sessions see operational types (herald.*) and webhook.test only when minted with includeOperationalEventTypes.',
    authScopes: { admin: true, organization: true },
    args: { includeDeprecated: t.arg.boolean({ defaultValue: true, required: true, description: 'false: only the types not deprecated.' }) },
    resolve: (_root, args, ctx) => listEventTypes(ctx.db, catalogViewOf(ctx.principal), args.includeDeprecated),
  }),
);

const EventTypePayload = (name: string) =>
  builder.objectRef<{ eventType: EventType }>(name).implement({
    description: 'The event type, as the mutation left it.',
    fields: (t) => ({ eventType: t.field({ type: EventTypeRef, description: 'The event type.', resolve: (p) => p.eventType }) }),
  });

const CreateEventTypeInput = builder.inputType('CreateEventTypeInput', {
  description: 'A new entry of the event catalog.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Dot-separated segments of letters, digits, _ or - (at most 255 characters); permanent.' }),
    description: t.string({ description: 'What the event means, for integrators.' }),
    schema: t.field({ type: 'JSON', description: 'A JSON Schema (draft 2020-12) for the payload.' }),
    deprecated: t.boolean({ description: 'Start deprecated (default false).' }),
    featureFlag: t.string({ description: 'Show the type only to keys and portal sessions holding this flag: 1–64 letters, digits, _, . or -.' }),
  }),
});

builder.mutationField('createEventType', (t) =>
  t.field({
    type: EventTypePayload('CreateEventTypePayload'),
    description: 'Adds an event type to the catalog (admin keys only).',
    authScopes: { admin: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateEventTypeInput, required: true, description: 'The new event type.' }) },
    resolve: async (_root, { input }, ctx) => ({ eventType: await createEventType(ctx.db, input, auditActorOf(ctx.principal)) }),
  }),
);

const UpdateEventTypeInput = builder.inputType('UpdateEventTypeInput', {
  description: 'Changes to an event type: a field left out is left as it is.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The event type to change (names are permanent).' }),
    description: t.string({ description: 'A new description.' }),
    schema: t.field({ type: 'JSON', description: 'A new JSON Schema; null removes it.' }),
    deprecated: t.boolean({ description: 'Deprecate (true) or restore (false).' }),
    featureFlag: t.string({ description: 'A new feature flag; null removes it (every key sees the type).' }),
  }),
});

builder.mutationField('updateEventType', (t) =>
  t.field({
    type: EventTypePayload('UpdateEventTypePayload'),
    description: "Changes an event type's description, schema or deprecation (admin keys only); events already published are unchanged.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: UpdateEventTypeInput, required: true, description: 'The event type and what changes.' }) },
    resolve: async (_root, { input }, ctx) => ({ eventType: await updateEventType(ctx.db, input, auditActorOf(ctx.principal)) }),
  }),
);
