/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { JsonValue } from '../json.ts';
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What a key is for. */
export type ApiKeyKind =
  /** Administers the deployment; belongs to no organization. */
  | 'ADMIN'
  /** An organization's long-lived key, for its servers. */
  | 'ORGANIZATION'
  /** A portal session: a short-lived key of one organization, safe to hand to a browser. */
  | 'PORTAL';

/** Why an attempt did not get a 2xx answer. */
export type AttemptErrorKind =
  /** Herald could not get an access token for the endpoint (OAuth2 client credentials): the token endpoint failed, refused the client or answered no Bearer token; the message names its status. Nothing was sent to the endpoint. */
  | 'AUTHENTICATION'
  /** The host resolved to an address Herald never connects to (private, loopback, link-local or cloud metadata): docs/security.md. */
  | 'BLOCKED_ADDRESS'
  /** The connection was refused, reset or closed before an answer. */
  | 'CONNECTION'
  /** The endpoint's host name did not resolve. */
  | 'DNS'
  /** The endpoint answered with a status outside 2xx (see responseStatus). */
  | 'HTTP_STATUS'
  /** The egress proxy (HERALD_EGRESS_PROXY) failed: unreachable, refused (407) or its own 5xx. Retried as usual, but not counted against the endpoint's health. */
  | 'PROXY'
  /** The answer was larger than Herald reads; it was cut off and the attempt counted as failed. */
  | 'RESPONSE_TOO_LARGE'
  /** No complete answer within the delivery timeout (HERALD_DELIVERY_TIMEOUT). */
  | 'TIMEOUT'
  /** The TLS handshake failed (certificate not trusted, expired, or for another name). */
  | 'TLS';

/** What kind of caller made a configuration change. */
export type AuditActorKind =
  /** An admin key. */
  | 'ADMIN'
  /** An organization's long-lived key. */
  | 'ORGANIZATION_KEY'
  /** A portal session (the webhooks portal, on behalf of the organization). */
  | 'PORTAL_SESSION'
  /** Herald itself or its command line (`herald …` on the server), with no key. */
  | 'SYSTEM';

/** Which entries to list; every field given must match. */
export type AuditLogFilter = {
  /** One action: endpoint.created, endpoint.updated, endpoint.deleted, endpoint.disabled, endpoint.enabled, endpoint.secret_rotated, endpoint.paused, endpoint.resumed, key.created, key.revoked, portal_session.created, portal_session.revoked, event_type.created, event_type.updated, event_type.deprecated. */
  action?: string | null | undefined;
  /** Changes made by this key (key_…). */
  actorId?: string | null | undefined;
  /** Admin keys: one organization's entries (org_…). An organization key sees its own organization's only. */
  organizationId?: string | null | undefined;
  /** Entries at or after this time. */
  since?: Date | string | null | undefined;
  /** Changes of this endpoint, key or organization (its id), or event type (its name). */
  targetId?: string | null | undefined;
  /** Entries before this time. */
  until?: Date | string | null | undefined;
};

/** Which scheduled delivery to cancel. */
export type CancelDeliveryInput = {
  /** The delivery. */
  id: string;
};

/** Which scheduled event to cancel. */
export type CancelScheduledEventInput = {
  /** The event (published with deliverAt). */
  id: string;
};

/** A new long-lived key of an organization. */
export type CreateApiKeyInput = {
  /** Feature flags the key holds: it sees the event types flagged with one of them (at most 50). Default: none. */
  featureFlags?: Array<string> | null | undefined;
  /** A name for people, at most 255 characters. */
  name?: string | null | undefined;
  /** The organization the key acts for. */
  organizationId: string;
  /** Any of endpoints:read, endpoints:write, events:read, events:publish, deliveries:read, deliveries:write. Default: all. */
  scopes?: Array<string> | null | undefined;
};

/** A new endpoint of the organization. */
export type CreateEndpointInput = {
  /** How Herald authenticates to the receiver beyond the signature (OAuth2 client credentials). */
  authentication?: EndpointAuthenticationInput | null | undefined;
  /** Free text for people, at most 1000 characters. */
  description?: string | null | undefined;
  /** Catalog names, `*`, or prefix wildcards such as `conversation.*`. */
  eventTypes: Array<string>;
  /** A payload filter such as {"data.amount": {"$gte": 100}}: only events whose payload matches it are delivered (docs/payload-filters.md). */
  filter?: JsonValue | null | undefined;
  /** Up to 50 custom headers sent with every delivery. */
  headers?: Array<EndpointHeaderInput> | null | undefined;
  /** At most 255 characters; defaults to the URL host. */
  name?: string | null | undefined;
  /** Only events of these projects (empty: all). */
  projects?: Array<string> | null | undefined;
  /** Send W3C `traceparent` (and `tracestate`) with each delivery, continuing the trace its event was published in (docs/telemetry.md). Default false. */
  propagateTraceContext?: boolean | null | undefined;
  /** At most this many deliveries a second; absent or null: unlimited. */
  rateLimit?: EndpointRateLimitInput | null | undefined;
  /** Bring your own signing secret: whsec_ + base64 of 24–64 bytes for the HMAC schemes; for STANDARD_WEBHOOKS_ED25519 a private key, whsk_ + base64 of its 32-byte seed (or of seed and public key, 64 bytes). Default: a new one. */
  secret?: string | null | undefined;
  /** Default STANDARD_WEBHOOKS. */
  signatureScheme?: SignatureScheme | null | undefined;
  /** A client certificate (mTLS) and CAs to trust for its deliveries. */
  tls?: EndpointTlsInput | null | undefined;
  /** https:// (http:// only when private networks are allowed); at most 2048 characters. */
  url: string;
  /** Require the URL to answer the echo challenge before saving. */
  verify?: boolean | null | undefined;
};

/** A new entry of the event catalog. */
export type CreateEventTypeInput = {
  /** Start deprecated (default false). */
  deprecated?: boolean | null | undefined;
  /** What the event means, for integrators. */
  description?: string | null | undefined;
  /** Show the type only to keys and portal sessions holding this flag: 1–64 letters, digits, _, . or -. */
  featureFlag?: string | null | undefined;
  /** Dot-separated segments of letters, digits, _ or - (at most 255 characters); permanent. */
  name: string;
  /** A JSON Schema (draft 2020-12) for the payload. */
  schema?: JsonValue | null | undefined;
};

/** A new organization. */
export type CreateOrganizationInput = {
  /** Defaults to the slug. */
  name?: string | null | undefined;
  /** Lowercase letters, digits and hyphens; unique. */
  slug: string;
};

/** A portal session to mint: for which organization, for how long, with what scopes. */
export type CreatePortalSessionInput = {
  /** The integrator's product name, shown in the portal's header and in its test webhooks ("A test webhook from Acme."): plain text, at most 60 characters. Default: none, and the portal's words stay neutral. */
  brandName?: string | null | undefined;
  /** Default 3600 (1 hour), at most 86400 (24 hours). */
  expiresInSeconds?: number | null | undefined;
  /** Feature flags the session holds: the portal shows the event types flagged with one of them. An organization key gives only flags it holds. Default: none. */
  featureFlags?: Array<string> | null | undefined;
  /** Show Herald's operational event types (herald.*) and webhook.test in the portal's catalog and event picker (default false: the customer sees the product's own types). */
  includeOperationalEventTypes?: boolean | null | undefined;
  /** Required with an admin key; an organization key mints for its own organization. */
  organizationId?: string | null | undefined;
  /** Keep only the *:read scopes: the portal can look but not change. */
  readOnly?: boolean | null | undefined;
  /** Default: what the portal uses (endpoints:read/write, events:read, deliveries:read/write), those of them the minting key holds; never events:publish unless named. Never more than the minting key holds. */
  scopes?: Array<string> | null | undefined;
  /** The portal's colours, corner radius and font. Default: the portal's own look. */
  theme?: PortalThemeInput | null | undefined;
};

