// Who the portal is acting for and what it may do. Write buttons are shown only for the scopes
// the session holds; the API refuses the writes anyway, this only keeps the page honest.
export interface PortalAccess {
  organization: { name: string; slug: string };
  scopes: readonly string[];
  readOnly: boolean;
  expiresAt: string | null;
}

export type WriteScope = 'endpoints:write' | 'deliveries:write';

export function canWrite(access: PortalAccess, scope: WriteScope): boolean {
  if (access.readOnly) return false;
  return access.scopes.includes('*') || access.scopes.includes(scope);
}
