// The operator organization: the reserved organization (made by the migration
// 20261202130000_operational_events) whose endpoints receive Herald's operational events about every
// organization. Admin keys act as it wherever a field works on "the caller's organization", so its
// endpoints, events and deliveries go through the same code, queries and subscriptions as any
// organization's (docs/operational-events.md).
import type { Scope } from '../auth/scopes.ts';

export const OPERATOR_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000001';

/** What an admin key may do in the operator organization: everything but publishing (Herald alone publishes there). */
export const OPERATOR_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:read', 'deliveries:write']);
