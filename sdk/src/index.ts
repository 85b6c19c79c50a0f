// @herald/sdk: the typed client. Webhook verification is `@herald/sdk/webhooks` (Node) and
// `@herald/sdk/webhooks/web` (WebCrypto: browsers, edge runtimes, Deno, Bun).
export { createHeraldClient, type ConnectionEvent, type HeraldClient, type HeraldClientOptions, type HeraldMethods } from './client.ts';
export {
  HeraldAuthError,
  HeraldError,
  HeraldNetworkError,
  HeraldRequestError,
  type GraphQLErrorLike,
  type HeraldErrorCode,
} from './errors.ts';
export type { HeraldSubscription, RequestOptions, Requester, SubscribeOptions, Subscriber } from './transport.ts';
export type { PaginateOptions } from './paginate.ts';
export type { PublishBatchInput, PublishInput } from './publish.ts';
export type { AsJson, JsonObject, JsonObjectPayload, JsonPrimitive, JsonValue } from './json.ts';
export type { OperationMethods, PaginationMethods } from './generated/methods.ts';
export type * from './models.ts';
export * from './generated/operations.ts';
