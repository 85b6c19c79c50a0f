import { OPERATOR_ORGANIZATION_ID, OPERATOR_SCOPES } from '../organizations/operator.ts';
import type { Scope } from './scopes.ts';

/**
 * Who is calling, resolved once per request from the bearer key. A portal session acts as its
 * organization with its own (never wider) scopes; `session` tells it apart from the organization's
 * long-lived keys, which alone may mint or revoke sessions.
 */
export type Principal =
  | { kind: 'admin'; keyId: string }
  | {
      kind: 'organization';
      keyId: string;
      organizationId: string;
      scopes: ReadonlySet<Scope>;
      /** The feature flags the key holds: which flagged event types it sees (src/event-types/catalog-view.ts). */
      featureFlags: ReadonlySet<string>;
      /** A session minted with includeOperationalEventTypes; long-lived keys see them regardless. */
      seesOperationalEventTypes: boolean;
      /** A portal session: when it ends, and the integrator's product name it was minted with. */
      session?: { expiresAt: Date; brandName?: string | null };
    };

/** The product name a portal session was minted with; null for every other key. */
export function brandNameOf(principal: Principal | null): string | null {
  return principal?.kind === 'organization' ? (principal.session?.brandName ?? null) : null;
}

/** Why a bearer key that exists was refused: the portal shows a different page for each. */
export type KeyRefusal = 'REVOKED' | 'EXPIRED';

/**
 * The organization a key works in and what it may do there. An admin key works in the operator
 * organization (its endpoints receive operational events), so operator endpoints, their events and
 * deliveries go through the same fields and code as any organization's.
 */
export function actingOrganization(principal: Principal | null): { organizationId: string; scopes: ReadonlySet<Scope> } | null {
  if (!principal) return null;
  if (principal.kind === 'admin') return { organizationId: OPERATOR_ORGANIZATION_ID, scopes: OPERATOR_SCOPES };
  return principal;
}
