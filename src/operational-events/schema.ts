// The operator's side of operational events in the API. Operator endpoints are ordinary endpoints of
// the operator organization, which admin keys act as (src/auth/principal.ts actingOrganization): the
// usual updateEndpoint, toggleEndpoint, rotateEndpointSecret, deleteEndpoint, endpoints, events and
// deliveries work on them with an admin key. This adds the one named entry point for creating one.
import { OPERATIONAL_EVENT_TYPES } from '../engine/operational-events.ts';
import { matchesEventType } from '../engine/fan-out.ts';
import { builder } from '../graphql/builder.ts';
import { EndpointVerificationError, LimitExceededError, ValidationError } from '../graphql/error-types.ts';
import { createEndpoint } from '../endpoints/endpoints.ts';
import { CreateEndpointInput, CreateEndpointPayload } from '../endpoints/schema.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import { catalogViewOf } from '../event-types/catalog-view.ts';

builder.mutationField('createOperatorEndpoint', (t) =>
  t.field({
    type: CreateEndpointPayload,
    description: 'An endpoint of the operator: it receives the operational events (`herald.*`) it subscribes to, about every organization.',
    authScopes: { admin: true },
    errors: { types: [ValidationError, LimitExceededError, EndpointVerificationError] },
    args: { input: t.arg({ type: CreateEndpointInput, required: true, description: 'The new operator endpoint; eventTypes must name operational events (herald.*).' }) },
    resolve: (_root, { input }, ctx) => {
      // Nothing but operational events reaches the operator organization, and `*` matches none of them.
      const unmatched = input.eventTypes.filter((pattern) => !OPERATIONAL_EVENT_TYPES.some((type) => matchesEventType(pattern, type)));
      if (unmatched.length > 0) {
        throw ValidationError.of(['eventTypes'], `operator endpoints receive only operational events: use herald.* or names such as herald.endpoint.disabled, not ${unmatched.map((p) => `"${p}"`).join(', ')}`);
      }
      return createEndpoint(ctx, catalogViewOf(ctx.principal), OPERATOR_ORGANIZATION_ID, input);
    },
  }),
);
