// @herald/sdk: the typed client. Webhook verification is `@herald/sdk/webhooks` (Node only).
export { createHeraldClient, type HeraldClient, type HeraldClientOptions } from './client.ts';
export { HeraldAuthError, HeraldError, HeraldRequestError, type GraphQLErrorLike } from './errors.ts';
export type { HeraldSubscription, Requester, Subscriber } from './transport.ts';
export type { OperationMethods } from './generated/methods.ts';
export * from './generated/operations.ts';