/** Which endpoint to delete. */
export type DeleteEndpointInput = {
  /** The endpoint. */
  id: string;
};

/** Which deliveries to list; every field given must match. */
export type DeliveryFilter = {
  /** Deliveries to this endpoint. */
  endpointId?: string | null | undefined;
  /** Deliveries of this event. */
  eventId?: string | null | undefined;
  /** Deliveries of events of this type (an exact catalog name, no wildcard). */
  eventType?: string | null | undefined;
  /** Deliveries created at or after this instant. */
  since?: Date | string | null | undefined;
  /** Deliveries in this status now. */
  status?: DeliveryStatus | null | undefined;
};

/** Where a delivery is in its life: SCHEDULED or PENDING, then SENDING, then SUCCEEDED, RETRYING (and SENDING again) or FAILED; CANCELLED from SCHEDULED; PAUSED while its endpoint is paused. */
export type DeliveryStatus =
  /** Cancelled while SCHEDULED; never sent. Final. */
  | 'CANCELLED'
  /** Failed for good: the retry schedule is exhausted, or the endpoint answered 410 Gone. Final, until retried or replayed. */
  | 'FAILED'
  /** Its endpoint is paused (pauseEndpoint): it waits, not attempted and not counted, and resumeEndpoint sends it in publish order. Retention still deletes it with its event. */
  | 'PAUSED'
  /** Queued: a worker sends it as soon as one is free (and its endpoint is enabled and within its rate limit). */
  | 'PENDING'
  /** The last attempt failed; the next one is due at nextAttemptAt. */
  | 'RETRYING'
  /** Published with deliverAt: waits until then (nextAttemptAt); cancelDelivery or cancelScheduledEvent may still stop it. */
  | 'SCHEDULED'
  /** An attempt is in flight now. */
  | 'SENDING'
  /** The endpoint answered 2xx. Final. */
  | 'SUCCEEDED';

/** Which changes to follow; every field given must match (none: every delivery of the organization). */
export type DeliveryUpdatedFilter = {
  /** This delivery alone; the stream starts with its current state. */
  deliveryId?: string | null | undefined;
  /** Deliveries to this endpoint. */
  endpointId?: string | null | undefined;
  /** This event's deliveries; the stream starts with their current state. */
  eventId?: string | null | undefined;
};

/** How Herald authenticates to the receiver (docs/receiver-authentication.md). */
export type EndpointAuthenticationInput = {
  /** OAuth2 client credentials; on update null removes them, absent leaves them. */
  oauth2?: OAuth2ClientCredentialsInput | null | undefined;
};

/** Why an endpoint is turned off. */
export type EndpointDisabledReason =
  /** Too many consecutive failed deliveries (HERALD_DISABLE_AFTER_FAILURES). */
  | 'FAILING'
  /** The endpoint answered 410 Gone. */
  | 'GONE'
  /** Turned off with toggleEndpoint. */
  | 'MANUAL';

/** Which endpoints to list; every field given must match. */
export type EndpointFilter = {
  /** Only enabled (true) or only turned-off (false) endpoints. */
  active?: boolean | null | undefined;
  /** Endpoints that receive events of this project (listed, or no project list). */
  project?: string | null | undefined;
};

/** A custom header to send with every delivery (RFC 9110 name and value; Herald's own headers are refused). */
export type EndpointHeaderInput = {
  /** A header name (an RFC 9110 token). */
  name: string;
  /** 1–4096 visible ASCII characters; sealed at rest. */
  value: string;
};

/** An upper bound on deliveries a second to one endpoint, across every worker. */
export type EndpointRateLimitInput = {
  /** Deliveries that may go at once after a quiet spell, 1 to 60 × perSecond; default perSecond. */
  burst?: number | null | undefined;
  /** Deliveries per second, 1–10000. */
  perSecond: number;
};

/** A client certificate to present (mTLS) and CAs to trust for deliveries to the endpoint, in PEM. Checked on input: readable PEM, not expired, the key matching the certificate. */
export type EndpointTlsInput = {
  /** CA certificates (PEM, up to 100) that may sign the receiver's certificate. */
  caCertificates?: string | null | undefined;
  /** The client certificate (PEM), optionally followed by its intermediates. */
  clientCertificate?: string | null | undefined;
  /** The client certificate's private key (unencrypted PEM); write-only, sealed at rest. On update, absent keeps the endpoint's key if it matches clientCertificate. */
  clientKey?: string | null | undefined;
  /** Default true: caCertificates are trusted in addition to the system's CAs; false: instead of them (caCertificates required). */
  trustSystemCertificates?: boolean | null | undefined;
};

/** Which events to list; every field given must match. */
export type EventFilter = {
  /** Events published for this project. */
  project?: string | null | undefined;
  /** Events created at or after this instant. */
  since?: Date | string | null | undefined;
  /** Events of this type (an exact name). */
  type?: string | null | undefined;
};

/** How Herald authenticates its client to the token endpoint (RFC 6749 §2.3.1). */
export type OAuth2ClientAuthentication =
  /** client_secret_basic: HTTP Basic with the client id and secret (the default). */
  | 'BASIC'
  /** client_secret_post: client_id and client_secret in the form body. */
  | 'POST';

/** OAuth2 client credentials (RFC 6749 §4.4): Herald fetches a token from tokenUrl, reuses it until shortly before it expires, and sends it as Authorization: Bearer. */
export type OAuth2ClientCredentialsInput = {
  /** An audience parameter for the token request (Auth0, Okta and others read it); default none. */
  audience?: string | null | undefined;
  /** Default BASIC (client_secret_basic). */
  clientAuthentication?: OAuth2ClientAuthentication | null | undefined;
  /** The client id, 1–255 characters. */
  clientId: string;
  /** The client secret, 1–1024 characters; write-only, sealed at rest. Required unless the endpoint has one: absent keeps it. */
  clientSecret?: string | null | undefined;
  /** Scopes to ask for (RFC 6749 scope tokens), at most 50; default none. */
  scopes?: Array<string> | null | undefined;
  /** The token endpoint: https:// (http:// only when private networks are allowed), under the same address policy and egress proxy as deliveries. */
  tokenUrl: string;
};

/** Which endpoint to pause. */
export type PauseEndpointInput = {
  /** The endpoint. */
  id: string;
};

/** The portal's look, in the integrator's colours. Every field is optional (unset: the portal's default) and checked strictly; an embed link's parameters of the same names override it. */
export type PortalThemeInput = {
  /** Buttons, links and the current tab: a hex colour (#rgb or #rrggbb). Where it colours text it is kept only when it reads against the background (4.5:1). */
  accent?: string | null | undefined;
  /** The page colour (hex). A dark background selects the dark palette for everything not set here. */
  background?: string | null | undefined;
  /** A CSS font-family list of installed or generic families, such as 'Inter, system-ui, sans-serif' (no URLs: nothing is downloaded). */
  fontFamily?: string | null | undefined;
  /** The text colour (hex); must contrast with background at least 4.5:1 when both are set. */
  foreground?: string | null | undefined;
  /** Corner radius of buttons, fields and cards: 0 to 24 pixels. */
  radiusPx?: number | null | undefined;
};

