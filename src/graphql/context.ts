import type { AppServices } from '../services.ts';
import { actingOrganization, type KeyRefusal, type Principal } from '../auth/principal.ts';
import type { ResponseBudget } from './response-budget.ts';

export type { AppServices, KeyRefusal, Principal };

export interface Context extends AppServices {
  principal: Principal | null;
  /** Set when the request's key exists but was revoked or has expired (`extensions.reason`). */
  keyRefusal?: KeyRefusal | undefined;
  /** Why there is no principal when no existing key was refused: no header, not a bearer header, or no such key. */
  keyProblem?: 'MISSING' | 'MALFORMED' | 'UNKNOWN' | undefined;
  /** Bytes of payloads and response bodies this request (or graphql-ws operation) may still return. */
  responseBudget: ResponseBudget;
}

/**
 * The organization an org-scoped field works on: the key's own, or the operator organization for an
 * admin key. Scope-auth has already refused other callers.
 */
export function organizationIdOf(ctx: Context): string {
  const acting = actingOrganization(ctx.principal);
  if (!acting) throw new Error('organizationIdOf called without a key');
  return acting.organizationId;
}

/**
 * Whether a row is of the organization the key works in: always, for an organization key (every
 * query is scoped to it). An admin key works in the operator organization: its scopes cover the
 * operator's rows, not the rows of an organization it publishes for, which it reads only as its
 * mutation's result (types guarded with this fall back to the `$granted` scope alone).
 */
export function inActingOrganization(ctx: Context, row: { organizationId: string }): boolean {
  return actingOrganization(ctx.principal)?.organizationId === row.organizationId;
}
