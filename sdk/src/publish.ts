// Publishing with a payload type checked as JSON, and safely retried: each event carries an
// idempotency key (the caller's, or one made here), so a retry after a lost answer returns the
// first event instead of publishing it twice (PublishEventInput.idempotencyKey). The same idea as
// Svix's SDK, which sends an idempotency-key header on every POST.
import {
  PublishEventDocument,
  PublishEventsDocument,
  type PublishEventInput,
  type PublishEventMutation,
  type PublishEventsInput,
  type PublishEventsMutation,
} from './generated/operations.ts';
import type { JsonObjectPayload } from './json.ts';
import type { RequestOptions, Requester } from './transport.ts';

/** One event to publish; `payload` must be a JSON object (an interface of JSON values is fine). */
export type PublishInput<TPayload> = Omit<PublishEventInput, 'payload'> & { payload: TPayload & JsonObjectPayload<TPayload> };

export type PublishBatchInput<TPayload> = Omit<PublishEventsInput, 'events'> & { events: ReadonlyArray<PublishInput<TPayload>> };

export function publishMethods(request: Requester) {
  return {
    /**
     * `mutation PublishEvent`: returns `publishEvent`. Without an `idempotencyKey`, one is made,
     * so the call is retried like a query.
     */
    publishEvent: <TPayload extends object>(input: PublishInput<TPayload>, options?: RequestOptions): Promise<PublishEventMutation['publishEvent']> =>
      request(PublishEventDocument, { input: withKey(input) }, { ...options, idempotent: true }).then((data) => data.publishEvent),
    /** `mutation PublishEvents`: returns `publishEvents`. Each event without an `idempotencyKey` gets one. */
    publishEvents: <TPayload extends object>(input: PublishBatchInput<TPayload>, options?: RequestOptions): Promise<PublishEventsMutation['publishEvents']> =>
      request(PublishEventsDocument, { input: { ...input, events: input.events.map(withKey) } }, { ...options, idempotent: true }).then(
        (data) => data.publishEvents,
      ),
  };
}

export type PublishMethods = ReturnType<typeof publishMethods>;

function withKey<T extends { idempotencyKey?: string | null | undefined }>(input: T): T & { idempotencyKey: string } {
  return { ...input, idempotencyKey: input.idempotencyKey ?? newIdempotencyKey() };
}

/** 128 random bits. getRandomValues, unlike randomUUID, exists outside secure browser contexts too. */
function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `sdk_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