/** One event to publish: its type, payload and where it goes. */
export type PublishEventInput = {
  /** Deliver no earlier than this (at most 30 days ahead): the deliveries wait as SCHEDULED and cancelDelivery can cancel them. A time in the past or within a second of now means now. */
  deliverAt?: Date | string | null | undefined;
  /** Publishing again with the same key returns the first event and schedules nothing. */
  idempotencyKey?: string | null | undefined;
  /** Admin keys only: the organization to publish for. */
  organizationId?: string | null | undefined;
  /** A JSON object; checked against the type's JSON Schema. */
  payload: JsonValue;
  /** Deliver only to endpoints with no project list or this project in it. */
  project?: string | null | undefined;
  /** An event type of the catalog. */
  type: string;
};

/** Events to publish in one call, all or none. */
export type PublishEventsInput = {
  /** At most 100; all or none are published. */
  events: Array<PublishEventInput>;
  /** Admin keys only: the organization to publish for. */
  organizationId?: string | null | undefined;
};

/** Which of an endpoint's finished deliveries to queue again. */
export type ReplayDeliveriesInput = {
  /** The endpoint whose deliveries are replayed. */
  endpointId: string;
  /** Deliveries created at or after this instant. */
  since: Date | string;
  /** Finished statuses to replay; default [FAILED]. */
  statuses?: Array<DeliveryStatus> | null | undefined;
  /** And before this instant (default: now). */
  until?: Date | string | null | undefined;
};

/** Which endpoint, and the window of publish times whose missed events it should receive. */
export type ReplayMissingInput = {
  /** true: answer the count (up to the maximum) and create nothing, to show it before acting. Default false. */
  dryRun?: boolean | null | undefined;
  /** The endpoint (enabled; a paused one gets PAUSED deliveries). */
  endpointId: string;
  /** Events published at or after this instant; not before the retention period (HERALD_RETENTION_DAYS). */
  since: Date | string;
  /** And at or before this instant (default: now). */
  until?: Date | string | null | undefined;
};

/** Which endpoint to resume. */
export type ResumeEndpointInput = {
  /** The endpoint. */
  id: string;
};

/** Which delivery to attempt again. */
export type RetryDeliveryInput = {
  /** The delivery. */
  id: string;
};

/** Which key to revoke. */
export type RevokeApiKeyInput = {
  /** The key (its ApiKey id, not the key itself). */
  id: string;
};

/** Whose portal sessions to revoke. */
export type RevokePortalSessionsInput = {
  /** Required with an admin key; an organization key revokes its own sessions. */
  organizationId?: string | null | undefined;
};

/** Which endpoint gets a new signing secret, and for how long the old one still signs. */
export type RotateEndpointSecretInput = {
  /** How long the old secret keeps signing (default 0, at most 7 days). */
  gracePeriodSeconds?: number | null | undefined;
  /** The endpoint. */
  id: string;
  /** Bring your own new secret, in the format of the endpoint's scheme (whsec_… or, for STANDARD_WEBHOOKS_ED25519, whsk_…). */
  secret?: string | null | undefined;
};

/** How deliveries to an endpoint are signed (docs/signing.md). The HMAC schemes share one kind of secret (whsec_); STANDARD_WEBHOOKS_ED25519 signs with an Ed25519 private key (whsk_) whose public key (whpk_) receivers verify with. */
export type SignatureScheme =
  /** X-Herald-Signature: <hex HMAC-SHA256 of the raw body> */
  | 'HMAC_SHA256_BODY'
  /** X-Herald-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}"> */
  | 'HMAC_SHA256_TIMESTAMPED'
  /** webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"> */
  | 'STANDARD_WEBHOOKS'
  /** webhook-signature: v1a,<base64 Ed25519 signature of "{id}.{timestamp}.{body}"> (Standard Webhooks, asymmetric): receivers hold only the public key. */
  | 'STANDARD_WEBHOOKS_ED25519';

/** Which endpoint to send a test delivery to. */
export type TestEndpointInput = {
  /** Default webhook.test; another catalog type sends an empty sample. */
  eventType?: string | null | undefined;
  /** The endpoint. */
  id: string;
};

/** Which endpoint to turn on or off. */
export type ToggleEndpointInput = {
  /** true: enabled again; false: turned off (reason MANUAL). */
  active: boolean;
  /** The endpoint. */
  id: string;
};

/** Changes to an endpoint: a field left out is left as it is. */
export type UpdateEndpointInput = {
  /** Replaces the authentication settings; null removes them all; absent leaves them. */
  authentication?: EndpointAuthenticationInput | null | undefined;
  /** A new description. */
  description?: string | null | undefined;
  /** Replaces the list of event types. */
  eventTypes?: Array<string> | null | undefined;
  /** A payload filter such as {"data.amount": {"$gte": 100}}: only events whose payload matches it are delivered (docs/payload-filters.md). null removes it. */
  filter?: JsonValue | null | undefined;
  /** Replaces the whole list. */
  headers?: Array<EndpointHeaderInput> | null | undefined;
  /** The endpoint. */
  id: string;
  /** A new name. */
  name?: string | null | undefined;
  /** Replaces the list of projects (empty: all). */
  projects?: Array<string> | null | undefined;
  /** Send W3C `traceparent` and `tracestate` with each delivery, or stop; absent or null leaves it. */
  propagateTraceContext?: boolean | null | undefined;
  /** Replaces the limit; null removes it (unlimited); absent leaves it. */
  rateLimit?: EndpointRateLimitInput | null | undefined;
  /** Replaces the TLS settings; null removes them; absent leaves them. */
  tls?: EndpointTlsInput | null | undefined;
  /** A new URL, under the same rules as createEndpoint. */
  url?: string | null | undefined;
};

/** Changes to an event type: a field left out is left as it is. */
export type UpdateEventTypeInput = {
  /** Deprecate (true) or restore (false). */
  deprecated?: boolean | null | undefined;
  /** A new description. */
  description?: string | null | undefined;
  /** A new feature flag; null removes it (every key sees the type). */
  featureFlag?: string | null | undefined;
  /** The event type to change (names are permanent). */
  name: string;
  /** A new JSON Schema; null removes it. */
  schema?: JsonValue | null | undefined;
};

export type CreateOrganizationMutationVariables = Exact<{
  input: CreateOrganizationInput;
}>;


