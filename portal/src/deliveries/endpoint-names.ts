// The organization's endpoints by id, for the log's rows (name, host under it) and its endpoint
// filter. A portal organization has few endpoints: they are read once, every page of them.
import type { HeraldClient } from '@herald/sdk';

export interface EndpointName {
  id: string;
  name: string;
  host: string;
  active: boolean;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export async function loadEndpointNames(herald: HeraldClient, signal: AbortSignal): Promise<EndpointName[]> {
  const names: EndpointName[] = [];
  for await (const endpoint of herald.paginate.endpoints({}, { pageSize: 100, signal })) {
    names.push({ id: endpoint.id, name: endpoint.name, host: hostOf(endpoint.url), active: endpoint.active });
  }
  return names;
}
