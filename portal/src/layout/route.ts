// Hash routes (`#/endpoints/<id>`): the server serves one index.html, and the fragment never
// leaves the browser. Links are plain <a href="#/…">, so they work with a keyboard and in new tabs.
import { useEffect, useState } from 'react';

export type Route =
  | { screen: 'endpoints' }
  | { screen: 'new-endpoint' }
  | { screen: 'endpoint'; id: string }
  | { screen: 'edit-endpoint'; id: string }
  | { screen: 'deliveries' }
  | { screen: 'delivery'; id: string }
  | { screen: 'catalog' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((part) => safeDecode(part));
  const [head, id, action] = parts;
  if (head === 'endpoints' && id === 'new') return { screen: 'new-endpoint' };
  if (head === 'endpoints' && id && action === 'edit') return { screen: 'edit-endpoint', id };
  if (head === 'endpoints' && id) return { screen: 'endpoint', id };
  if (head === 'deliveries' && id) return { screen: 'delivery', id };
  if (head === 'deliveries') return { screen: 'deliveries' };
  if (head === 'catalog') return { screen: 'catalog' };
  return { screen: 'endpoints' };
}

export const href = {
  endpoints: () => '#/endpoints',
  newEndpoint: () => '#/endpoints/new',
  endpoint: (id: string) => `#/endpoints/${encodeURIComponent(id)}`,
  editEndpoint: (id: string) => `#/endpoints/${encodeURIComponent(id)}/edit`,
  deliveries: () => '#/deliveries',
  delivery: (id: string) => `#/deliveries/${encodeURIComponent(id)}`,
  catalog: () => '#/catalog',
};

export function navigate(to: string): void {
  window.location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}