export type CreateOrganizationMutation = { __typename: 'Mutation', createOrganization:
    | { __typename: 'CreateOrganizationPayload', organization: { __typename: 'Organization', id: string, slug: string, name: string, createdAt: string } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type CreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateApiKeyMutation = { __typename: 'Mutation', createApiKey:
    | { __typename: 'CreateApiKeyPayload', key: string, apiKey: { __typename: 'ApiKey', id: string, name: string, kind: ApiKeyKind, prefix: string, scopes: Array<string>, revokedAt: string | null, expiresAt: string | null, createdAt: string, organization: { __typename: 'Organization', id: string, slug: string } | null } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type RevokeApiKeyMutationVariables = Exact<{
  input: RevokeApiKeyInput;
}>;


export type RevokeApiKeyMutation = { __typename: 'Mutation', revokeApiKey:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RevokeApiKeyPayload', apiKey: { __typename: 'ApiKey', id: string, name: string, kind: ApiKeyKind, prefix: string, scopes: Array<string>, revokedAt: string | null, expiresAt: string | null, createdAt: string, organization: { __typename: 'Organization', id: string, slug: string } | null } }
   };

export type CreateEventTypeMutationVariables = Exact<{
  input: CreateEventTypeInput;
}>;


export type CreateEventTypeMutation = { __typename: 'Mutation', createEventType:
    | { __typename: 'CreateEventTypePayload', eventType: { __typename: 'EventType', name: string, description: string, schema: JsonValue | null, deprecated: boolean, createdAt: string } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type UpdateEventTypeMutationVariables = Exact<{
  input: UpdateEventTypeInput;
}>;


export type UpdateEventTypeMutation = { __typename: 'Mutation', updateEventType:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'UpdateEventTypePayload', eventType: { __typename: 'EventType', name: string, description: string, schema: JsonValue | null, deprecated: boolean, createdAt: string } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type CreateOperatorEndpointMutationVariables = Exact<{
  input: CreateEndpointInput;
}>;


export type CreateOperatorEndpointMutation = { __typename: 'Mutation', createOperatorEndpoint:
    | { __typename: 'CreateEndpointPayload', secret: string, endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
    | { __typename: 'EndpointVerificationError', message: string }
    | { __typename: 'LimitExceededError', limit: number, message: string }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type RetryDeliveryMutationVariables = Exact<{
  input: RetryDeliveryInput;
}>;


export type RetryDeliveryMutation = { __typename: 'Mutation', retryDelivery:
    | { __typename: 'InvalidStateError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RetryDeliveryPayload', delivery: { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type ReplayDeliveriesMutationVariables = Exact<{
  input: ReplayDeliveriesInput;
}>;


export type ReplayDeliveriesMutation = { __typename: 'Mutation', replayDeliveries:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ReplayDeliveriesPayload', count: number, deliveries: Array<{ __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }> }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type ReplayMissingMutationVariables = Exact<{
  input: ReplayMissingInput;
}>;


export type ReplayMissingMutation = { __typename: 'Mutation', replayMissing:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ReplayMissingPayload', count: number, complete: boolean, deliveries: Array<{ __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }> }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type CancelDeliveryMutationVariables = Exact<{
  input: CancelDeliveryInput;
}>;


export type CancelDeliveryMutation = { __typename: 'Mutation', cancelDelivery:
    | { __typename: 'CancelDeliveryPayload', delivery: { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } } }
    | { __typename: 'InvalidStateError', status: DeliveryStatus, message: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type CancelScheduledEventMutationVariables = Exact<{
  input: CancelScheduledEventInput;
}>;


export type CancelScheduledEventMutation = { __typename: 'Mutation', cancelScheduledEvent:
    | { __typename: 'CancelScheduledEventPayload', count: number, event: { __typename: 'Event', id: string, type: string, project: string | null, payload: JsonValue, idempotencyKey: string | null, deliverAt: string | null, createdAt: string }, deliveries: Array<{ __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }> }
    | { __typename: 'InvalidStateError', status: DeliveryStatus, message: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type CreateEndpointMutationVariables = Exact<{
  input: CreateEndpointInput;
}>;


export type CreateEndpointMutation = { __typename: 'Mutation', createEndpoint:
    | { __typename: 'CreateEndpointPayload', secret: string, endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
    | { __typename: 'EndpointVerificationError', message: string }
    | { __typename: 'LimitExceededError', limit: number, message: string }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type UpdateEndpointMutationVariables = Exact<{
  input: UpdateEndpointInput;
}>;


export type UpdateEndpointMutation = { __typename: 'Mutation', updateEndpoint:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'UpdateEndpointPayload', endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type RotateEndpointSecretMutationVariables = Exact<{
  input: RotateEndpointSecretInput;
}>;


export type RotateEndpointSecretMutation = { __typename: 'Mutation', rotateEndpointSecret:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RotateEndpointSecretPayload', secret: string, endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type ToggleEndpointMutationVariables = Exact<{
  input: ToggleEndpointInput;
}>;


export type ToggleEndpointMutation = { __typename: 'Mutation', toggleEndpoint:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'ToggleEndpointPayload', endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
   };

export type PauseEndpointMutationVariables = Exact<{
  input: PauseEndpointInput;
}>;


export type PauseEndpointMutation = { __typename: 'Mutation', pauseEndpoint:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PauseEndpointPayload', endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
   };

export type ResumeEndpointMutationVariables = Exact<{
  input: ResumeEndpointInput;
}>;


export type ResumeEndpointMutation = { __typename: 'Mutation', resumeEndpoint:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ResumeEndpointPayload', endpoint: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }
   };

export type TestEndpointMutationVariables = Exact<{
  input: TestEndpointInput;
}>;


export type TestEndpointMutation = { __typename: 'Mutation', testEndpoint:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'TestEndpointPayload', delivery: { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } } }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type DeleteEndpointMutationVariables = Exact<{
  input: DeleteEndpointInput;
}>;


export type DeleteEndpointMutation = { __typename: 'Mutation', deleteEndpoint:
    | { __typename: 'DeleteEndpointPayload', deletedEndpointId: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type TestFilterQueryVariables = Exact<{
  filter: JsonValue;
  payload: JsonValue;
}>;


export type TestFilterQuery = { __typename: 'Query', testFilter:
    | { __typename: 'TestFilterPayload', matches: boolean, reason: { __typename: 'FieldIssue', path: Array<string>, message: string } | null }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type PublishEventMutationVariables = Exact<{
  input: PublishEventInput;
}>;


export type PublishEventMutation = { __typename: 'Mutation', publishEvent:
    | { __typename: 'LimitExceededError', limit: number, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PublishEventPayload', event: { __typename: 'Event', id: string, type: string, project: string | null, payload: JsonValue, idempotencyKey: string | null, deliverAt: string | null, createdAt: string }, deliveries: Array<{ __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }> }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type PublishEventsMutationVariables = Exact<{
  input: PublishEventsInput;
}>;


export type PublishEventsMutation = { __typename: 'Mutation', publishEvents:
    | { __typename: 'LimitExceededError', limit: number, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PublishEventsPayload', results: Array<{ __typename: 'PublishEventPayload', event: { __typename: 'Event', id: string, type: string, project: string | null, payload: JsonValue, idempotencyKey: string | null, deliverAt: string | null, createdAt: string }, deliveries: Array<{ __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }> }> }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

type ErrorFields_EndpointVerificationError_Fragment = { __typename: 'EndpointVerificationError', message: string };

type ErrorFields_InvalidStateError_Fragment = { __typename: 'InvalidStateError', message: string };

type ErrorFields_LimitExceededError_Fragment = { __typename: 'LimitExceededError', limit: number, message: string };

type ErrorFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type ErrorFields_RateLimitedError_Fragment = { __typename: 'RateLimitedError', message: string };

type ErrorFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> };

export type ErrorFieldsFragment =
  | ErrorFields_EndpointVerificationError_Fragment
  | ErrorFields_InvalidStateError_Fragment
  | ErrorFields_LimitExceededError_Fragment
  | ErrorFields_NotFoundError_Fragment
  | ErrorFields_RateLimitedError_Fragment
  | ErrorFields_ValidationError_Fragment
;

export type PageInfoFieldsFragment = { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null };

export type EndpointFieldsFragment = { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null };

export type AttemptFieldsFragment = { __typename: 'Attempt', number: number, startedAt: string, durationMs: number, responseStatus: number | null, responseBody: string | null, error: { __typename: 'AttemptError', kind: AttemptErrorKind, message: string } | null };

export type AttemptForensicsFieldsFragment = { __typename: 'Attempt', number: number, remoteAddress: string | null, requestHeaders: Array<{ __typename: 'HttpHeader', name: string, value: string }> | null, responseHeaders: Array<{ __typename: 'HttpHeader', name: string, value: string }> | null, timings: { __typename: 'AttemptTimings', dnsMs: number | null, connectMs: number | null, tlsMs: number | null, firstByteMs: number | null, totalMs: number } | null };

export type DeliveryFieldsFragment = { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } };

export type DeliveryWithAttemptsFieldsFragment = { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, attempts: Array<{ __typename: 'Attempt', number: number, startedAt: string, durationMs: number, responseStatus: number | null, responseBody: string | null, error: { __typename: 'AttemptError', kind: AttemptErrorKind, message: string } | null }>, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } };

export type EventFieldsFragment = { __typename: 'Event', id: string, type: string, project: string | null, payload: JsonValue, idempotencyKey: string | null, deliverAt: string | null, createdAt: string };

export type ApiKeyFieldsFragment = { __typename: 'ApiKey', id: string, name: string, kind: ApiKeyKind, prefix: string, scopes: Array<string>, revokedAt: string | null, expiresAt: string | null, createdAt: string, organization: { __typename: 'Organization', id: string, slug: string } | null };

export type OrganizationFieldsFragment = { __typename: 'Organization', id: string, slug: string, name: string, createdAt: string };

export type EventTypeFieldsFragment = { __typename: 'EventType', name: string, description: string, schema: JsonValue | null, deprecated: boolean, createdAt: string };

export type AuditEntryFieldsFragment = { __typename: 'AuditEntry', id: string, action: string, targetId: string, organizationId: string | null, at: string, changes: JsonValue, actor: { __typename: 'AuditActor', kind: AuditActorKind, id: string | null } };

export type AccessQueryVariables = Exact<{ [key: string]: never; }>;


export type AccessQuery = { __typename: 'Query', access: { __typename: 'Access', kind: ApiKeyKind, scopes: Array<string>, readOnly: boolean, expiresAt: string | null, brandName: string | null, signatureHeader: string, theme: { __typename: 'PortalTheme', accent: string | null, background: string | null, foreground: string | null, radiusPx: number | null, fontFamily: string | null } | null, organization: { __typename: 'Organization', id: string, slug: string, name: string, createdAt: string } | null } };

export type EndpointsOverviewQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: EndpointFilter | null | undefined;
  hours?: number | null | undefined;
}>;


export type EndpointsOverviewQuery = { __typename: 'Query', endpoints: { __typename: 'EndpointConnection', edges: Array<{ __typename: 'EndpointEdge', cursor: string, node: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, stats: { __typename: 'EndpointStats', total: number, succeeded: number, failed: number, successRate: number | null, lastDeliveryAt: string | null }, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type EventCatalogQueryVariables = Exact<{
  includeDeprecated?: boolean | null | undefined;
}>;


export type EventCatalogQuery = { __typename: 'Query', eventTypes: Array<{ __typename: 'EventType', name: string, description: string, schema: JsonValue | null, example: JsonValue | null, deprecated: boolean }> };

export type CreatePortalSessionMutationVariables = Exact<{
  input: CreatePortalSessionInput;
}>;


export type CreatePortalSessionMutation = { __typename: 'Mutation', createPortalSession:
    | { __typename: 'CreatePortalSessionPayload', token: string, url: string, expiresAt: string, session: { __typename: 'ApiKey', id: string, name: string, kind: ApiKeyKind, prefix: string, scopes: Array<string>, revokedAt: string | null, expiresAt: string | null, createdAt: string, organization: { __typename: 'Organization', id: string, slug: string } | null } }
    | { __typename: 'InvalidStateError', message: string }
    | { __typename: 'LimitExceededError', limit: number, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type RevokePortalSessionsMutationVariables = Exact<{
  input: RevokePortalSessionsInput;
}>;


export type RevokePortalSessionsMutation = { __typename: 'Mutation', revokePortalSessions:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RevokePortalSessionsPayload', revokedCount: number }
    | { __typename: 'ValidationError', message: string, fields: Array<{ __typename: 'FieldIssue', path: Array<string>, message: string }> }
   };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename: 'Query', viewer: { __typename: 'Organization', id: string, slug: string, name: string, createdAt: string } | null };

export type EndpointsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: EndpointFilter | null | undefined;
}>;


export type EndpointsQuery = { __typename: 'Query', endpoints: { __typename: 'EndpointConnection', edges: Array<{ __typename: 'EndpointEdge', cursor: string, node: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type EndpointQueryVariables = Exact<{
  id: string;
}>;


export type EndpointQuery = { __typename: 'Query', node:
    | { __typename: 'ApiKey' }
    | { __typename: 'Delivery' }
    | { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null }
    | { __typename: 'Event' }
    | { __typename: 'Organization' }
   | null };

export type EventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type EventsQuery = { __typename: 'Query', events: { __typename: 'EventConnection', edges: Array<{ __typename: 'EventEdge', cursor: string, node: { __typename: 'Event', id: string, type: string, project: string | null, payload: JsonValue, idempotencyKey: string | null, deliverAt: string | null, createdAt: string } }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type EventQueryVariables = Exact<{
  id: string;
}>;


export type EventQuery = { __typename: 'Query', node:
    | { __typename: 'ApiKey' }
    | { __typename: 'Delivery' }
    | { __typename: 'Endpoint' }
    | { __typename: 'Event', id: string, type: string, project: string | null, payload: JsonValue, idempotencyKey: string | null, deliverAt: string | null, createdAt: string, deliveries: Array<{ __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }> }
    | { __typename: 'Organization' }
   | null };

export type DeliveriesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: DeliveryFilter | null | undefined;
}>;


export type DeliveriesQuery = { __typename: 'Query', deliveries: { __typename: 'DeliveryConnection', edges: Array<{ __typename: 'DeliveryEdge', cursor: string, node: { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, attempts: Array<{ __typename: 'Attempt', number: number, startedAt: string, durationMs: number, responseStatus: number | null, responseBody: string | null, error: { __typename: 'AttemptError', kind: AttemptErrorKind, message: string } | null }>, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } } }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type DeliveryQueryVariables = Exact<{
  id: string;
}>;


export type DeliveryQuery = { __typename: 'Query', node:
    | { __typename: 'ApiKey' }
    | { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, attempts: Array<{ __typename: 'Attempt', number: number, startedAt: string, durationMs: number, responseStatus: number | null, responseBody: string | null, error: { __typename: 'AttemptError', kind: AttemptErrorKind, message: string } | null }>, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } }
    | { __typename: 'Endpoint' }
    | { __typename: 'Event' }
    | { __typename: 'Organization' }
   | null };

export type DeliveryAttemptsQueryVariables = Exact<{
  id: string;
}>;


export type DeliveryAttemptsQuery = { __typename: 'Query', delivery: { __typename: 'Delivery', id: string, attempts: Array<{ __typename: 'Attempt', number: number, startedAt: string, durationMs: number, responseStatus: number | null, responseBody: string | null, remoteAddress: string | null, error: { __typename: 'AttemptError', kind: AttemptErrorKind, message: string } | null, requestHeaders: Array<{ __typename: 'HttpHeader', name: string, value: string }> | null, responseHeaders: Array<{ __typename: 'HttpHeader', name: string, value: string }> | null, timings: { __typename: 'AttemptTimings', dnsMs: number | null, connectMs: number | null, tlsMs: number | null, firstByteMs: number | null, totalMs: number } | null }> } | null };

export type EventTypesQueryVariables = Exact<{
  includeDeprecated?: boolean | null | undefined;
}>;


export type EventTypesQuery = { __typename: 'Query', eventTypes: Array<{ __typename: 'EventType', name: string, description: string, schema: JsonValue | null, deprecated: boolean, createdAt: string }> };

export type AuditLogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: AuditLogFilter | null | undefined;
}>;


export type AuditLogQuery = { __typename: 'Query', auditLog: { __typename: 'AuditEntryConnection', edges: Array<{ __typename: 'AuditEntryEdge', cursor: string, node: { __typename: 'AuditEntry', id: string, action: string, targetId: string, organizationId: string | null, at: string, changes: JsonValue, actor: { __typename: 'AuditActor', kind: AuditActorKind, id: string | null } } }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type DeliveryUpdatedSubscriptionVariables = Exact<{
  filter?: DeliveryUpdatedFilter | null | undefined;
  resumeAfter?: string | null | undefined;
}>;


export type DeliveryUpdatedSubscription = { __typename: 'Subscription', deliveryUpdated: { __typename: 'Delivery', id: string, status: DeliveryStatus, attemptCount: number, isTest: boolean, lastError: string | null, lastStatusCode: number | null, nextAttemptAt: string | null, completedAt: string | null, createdAt: string, attempts: Array<{ __typename: 'Attempt', number: number, startedAt: string, durationMs: number, responseStatus: number | null, responseBody: string | null, error: { __typename: 'AttemptError', kind: AttemptErrorKind, message: string } | null }>, endpoint: { __typename: 'Endpoint', id: string }, event: { __typename: 'Event', id: string, type: string } } | null };

export type EndpointUpdatedSubscriptionVariables = Exact<{
  resumeAfter?: string | null | undefined;
}>;


export type EndpointUpdatedSubscription = { __typename: 'Subscription', endpointUpdated: { __typename: 'Endpoint', id: string, name: string, description: string, url: string, eventTypes: Array<string>, projects: Array<string>, filter: JsonValue | null, signatureScheme: SignatureScheme, active: boolean, disabledReason: EndpointDisabledReason | null, disabledAt: string | null, pausedAt: string | null, failingSince: string | null, consecutiveFailures: number, verifiedAt: string | null, previousSecretExpiresAt: string | null, signingPublicKeys: Array<string>, jwksUrl: string | null, createdAt: string, updatedAt: string, headers: Array<{ __typename: 'EndpointHeader', name: string, value: string }>, rateLimit: { __typename: 'EndpointRateLimit', perSecond: number, burst: number } | null, authentication: { __typename: 'EndpointAuthentication', oauth2: { __typename: 'OAuth2ClientCredentials', tokenUrl: string, clientId: string, clientSecretSet: boolean, scopes: Array<string>, audience: string | null, clientAuthentication: OAuth2ClientAuthentication } } | null, tls: { __typename: 'EndpointTls', clientCertificate: string | null, clientCertificateSubject: string | null, clientCertificateExpiresAt: string | null, clientKeySet: boolean, caCertificates: string | null, trustSystemCertificates: boolean } | null } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
    `, {"fragmentName":"ErrorFields"}) as unknown as TypedDocumentString<ErrorFieldsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
    `, {"fragmentName":"PageInfoFields"}) as unknown as TypedDocumentString<PageInfoFieldsFragment, unknown>;
export const EndpointFieldsFragmentDoc = new TypedDocumentString(`
    fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}
    `, {"fragmentName":"EndpointFields"}) as unknown as TypedDocumentString<EndpointFieldsFragment, unknown>;
export const AttemptForensicsFieldsFragmentDoc = new TypedDocumentString(`
    fragment AttemptForensicsFields on Attempt {
  number
  requestHeaders {
    name
    value
  }
  responseHeaders {
    name
    value
  }
  remoteAddress
  timings {
    dnsMs
    connectMs
    tlsMs
    firstByteMs
    totalMs
  }
}
    `, {"fragmentName":"AttemptForensicsFields"}) as unknown as TypedDocumentString<AttemptForensicsFieldsFragment, unknown>;
export const DeliveryFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
    `, {"fragmentName":"DeliveryFields"}) as unknown as TypedDocumentString<DeliveryFieldsFragment, unknown>;
export const AttemptFieldsFragmentDoc = new TypedDocumentString(`
    fragment AttemptFields on Attempt {
  number
  startedAt
  durationMs
  responseStatus
  responseBody
  error {
    kind
    message
  }
}
    `, {"fragmentName":"AttemptFields"}) as unknown as TypedDocumentString<AttemptFieldsFragment, unknown>;
export const DeliveryWithAttemptsFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeliveryWithAttemptsFields on Delivery {
  ...DeliveryFields
  attempts {
    ...AttemptFields
  }
}
    fragment AttemptFields on Attempt {
  number
  startedAt
  durationMs
  responseStatus
  responseBody
  error {
    kind
    message
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}`, {"fragmentName":"DeliveryWithAttemptsFields"}) as unknown as TypedDocumentString<DeliveryWithAttemptsFieldsFragment, unknown>;
export const EventFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventFields on Event {
  __typename
  id
  type
  project
  payload
  idempotencyKey
  deliverAt
  createdAt
}
    `, {"fragmentName":"EventFields"}) as unknown as TypedDocumentString<EventFieldsFragment, unknown>;
export const ApiKeyFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApiKeyFields on ApiKey {
  __typename
  id
  name
  kind
  prefix
  scopes
  revokedAt
  expiresAt
  createdAt
  organization {
    id
    slug
  }
}
    `, {"fragmentName":"ApiKeyFields"}) as unknown as TypedDocumentString<ApiKeyFieldsFragment, unknown>;
export const OrganizationFieldsFragmentDoc = new TypedDocumentString(`
    fragment OrganizationFields on Organization {
  __typename
  id
  slug
  name
  createdAt
}
    `, {"fragmentName":"OrganizationFields"}) as unknown as TypedDocumentString<OrganizationFieldsFragment, unknown>;
export const EventTypeFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventTypeFields on EventType {
  __typename
  name
  description
  schema
  deprecated
  createdAt
}
    `, {"fragmentName":"EventTypeFields"}) as unknown as TypedDocumentString<EventTypeFieldsFragment, unknown>;
export const AuditEntryFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuditEntryFields on AuditEntry {
  id
  action
  actor {
    kind
    id
  }
  targetId
  organizationId
  at
  changes
}
    `, {"fragmentName":"AuditEntryFields"}) as unknown as TypedDocumentString<AuditEntryFieldsFragment, unknown>;
export const CreateOrganizationDocument = new TypedDocumentString(`
    mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    __typename
    ... on CreateOrganizationPayload {
      organization {
        ...OrganizationFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment OrganizationFields on Organization {
  __typename
  id
  slug
  name
  createdAt
}`) as unknown as TypedDocumentString<CreateOrganizationMutation, CreateOrganizationMutationVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      key
      apiKey {
        ...ApiKeyFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment ApiKeyFields on ApiKey {
  __typename
  id
  name
  kind
  prefix
  scopes
  revokedAt
  expiresAt
  createdAt
  organization {
    id
    slug
  }
}`) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) {
    __typename
    ... on RevokeApiKeyPayload {
      apiKey {
        ...ApiKeyFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment ApiKeyFields on ApiKey {
  __typename
  id
  name
  kind
  prefix
  scopes
  revokedAt
  expiresAt
  createdAt
  organization {
    id
    slug
  }
}`) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const CreateEventTypeDocument = new TypedDocumentString(`
    mutation CreateEventType($input: CreateEventTypeInput!) {
  createEventType(input: $input) {
    __typename
    ... on CreateEventTypePayload {
      eventType {
        ...EventTypeFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EventTypeFields on EventType {
  __typename
  name
  description
  schema
  deprecated
  createdAt
}`) as unknown as TypedDocumentString<CreateEventTypeMutation, CreateEventTypeMutationVariables>;
export const UpdateEventTypeDocument = new TypedDocumentString(`
    mutation UpdateEventType($input: UpdateEventTypeInput!) {
  updateEventType(input: $input) {
    __typename
    ... on UpdateEventTypePayload {
      eventType {
        ...EventTypeFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EventTypeFields on EventType {
  __typename
  name
  description
  schema
  deprecated
  createdAt
}`) as unknown as TypedDocumentString<UpdateEventTypeMutation, UpdateEventTypeMutationVariables>;
export const CreateOperatorEndpointDocument = new TypedDocumentString(`
    mutation CreateOperatorEndpoint($input: CreateEndpointInput!) {
  createOperatorEndpoint(input: $input) {
    __typename
    ... on CreateEndpointPayload {
      secret
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateOperatorEndpointMutation, CreateOperatorEndpointMutationVariables>;
export const RetryDeliveryDocument = new TypedDocumentString(`
    mutation RetryDelivery($input: RetryDeliveryInput!) {
  retryDelivery(input: $input) {
    __typename
    ... on RetryDeliveryPayload {
      delivery {
        ...DeliveryFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}`) as unknown as TypedDocumentString<RetryDeliveryMutation, RetryDeliveryMutationVariables>;
export const ReplayDeliveriesDocument = new TypedDocumentString(`
    mutation ReplayDeliveries($input: ReplayDeliveriesInput!) {
  replayDeliveries(input: $input) {
    __typename
    ... on ReplayDeliveriesPayload {
      count
      deliveries {
        ...DeliveryFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}`) as unknown as TypedDocumentString<ReplayDeliveriesMutation, ReplayDeliveriesMutationVariables>;
export const ReplayMissingDocument = new TypedDocumentString(`
    mutation ReplayMissing($input: ReplayMissingInput!) {
  replayMissing(input: $input) {
    __typename
    ... on ReplayMissingPayload {
      count
      complete
      deliveries {
        ...DeliveryFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}`) as unknown as TypedDocumentString<ReplayMissingMutation, ReplayMissingMutationVariables>;
export const CancelDeliveryDocument = new TypedDocumentString(`
    mutation CancelDelivery($input: CancelDeliveryInput!) {
  cancelDelivery(input: $input) {
    __typename
    ... on CancelDeliveryPayload {
      delivery {
        ...DeliveryFields
      }
    }
    ... on InvalidStateError {
      status
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}`) as unknown as TypedDocumentString<CancelDeliveryMutation, CancelDeliveryMutationVariables>;
export const CancelScheduledEventDocument = new TypedDocumentString(`
    mutation CancelScheduledEvent($input: CancelScheduledEventInput!) {
  cancelScheduledEvent(input: $input) {
    __typename
    ... on CancelScheduledEventPayload {
      count
      event {
        ...EventFields
      }
      deliveries {
        ...DeliveryFields
      }
    }
    ... on InvalidStateError {
      status
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment EventFields on Event {
  __typename
  id
  type
  project
  payload
  idempotencyKey
  deliverAt
  createdAt
}`) as unknown as TypedDocumentString<CancelScheduledEventMutation, CancelScheduledEventMutationVariables>;
export const CreateEndpointDocument = new TypedDocumentString(`
    mutation CreateEndpoint($input: CreateEndpointInput!) {
  createEndpoint(input: $input) {
    __typename
    ... on CreateEndpointPayload {
      secret
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateEndpointMutation, CreateEndpointMutationVariables>;
export const UpdateEndpointDocument = new TypedDocumentString(`
    mutation UpdateEndpoint($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) {
    __typename
    ... on UpdateEndpointPayload {
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateEndpointMutation, UpdateEndpointMutationVariables>;
export const RotateEndpointSecretDocument = new TypedDocumentString(`
    mutation RotateEndpointSecret($input: RotateEndpointSecretInput!) {
  rotateEndpointSecret(input: $input) {
    __typename
    ... on RotateEndpointSecretPayload {
      secret
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<RotateEndpointSecretMutation, RotateEndpointSecretMutationVariables>;
export const ToggleEndpointDocument = new TypedDocumentString(`
    mutation ToggleEndpoint($input: ToggleEndpointInput!) {
  toggleEndpoint(input: $input) {
    __typename
    ... on ToggleEndpointPayload {
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<ToggleEndpointMutation, ToggleEndpointMutationVariables>;
export const PauseEndpointDocument = new TypedDocumentString(`
    mutation PauseEndpoint($input: PauseEndpointInput!) {
  pauseEndpoint(input: $input) {
    __typename
    ... on PauseEndpointPayload {
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<PauseEndpointMutation, PauseEndpointMutationVariables>;
export const ResumeEndpointDocument = new TypedDocumentString(`
    mutation ResumeEndpoint($input: ResumeEndpointInput!) {
  resumeEndpoint(input: $input) {
    __typename
    ... on ResumeEndpointPayload {
      endpoint {
        ...EndpointFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<ResumeEndpointMutation, ResumeEndpointMutationVariables>;
export const TestEndpointDocument = new TypedDocumentString(`
    mutation TestEndpoint($input: TestEndpointInput!) {
  testEndpoint(input: $input) {
    __typename
    ... on TestEndpointPayload {
      delivery {
        ...DeliveryFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}`) as unknown as TypedDocumentString<TestEndpointMutation, TestEndpointMutationVariables>;
export const DeleteEndpointDocument = new TypedDocumentString(`
    mutation DeleteEndpoint($input: DeleteEndpointInput!) {
  deleteEndpoint(input: $input) {
    __typename
    ... on DeleteEndpointPayload {
      deletedEndpointId
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}`) as unknown as TypedDocumentString<DeleteEndpointMutation, DeleteEndpointMutationVariables>;
export const TestFilterDocument = new TypedDocumentString(`
    query TestFilter($filter: JSON!, $payload: JSON!) {
  testFilter(filter: $filter, payload: $payload) {
    __typename
    ... on TestFilterPayload {
      matches
      reason {
        path
        message
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}`) as unknown as TypedDocumentString<TestFilterQuery, TestFilterQueryVariables>;
export const PublishEventDocument = new TypedDocumentString(`
    mutation PublishEvent($input: PublishEventInput!) {
  publishEvent(input: $input) {
    __typename
    ... on PublishEventPayload {
      event {
        ...EventFields
      }
      deliveries {
        ...DeliveryFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment EventFields on Event {
  __typename
  id
  type
  project
  payload
  idempotencyKey
  deliverAt
  createdAt
}`) as unknown as TypedDocumentString<PublishEventMutation, PublishEventMutationVariables>;
export const PublishEventsDocument = new TypedDocumentString(`
    mutation PublishEvents($input: PublishEventsInput!) {
  publishEvents(input: $input) {
    __typename
    ... on PublishEventsPayload {
      results {
        event {
          ...EventFields
        }
        deliveries {
          ...DeliveryFields
        }
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment EventFields on Event {
  __typename
  id
  type
  project
  payload
  idempotencyKey
  deliverAt
  createdAt
}`) as unknown as TypedDocumentString<PublishEventsMutation, PublishEventsMutationVariables>;
export const AccessDocument = new TypedDocumentString(`
    query Access {
  access {
    kind
    scopes
    readOnly
    expiresAt
    brandName
    signatureHeader
    theme {
      accent
      background
      foreground
      radiusPx
      fontFamily
    }
    organization {
      ...OrganizationFields
    }
  }
}
    fragment OrganizationFields on Organization {
  __typename
  id
  slug
  name
  createdAt
}`) as unknown as TypedDocumentString<AccessQuery, AccessQueryVariables>;
export const EndpointsOverviewDocument = new TypedDocumentString(`
    query EndpointsOverview($first: Int, $after: String, $last: Int, $before: String, $filter: EndpointFilter, $hours: Int) {
  endpoints(
    first: $first
    after: $after
    last: $last
    before: $before
    filter: $filter
  ) {
    edges {
      cursor
      node {
        ...EndpointFields
        stats(hours: $hours) {
          total
          succeeded
          failed
          successRate
          lastDeliveryAt
        }
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<EndpointsOverviewQuery, EndpointsOverviewQueryVariables>;
export const EventCatalogDocument = new TypedDocumentString(`
    query EventCatalog($includeDeprecated: Boolean) {
  eventTypes(includeDeprecated: $includeDeprecated) {
    __typename
    name
    description
    schema
    example
    deprecated
  }
}
    `) as unknown as TypedDocumentString<EventCatalogQuery, EventCatalogQueryVariables>;
export const CreatePortalSessionDocument = new TypedDocumentString(`
    mutation CreatePortalSession($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) {
    __typename
    ... on CreatePortalSessionPayload {
      token
      url
      expiresAt
      session {
        ...ApiKeyFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}
fragment ApiKeyFields on ApiKey {
  __typename
  id
  name
  kind
  prefix
  scopes
  revokedAt
  expiresAt
  createdAt
  organization {
    id
    slug
  }
}`) as unknown as TypedDocumentString<CreatePortalSessionMutation, CreatePortalSessionMutationVariables>;
export const RevokePortalSessionsDocument = new TypedDocumentString(`
    mutation RevokePortalSessions($input: RevokePortalSessionsInput!) {
  revokePortalSessions(input: $input) {
    __typename
    ... on RevokePortalSessionsPayload {
      revokedCount
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fields {
      path
      message
    }
  }
  ... on LimitExceededError {
    limit
  }
}`) as unknown as TypedDocumentString<RevokePortalSessionsMutation, RevokePortalSessionsMutationVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    ...OrganizationFields
  }
}
    fragment OrganizationFields on Organization {
  __typename
  id
  slug
  name
  createdAt
}`) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const EndpointsDocument = new TypedDocumentString(`
    query Endpoints($first: Int, $after: String, $last: Int, $before: String, $filter: EndpointFilter) {
  endpoints(
    first: $first
    after: $after
    last: $last
    before: $before
    filter: $filter
  ) {
    edges {
      cursor
      node {
        ...EndpointFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<EndpointsQuery, EndpointsQueryVariables>;
export const EndpointDocument = new TypedDocumentString(`
    query Endpoint($id: ID!) {
  node(id: $id) {
    __typename
    ...EndpointFields
  }
}
    fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<EndpointQuery, EndpointQueryVariables>;
export const EventsDocument = new TypedDocumentString(`
    query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {
  events(
    first: $first
    after: $after
    last: $last
    before: $before
    filter: $filter
  ) {
    edges {
      cursor
      node {
        ...EventFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment EventFields on Event {
  __typename
  id
  type
  project
  payload
  idempotencyKey
  deliverAt
  createdAt
}`) as unknown as TypedDocumentString<EventsQuery, EventsQueryVariables>;
export const EventDocument = new TypedDocumentString(`
    query Event($id: ID!) {
  node(id: $id) {
    __typename
    ...EventFields
    ... on Event {
      deliveries {
        ...DeliveryFields
      }
    }
  }
}
    fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment EventFields on Event {
  __typename
  id
  type
  project
  payload
  idempotencyKey
  deliverAt
  createdAt
}`) as unknown as TypedDocumentString<EventQuery, EventQueryVariables>;
export const DeliveriesDocument = new TypedDocumentString(`
    query Deliveries($first: Int, $after: String, $last: Int, $before: String, $filter: DeliveryFilter) {
  deliveries(
    first: $first
    after: $after
    last: $last
    before: $before
    filter: $filter
  ) {
    edges {
      cursor
      node {
        ...DeliveryWithAttemptsFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment AttemptFields on Attempt {
  number
  startedAt
  durationMs
  responseStatus
  responseBody
  error {
    kind
    message
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment DeliveryWithAttemptsFields on Delivery {
  ...DeliveryFields
  attempts {
    ...AttemptFields
  }
}`) as unknown as TypedDocumentString<DeliveriesQuery, DeliveriesQueryVariables>;
export const DeliveryDocument = new TypedDocumentString(`
    query Delivery($id: ID!) {
  node(id: $id) {
    __typename
    ...DeliveryWithAttemptsFields
  }
}
    fragment AttemptFields on Attempt {
  number
  startedAt
  durationMs
  responseStatus
  responseBody
  error {
    kind
    message
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment DeliveryWithAttemptsFields on Delivery {
  ...DeliveryFields
  attempts {
    ...AttemptFields
  }
}`) as unknown as TypedDocumentString<DeliveryQuery, DeliveryQueryVariables>;
export const DeliveryAttemptsDocument = new TypedDocumentString(`
    query DeliveryAttempts($id: ID!) {
  delivery(id: $id) {
    id
    attempts {
      ...AttemptFields
      ...AttemptForensicsFields
    }
  }
}
    fragment AttemptFields on Attempt {
  number
  startedAt
  durationMs
  responseStatus
  responseBody
  error {
    kind
    message
  }
}
fragment AttemptForensicsFields on Attempt {
  number
  requestHeaders {
    name
    value
  }
  responseHeaders {
    name
    value
  }
  remoteAddress
  timings {
    dnsMs
    connectMs
    tlsMs
    firstByteMs
    totalMs
  }
}`) as unknown as TypedDocumentString<DeliveryAttemptsQuery, DeliveryAttemptsQueryVariables>;
export const EventTypesDocument = new TypedDocumentString(`
    query EventTypes($includeDeprecated: Boolean) {
  eventTypes(includeDeprecated: $includeDeprecated) {
    ...EventTypeFields
  }
}
    fragment EventTypeFields on EventType {
  __typename
  name
  description
  schema
  deprecated
  createdAt
}`) as unknown as TypedDocumentString<EventTypesQuery, EventTypesQueryVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {
  auditLog(
    first: $first
    after: $after
    last: $last
    before: $before
    filter: $filter
  ) {
    edges {
      cursor
      node {
        ...AuditEntryFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment AuditEntryFields on AuditEntry {
  id
  action
  actor {
    kind
    id
  }
  targetId
  organizationId
  at
  changes
}`) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const DeliveryUpdatedDocument = new TypedDocumentString(`
    subscription DeliveryUpdated($filter: DeliveryUpdatedFilter, $resumeAfter: String) {
  deliveryUpdated(filter: $filter, resumeAfter: $resumeAfter) {
    ...DeliveryWithAttemptsFields
  }
}
    fragment AttemptFields on Attempt {
  number
  startedAt
  durationMs
  responseStatus
  responseBody
  error {
    kind
    message
  }
}
fragment DeliveryFields on Delivery {
  __typename
  id
  status
  attemptCount
  isTest
  lastError
  lastStatusCode
  nextAttemptAt
  completedAt
  createdAt
  endpoint {
    id
  }
  event {
    id
    type
  }
}
fragment DeliveryWithAttemptsFields on Delivery {
  ...DeliveryFields
  attempts {
    ...AttemptFields
  }
}`) as unknown as TypedDocumentString<DeliveryUpdatedSubscription, DeliveryUpdatedSubscriptionVariables>;
export const EndpointUpdatedDocument = new TypedDocumentString(`
    subscription EndpointUpdated($resumeAfter: String) {
  endpointUpdated(resumeAfter: $resumeAfter) {
    ...EndpointFields
  }
}
    fragment EndpointFields on Endpoint {
  __typename
  id
  name
  description
  url
  eventTypes
  projects
  filter
  headers {
    name
    value
  }
  signatureScheme
  active
  disabledReason
  disabledAt
  pausedAt
  failingSince
  consecutiveFailures
  rateLimit {
    perSecond
    burst
  }
  verifiedAt
  previousSecretExpiresAt
  signingPublicKeys
  jwksUrl
  authentication {
    oauth2 {
      tokenUrl
      clientId
      clientSecretSet
      scopes
      audience
      clientAuthentication
    }
  }
  tls {
    clientCertificate
    clientCertificateSubject
    clientCertificateExpiresAt
    clientKeySet
    caCertificates
    trustSystemCertificates
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<EndpointUpdatedSubscription, EndpointUpdatedSubscriptionVariables>;