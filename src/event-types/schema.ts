import { builder } from '../graphql/builder.ts';
import { NotFoundError, ValidationError } from '../graphql/error-types.ts';
import type { EventType } from '../generated/prisma/client.ts';
import { TEST_EVENT_PAYLOAD, TEST_EVENT_TYPE } from '../deliveries/operations.ts';
import { createEventType, listEventTypes, updateEventType } from './event-types.ts';
import { examplePayload } from './example-payload.ts';
import { chargeResponseBytes } from '../graphql/response-budget.ts';

export const EventTypeRef = builder.prismaObject('EventType', {
  description: 'An entry of the event catalog. `webhook.test` is built in.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    schema: t.expose('schema', { type: 'JSON', nullable: true, description: 'JSON Schema the payload must satisfy.' }),
    example: t.field({
      type: 'JSON',
      nullable: true,
      description: "A sample payload: the schema's `examples[0]`, else one built from the schema; null without a schema.",
      // Charged like a payload: an author's `examples[0]` is as large as the schema allows.
      resolve: (eventType, _args, ctx) =>
        chargeResponseBytes(ctx, eventType.schema != null ? examplePayload(eventType.schema) : eventType.name === TEST_EVENT_TYPE ? TEST_EVENT_PAYLOAD : null),
    }),
    deprecated: t.exposeBoolean('deprecated'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('eventTypes', (t) =>
  t.field({
    type: [EventTypeRef],
    authScopes: { admin: true, organization: true },
    args: { includeDeprecated: t.arg.boolean({ defaultValue: true, required: true }) },
    resolve: (_root, args, ctx) => listEventTypes(ctx.db, args.includeDeprecated),
  }),
);

const EventTypePayload = (name: string) =>
  builder.objectRef<{ eventType: EventType }>(name).implement({
    fields: (t) => ({ eventType: t.field({ type: EventTypeRef, resolve: (p) => p.eventType }) }),
  });

const CreateEventTypeInput = builder.inputType('CreateEventTypeInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    schema: t.field({ type: 'JSON', description: 'A JSON Schema (draft 2020-12) for the payload.' }),
    deprecated: t.boolean(),
  }),
});

builder.mutationField('createEventType', (t) =>
  t.field({
    type: EventTypePayload('CreateEventTypePayload'),
    authScopes: { admin: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateEventTypeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ eventType: await createEventType(ctx.db, input) }),
  }),
);

const UpdateEventTypeInput = builder.inputType('UpdateEventTypeInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'The event type to change (names are permanent).' }),
    description: t.string(),
    schema: t.field({ type: 'JSON', description: 'A new JSON Schema; null removes it.' }),
    deprecated: t.boolean(),
  }),
});

builder.mutationField('updateEventType', (t) =>
  t.field({
    type: EventTypePayload('UpdateEventTypePayload'),
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: UpdateEventTypeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ eventType: await updateEventType(ctx.db, input) }),
  }),
);
