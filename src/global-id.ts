// Global ids are typed, prefixed and readable (`ep_0190…`, `evt_0190…`) in the style of Stripe and
// Svix, instead of Relay's base64 of "Type:id". The event's global id doubles as the `webhook-id`
// receivers dedupe on. The suffix is the row's UUIDv7 without dashes, so ids sort by creation time.

import { NotFoundError } from './errors.ts';

const PREFIX_BY_TYPE = {
  Organization: 'org',
  ApiKey: 'key',
  Endpoint: 'ep',
  Event: 'evt',
  Delivery: 'dlv',
} as const;

export type NodeTypeName = keyof typeof PREFIX_BY_TYPE;

/** How a type's ids begin (`org_`), for messages that tell which id was expected. */
export function globalIdPrefix(typename: NodeTypeName): string {
  return `${PREFIX_BY_TYPE[typename]}_`;
}

const TYPE_BY_PREFIX = new Map<string, NodeTypeName>(
  Object.entries(PREFIX_BY_TYPE).map(([type, prefix]) => [prefix, type as NodeTypeName]),
);

const GLOBAL_ID = /^([a-z]+)_([0-9a-f]{32})$/;

export function encodeGlobalId(typename: string, uuid: string): string {
  const prefix = PREFIX_BY_TYPE[typename as NodeTypeName];
  if (!prefix) throw new Error(`No global id prefix for type ${typename}`);
  return `${prefix}_${uuid.replaceAll('-', '')}`;
}

/** Null for anything malformed or of an unknown type: callers answer "not found". */
export function decodeGlobalId(globalId: string): { typename: NodeTypeName; id: string } | null {
  const match = GLOBAL_ID.exec(globalId);
  if (!match) return null;
  const typename = TYPE_BY_PREFIX.get(match[1]!);
  if (!typename) return null;
  const hex = match[2]!;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { typename, id };
}

/** The row id behind a global id of the expected type, or null (malformed, or another type). */
export function idOfType(globalId: string, typename: NodeTypeName): string | null {
  const decoded = decodeGlobalId(globalId);
  return decoded?.typename === typename ? decoded.id : null;
}

const DISPLAY_NAME: Record<NodeTypeName, string> = {
  Organization: 'Organization',
  ApiKey: 'API key',
  Endpoint: 'Endpoint',
  Event: 'Event',
  Delivery: 'Delivery',
};

/**
 * The row id behind an id argument, or NotFoundError: a malformed id, an id of another type and an
 * id of another organization (checked by the caller's scoped query) all answer the same.
 */
export function requireIdOfType(globalId: string | number, typename: NodeTypeName): string {
  const id = idOfType(String(globalId), typename);
  if (!id) throw new NotFoundError(DISPLAY_NAME[typename]);
  return id;
}
