// The session every screen uses: the SDK client, what the link may do, and one place that turns a
// refused link into the "link expired" page.
import { createContext, useContext } from 'react';
import type { HeraldClient } from '@herald/sdk';
import { canWrite, type PortalAccess, type WriteScope } from './access.ts';

export interface Session {
  herald: HeraldClient;
  access: PortalAccess;
  can(scope: WriteScope): boolean;
  /** Ends the session when the error says the link no longer works; returns the words to show otherwise. */
  report(error: unknown): string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the portal session');
  return session;
}

export function makeSession(herald: HeraldClient, access: PortalAccess, report: (error: unknown) => string): Session {
  return { herald, access, can: (scope) => canWrite(access, scope), report };
}
