// Who the portal is acting for and what it may do. Write buttons are shown only for the scopes
// the session holds; the API refuses the writes anyway, this only keeps the page honest.
import type { PortalTheme } from '../../../src/portal/portal-theme.ts';
export interface PortalAccess {
  organization: { name: string; slug: string };
  scopes: readonly string[];
  readOnly: boolean;
  expiresAt: string | null;
  /** The integrator's product name, or null: the portal's words stay neutral. */
  brandName: string | null;
  /** The session's theme; checked again before any of it reaches a style (theme.ts). */
  theme: PortalTheme | null;
  /** The header the HMAC schemes sign in, for the verification snippets. */
  signatureHeader: string;
}

export type WriteScope = 'endpoints:write' | 'deliveries:write';

export function canWrite(access: PortalAccess, scope: WriteScope): boolean {
  if (access.readOnly) return false;
  return access.scopes.includes('*') || access.scopes.includes(scope);
}
