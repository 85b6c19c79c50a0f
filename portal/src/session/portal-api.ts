// The portal's reads that need more than one SDK method's shape: the session's access, the
// endpoints with their last 24 hours, and the event catalog. Every call goes through the SDK.
import type { Endpoint, HeraldClient, PageInfo } from '@herald/sdk';
import type { PortalAccess } from './access.ts';

export interface EndpointStats {
  total: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  lastDeliveryAt: string | null;
}

export type EndpointRow = Endpoint & { stats: EndpointStats | null };

export interface CatalogEntry {
  name: string;
  description: string;
  schema: unknown;
  example: unknown;
  deprecated: boolean;
}

export async function loadAccess(herald: HeraldClient, signal: AbortSignal): Promise<PortalAccess> {
  const access = await herald.access({ signal });
  return {
    organization: { name: access.organization?.name ?? '', slug: access.organization?.slug ?? '' },
    scopes: access.scopes,
    readOnly: access.readOnly,
    expiresAt: access.expiresAt,
    brandName: access.brandName ?? null,
    theme: access.theme ?? null,
    signatureHeader: access.signatureHeader,
  };
}

/** Endpoints with their deliveries of the last 24 hours. */
export async function loadEndpoints(
  herald: HeraldClient,
  page: { first: number; after?: string | null },
  signal: AbortSignal,
): Promise<{ rows: EndpointRow[]; pageInfo: PageInfo }> {
  const connection = await herald.endpointsOverview({ first: page.first, after: page.after ?? null, hours: 24 }, { signal });
  return { rows: connection.edges.map((edge) => edge.node), pageInfo: connection.pageInfo };
}

export async function loadCatalog(herald: HeraldClient, signal: AbortSignal): Promise<CatalogEntry[]> {
  return herald.eventCatalog({}, { signal });
}
