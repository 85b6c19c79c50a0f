// The names integrators reach for, as aliases of the fragments every method returns: one shape per
// type (sdk/src/operations/fragments.graphql), so an `Endpoint` from `createEndpoint` and one from
// `endpoints` are the same type.
import type {
  ApiKeyFieldsFragment,
  AttemptFieldsFragment,
  AttemptForensicsFieldsFragment,
  DeliveryFieldsFragment,
  DeliveryWithAttemptsFieldsFragment,
  EndpointFieldsFragment,
  ErrorFieldsFragment,
  EventFieldsFragment,
  EventTypeFieldsFragment,
  OrganizationFieldsFragment,
  PageInfoFieldsFragment,
} from './generated/operations.ts';

export type Endpoint = EndpointFieldsFragment;
/** A delivery as mutations return it; the queries and `deliveryUpdated` add its `attempts`. */
export type Delivery = DeliveryFieldsFragment;
export type DeliveryWithAttempts = DeliveryWithAttemptsFieldsFragment;
export type Attempt = AttemptFieldsFragment;
/** What an attempt kept of the exchange (`deliveryAttempts`): headers each way, address, timings. */
export type AttemptForensics = AttemptForensicsFieldsFragment;
export type Event = EventFieldsFragment;
export type EventType = EventTypeFieldsFragment;
export type ApiKey = ApiKeyFieldsFragment;
export type Organization = OrganizationFieldsFragment;
export type PageInfo = PageInfoFieldsFragment;
/** A typed error a mutation returns (not throws): ValidationError, NotFoundError, LimitExceededError, … */
export type MutationError = ErrorFieldsFragment;
export type ValidationError = Extract<ErrorFieldsFragment, { __typename: 'ValidationError' }>;
export type FieldIssue = ValidationError['fields'][number];
