// The typed errors of SPEC "GraphQL API": every one implements `interface Error { message }` so a
// client can always select `... on Error { message }`, and each mutation lists the ones it raises.
import {
  EndpointVerificationError,
  type FieldIssue,
  InvalidStateError,
  LimitExceededError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../errors.ts';
import { builder } from './builder.ts';

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'What every typed error answers: select `... on Error { message }` to show any of them.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What went wrong and what to do about it, in a sentence for a person.' }) }),
});

export const FieldIssueRef = builder.objectRef<FieldIssue>('FieldIssue').implement({
  description: 'One problem with one input field; `path` names the field from the input down.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'The field, from the input down: ["input", "headers", "0", "name"].' }),
    message: t.exposeString('message', { description: 'What the field broke, in a sentence for a person.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input broke one or more rules; nothing was written.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fields: t.field({ type: [FieldIssueRef], description: 'Each problem found, one per field (all of them, not only the first).', resolve: (error) => error.fields }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'No such object for this key (ids of other organizations answer the same).',
  interfaces: [ErrorInterface],
});

builder.objectType(LimitExceededError, {
  name: 'LimitExceededError',
  description: 'The organization, key or call is at one of its limits (docs/security.md, "Limits"); nothing was written.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ limit: t.exposeInt('limit', { description: 'The limit reached, in the unit the message names.' }) }),
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  description: 'Too many of this operation too fast; nothing was written. One more is admitted after `retryAfterSeconds`.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds to wait before trying again.' }) }),
});

builder.objectType(EndpointVerificationError, {
  name: 'EndpointVerificationError',
  description: 'The URL did not answer the echo challenge; the endpoint was not saved.',
  interfaces: [ErrorInterface],
});

// InvalidStateError's object type lives with the state it reports (src/deliveries/schema.ts).
export { EndpointVerificationError, InvalidStateError, LimitExceededError, NotFoundError, RateLimitedError, ValidationError };
