// Which endpoints an event goes to. An endpoint subscribes with patterns: `*`, an exact event type
// name, or a prefix wildcard (`conversation.*` matches `conversation.created` and
// `conversation.message.sent`, not `conversation` itself). Herald's own operational events
// (`herald.*`) go only to endpoints that name them: `*` means every event of the product, so
// endpoints made before operational events existed receive nothing new.
import { isOperationalEventType } from './operational-events.ts';

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

/**
 * Whether an active endpoint receives an event: one of its patterns matches the type, and its
 * project list is empty or holds the event's project.
 */
export function endpointReceives(
  endpoint: { eventTypes: readonly string[]; projects: readonly string[] },
  event: { type: string; project: string | null },
): boolean {
  if (!endpoint.eventTypes.some((pattern) => matchesEventType(pattern, event.type))) return false;
  return endpoint.projects.length === 0 || (event.project !== null && endpoint.projects.includes(event.project));
}
