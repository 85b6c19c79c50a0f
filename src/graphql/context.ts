import type { HeraldConfig } from '../config/config.ts';
import type { Db } from '../db/prisma.ts';
import type { EncryptionKey } from '../endpoints/secret-box.ts';
import type { Scope } from '../auth/scopes.ts';
import type { EndpointVerifier } from '../endpoints/verification.ts';
import type { DeliveryQueue } from '../jobs/queue.ts';
import type { ChangeSource } from '../pubsub/changes.ts';
import type { ResponseBudget } from './response-budget.ts';

/**
 * Who is calling, resolved once per request from the bearer key. A portal session acts as its
 * organization with its own (never wider) scopes; `session` tells it apart from the organization's
 * long-lived keys, which alone may mint or revoke sessions.
 */
export type Principal =
  | { kind: 'admin'; keyId: string }
  | { kind: 'organization'; keyId: string; organizationId: string; scopes: ReadonlySet<Scope>; session?: { expiresAt: Date } };

/** Why a bearer key that exists was refused: the portal shows a different page for each. */
export type KeyRefusal = 'REVOKED' | 'EXPIRED';

/** What the process provides to every request; built once at start-up. */
export interface AppServices {
  db: Db;
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
}

export interface Context extends AppServices {
  principal: Principal | null;
  /** Set when the request's key exists but was revoked or has expired (`extensions.reason`). */
  keyRefusal?: KeyRefusal | undefined;
  /** Bytes of payloads and response bodies this request (or graphql-ws operation) may still return. */
  responseBudget: ResponseBudget;
}

/** The organization an org-scoped field works on. Scope-auth has already refused other callers. */
export function organizationIdOf(ctx: Context): string {
  if (ctx.principal?.kind !== 'organization') {
    throw new Error('organizationIdOf called without an organization principal');
  }
  return ctx.principal.organizationId;
}
