// What an organization key may do. Admin keys have no scopes: their powers are fixed.

export const ORGANIZATION_SCOPES = [
  'endpoints:read',
  'endpoints:write',
  'events:read',
  'events:publish',
  'deliveries:read',
  'deliveries:write',
] as const;

export type Scope = (typeof ORGANIZATION_SCOPES)[number];

/** No scopes given means all of them, as SPEC says. */
export function parseScopes(input: readonly string[] | undefined): { ok: true; scopes: Scope[] } | { ok: false; message: string } {
  if (!input || input.length === 0) return { ok: true, scopes: [...ORGANIZATION_SCOPES] };
  const unknown = input.filter((scope) => !(ORGANIZATION_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    return { ok: false, message: `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}; valid scopes: ${ORGANIZATION_SCOPES.join(', ')}` };
  }
  return { ok: true, scopes: [...new Set(input as Scope[])] };
}

/**
 * The `$granted` scope a mutation gives the object it returns: the key that was allowed to write
 * (or publish) a thing may read that thing back in the same answer, without the read scope. Nothing
 * nested below it inherits the grant: an event's deliveries, a delivery's attempts or endpoint
 * still need their own read scope (a publish-only key must not read receivers' answers).
 */
export const MUTATION_RESULT = 'mutationResult';

/**
 * The grant only a publish gives its event: the event's content (`payload`, `idempotencyKey`) is
 * the publisher's own words, so a key that published it may read them back. Other mutations that
 * answer an event (cancelScheduledEvent, a `deliveries:write` act) grant MUTATION_RESULT alone: the
 * event's identity, not its content.
 */
export const PUBLISH_RESULT = 'publishResult';
