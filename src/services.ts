// The services every part of Herald works with (the API's requests, the worker's batches, the CLI),
// assembled in one place for the processes and the tests alike.
import { createKeyChecks, type KeyChecks } from './api-keys/api-keys.ts';
import type { HeraldConfig } from './config/config.ts';
import type pg from 'pg';
import { sqlPool, type Db } from './db/prisma.ts';
import type { EncryptionKey } from './endpoints/secret-box.ts';
import { createEndpointVerifier } from './http/endpoint-verification.ts';
import type { DeliveryQueue } from './worker/queue.ts';
import { changeSourceOf, type ChangeSource } from './pubsub/changes.ts';
import { createSharedReads, type SharedReads } from './pubsub/shared-read.ts';
import type { EndpointVerifier } from './http/endpoint-verification.ts';
import { USER_AGENT } from './version.ts';
import { createSessionMints, type SessionMints } from './portal/session-mints.ts';
import { createSubscriptionBudget, type SubscriptionBudget } from './pubsub/subscription-budget.ts';

/** What the process provides to every request and job; built once at start-up. */
export interface AppServices {
  db: Db;
  /** The pool under `db`, for the hot paths' own SQL (publishing, authenticating a request). */
  sql: pg.Pool;
  config: HeraldConfig;
  /** Seals new secrets; the first entry of `encryptionKeys`. */
  encryptionKey: EncryptionKey;
  /** Every key that may open a stored secret (the current one first). */
  encryptionKeys: readonly EncryptionKey[];
  verifyEndpoint: EndpointVerifier;
  /** Where publishing and retries enqueue delivery attempts. */
  queue: DeliveryQueue;
  /** Committed changes to deliveries and endpoints, from any process (subscriptions). */
  changes: ChangeSource;
  /** Subscriptions' re-reads of the rows notices name, shared across the process. */
  sharedReads: SharedReads;
  /** Subscriptions' re-checks of their keys, shared across the process. */
  keyChecks: KeyChecks;
  /** How fast each key may mint portal sessions, in this process. */
  sessionMints: SessionMints;
  /** Subscriptions each key holds in this process, over graphql-ws and SSE alike. */
  subscriptionBudget: SubscriptionBudget;
}

/** The longest an echo challenge may take, whatever the delivery timeout. */
const MAX_VERIFICATION_MS = 10_000;

export function createAppServices(
  db: Db,
  config: HeraldConfig,
  encryptionKey: EncryptionKey,
  queue: DeliveryQueue,
  // Processes that serve no subscriptions get a local, silent feed.
  changes: ChangeSource = changeSourceOf(new EventTarget()),
): AppServices {
  return {
    db,
    sql: sqlPool(db),
    config,
    encryptionKey,
    encryptionKeys: [encryptionKey],
    queue,
    changes,
    sharedReads: createSharedReads(),
    keyChecks: createKeyChecks(db),
    sessionMints: createSessionMints(config.portalSessionsPerMinute),
    subscriptionBudget: createSubscriptionBudget(),
    verifyEndpoint: createEndpointVerifier({
      timeoutMs: Math.min(config.deliveryTimeoutMs, MAX_VERIFICATION_MS),
      allowPrivateNetworks: config.allowPrivateNetworks,
      userAgent: USER_AGENT,
    }),
  };
}
