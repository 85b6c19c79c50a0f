// How the catalog is arranged: by the prefix before the first dot, which is how integrators name
// families of events (`invoice.paid`, `invoice.voided`) and what a wildcard subscription (`invoice.*`)
// selects. A name without a dot is a group of its own.
import type { CatalogEntry } from '../session/portal-api.ts';

export interface CatalogGroup {
  name: string;
  entries: CatalogEntry[];
}

export function groupOf(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Groups in alphabetical order, types within a group in alphabetical order. */
export function groupCatalog(entries: readonly CatalogEntry[]): CatalogGroup[] {
  const groups = new Map<string, CatalogEntry[]>();
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    const group = groupOf(entry.name);
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, grouped]) => ({ name, entries: grouped }));
}

/** Every word of the search appears in the type's name or description, ignoring case. */
export function matchesSearch(entry: CatalogEntry, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${entry.name} ${entry.description}`.toLowerCase();
  return words.every((word) => text.includes(word));
}
