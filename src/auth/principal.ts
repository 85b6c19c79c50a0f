import type { Scope } from './scopes.ts';

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
