// Which endpoints an event goes to. An endpoint subscribes with patterns: `*`, an exact event type
// name, or a prefix wildcard (`conversation.*` matches `conversation.created` and
// `conversation.message.sent`, not `conversation` itself). Herald's own operational events
// (`herald.*`) go only to endpoints that name them: `*` means every event of the product, so
// endpoints made before operational events existed receive nothing new. An endpoint may narrow
// what it receives with a payload filter.
import { isOperationalEventType } from './operational-events.ts';
import { matches, parsePayloadFilter, type PayloadFilter } from './payload-filter.ts';

const SEGMENTS = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function isEventTypePattern(pattern: string): boolean {
  if (pattern === '*') return true;
  const base = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern;
  return base.length > 0 && pattern.length <= 255 && SEGMENTS.test(base);
}

export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return !isOperationalEventType(type);
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Whether an active endpoint's event types and projects take an event; its filter aside. */
export function endpointTakes(
  endpoint: { eventTypes: readonly string[]; projects: readonly string[] },
  event: { type: string; project: string | null },
): boolean {
  if (!endpoint.eventTypes.some((pattern) => matchesEventType(pattern, event.type))) return false;
  return endpoint.projects.length === 0 || (event.project !== null && endpoint.projects.includes(event.project));
}

/**
 * Whether an active endpoint receives an event: one of its patterns matches the type, its
 * project list is empty or holds the event's project, and its payload filter (if any) matches.
 * Unmetered: for payloads Herald writes itself; publishing meters filters (src/events/publish-filters.ts).
 */
export function endpointReceives(
  endpoint: { eventTypes: readonly string[]; projects: readonly string[]; filter?: PayloadFilter | null },
  event: { type: string; project: string | null; payload: unknown },
): boolean {
  return endpointTakes(endpoint, event) && (endpoint.filter == null || matches(endpoint.filter, event.payload));
}

// A filter that matches nothing: what a stored filter that no longer parses becomes.
const MATCHES_NOTHING: PayloadFilter = { root: { kind: 'any', of: [], at: [] }, cost: 0 };

/**
 * An endpoint row with its stored filter parsed, once per publish rather than once per event.
 * Stored filters passed the checks when they were set; they are parsed without the limits, so a
 * filter saved under looser limits keeps working. One that does not parse at all (written around
 * the API) matches nothing: a filter narrows, and an unreadable one must not widen an endpoint to
 * every event (filters keep events away from receivers that must not see them).
 */
export function withParsedFilter<T extends { filter: unknown }>(endpoint: T): Omit<T, 'filter'> & { filter: PayloadFilter | null } {
  return { ...endpoint, filter: parseStoredFilter(endpoint.filter) };
}

export function parseStoredFilter(filter: unknown): PayloadFilter | null {
  if (filter == null) return null;
  const parsed = parsePayloadFilter(filter, { limits: false });
  return parsed.ok ? parsed.filter : MATCHES_NOTHING;
}
