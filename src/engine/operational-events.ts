// Which operational events a set of transitions produces, and who hears of each. Pure: the caller
// passes what the transaction changed and writes what this answers in the same transaction, so an
// operational event exists exactly when the transition that caused it commits.
//
// The no-loop rule lives here: a delivery of an operational event (type `herald.*`) never causes
// one. Its failures and successes announce nothing; when its failure turns its endpoint off, the
// operator alone hears of it (an operator endpoint is then turned off silently), so the chain ends
// after one step whatever fails next.
import type { AttemptErrorKind } from './attempt-outcome.ts';
import type { RateLimit } from './rate-limit.ts';

export const OPERATIONAL_EVENT_TYPES = [
  'herald.endpoint.disabled',
  'herald.endpoint.enabled',
  'herald.endpoint.recovered',
  'herald.delivery.failing',
  'herald.delivery.exhausted',
  'herald.endpoint.created',
  'herald.endpoint.updated',
  'herald.endpoint.deleted',
] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** Every `herald.*` type is Herald's own: nobody else publishes it or changes its catalog entry. */
export function isOperationalEventType(type: string): boolean {
  return type.startsWith('herald.');
}

/**
 * Who receives an event. ORGANIZATION_AND_OPERATOR: the organization it is about (its endpoints
 * subscribed to the type) and the operator (once, when the two are the same organization).
 */
export type Audience = 'ORGANIZATION_AND_OPERATOR' | 'OPERATOR';

/** Of no project: endpoints limited to projects do not receive operational events. */
export interface OperationalEvent {
  type: OperationalEventType;
  /** The organization the event is about (its row id). */
  organizationId: string;
  audience: Audience;
  /** The payload without the organization's id and slug, which the writer puts first. */
  data: Record<string, unknown>;
}

export interface EndpointRef {
  /** Global id (ep_…). */
  id: string;
  url: string;
}

/** One recorded attempt, as recordAttempts moved its delivery. Ids are global ids but where named rows. */
export interface RecordedAttempt {
  organizationId: string;
  endpoint: EndpointRef & { rowId: string };
  deliveryId: string;
  event: { id: string; type: string };
  isTest: boolean;
  status: 'SUCCEEDED' | 'RETRYING' | 'FAILED';
  nextAttemptAt: Date | null;
  attempt: { number: number; startedAt: Date; responseStatus: number | null; errorKind: AttemptErrorKind | null; errorMessage: string | null };
}

export interface AttemptEvents {
  events: OperationalEvent[];
  /** Endpoints (row ids) a delivery was announced failing or exhausted for: they are failing from now. */
  failingEndpointIds: string[];
  /** Endpoints (by row id) a counted delivery succeeded at, with the first such delivery: each recovers if it was failing. */
  succeeded: Map<string, { endpoint: EndpointRef; organizationId: string; deliveryId: string; eventId: string }>;
}

/**
 * `herald.delivery.failing` when a delivery's attempt number `failingAfterAttempts` failed and a retry
 * is due (0: never; when that attempt was its last, exhausted alone says so); `herald.delivery.exhausted`
 * when its last attempt failed. Test sends and deliveries of operational events announce nothing.
 */
export function attemptEvents(attempts: readonly RecordedAttempt[], failingAfterAttempts: number): AttemptEvents {
  const events: OperationalEvent[] = [];
  const failing = new Set<string>();
  const succeeded: AttemptEvents['succeeded'] = new Map();
  for (const item of attempts) {
    if (item.isTest || isOperationalEventType(item.event.type)) continue;
    if (item.status === 'SUCCEEDED') {
      if (!succeeded.has(item.endpoint.rowId)) {
        const endpoint = { id: item.endpoint.id, url: item.endpoint.url };
        succeeded.set(item.endpoint.rowId, { endpoint, organizationId: item.organizationId, deliveryId: item.deliveryId, eventId: item.event.id });
      }
      continue;
    }
    const announce = item.status === 'FAILED' || (failingAfterAttempts > 0 && item.attempt.number === failingAfterAttempts);
    if (!announce) continue;
    failing.add(item.endpoint.rowId);
    events.push({
      type: item.status === 'FAILED' ? 'herald.delivery.exhausted' : 'herald.delivery.failing',
      organizationId: item.organizationId,
      audience: 'ORGANIZATION_AND_OPERATOR',
      data: {
        endpointId: item.endpoint.id,
        endpointUrl: item.endpoint.url,
        deliveryId: item.deliveryId,
        eventId: item.event.id,
        eventType: item.event.type,
        attemptCount: item.attempt.number,
        ...(item.status === 'RETRYING' ? { nextAttemptAt: item.nextAttemptAt?.toISOString() ?? null } : {}),
        lastAttempt: {
          number: item.attempt.number,
          startedAt: item.attempt.startedAt.toISOString(),
          responseStatus: item.attempt.responseStatus,
          errorKind: item.attempt.errorKind,
          errorMessage: item.attempt.errorMessage,
        },
      },
    });
  }
  return { events, failingEndpointIds: [...failing], succeeded };
}

/**
 * At most one `herald.delivery.failing` per endpoint per failing spell (from the first announced
 * failure to the success that ends it with `recovered`): the first of the batch at an endpoint whose
 * spell this very transaction began (`spellsBegunHere`: endpoint global ids), none at an endpoint that
 * was failing before. A dead endpoint whose organization publishes a thousand events announces failing
 * once, not a thousand times. Exhausted stays per delivery: each is a delivery lost for good that
 * someone may have to replay, and `HERALD_DISABLE_AFTER_FAILURES` bounds how many a spell has.
 */
export function oncePerFailingSpell(events: readonly OperationalEvent[], spellsBegunHere: ReadonlySet<string>): OperationalEvent[] {
  const announced = new Set<string>();
  return events.filter((event) => {
    if (event.type !== 'herald.delivery.failing') return true;
    const endpointId = String(event.data.endpointId);
    if (!spellsBegunHere.has(endpointId) || announced.has(endpointId)) return false;
    announced.add(endpointId);
    return true;
  });
}

export interface EndpointDisabled {
  organizationId: string;
  /** The operator organization's row id: an operator endpoint's silent turn-off is decided by it. */
  operatorOrganizationId: string;
  endpoint: EndpointRef;
  reason: 'MANUAL' | 'FAILING' | 'GONE';
  consecutiveFailures: number;
  failingSince: Date | null;
  /** True when the failed delivery that turned it off was of an operational event. */
  causedByOperationalEvent: boolean;
}

/** Null when nobody is to hear of it: an operator endpoint turned off by an operational delivery. */
export function endpointDisabledEvent(change: EndpointDisabled): OperationalEvent | null {
  let audience: Audience = 'ORGANIZATION_AND_OPERATOR';
  if (change.causedByOperationalEvent) {
    if (change.organizationId === change.operatorOrganizationId) return null;
    audience = 'OPERATOR';
  }
  return {
    type: 'herald.endpoint.disabled',
    organizationId: change.organizationId,
    audience,
    data: {
      endpointId: change.endpoint.id,
      endpointUrl: change.endpoint.url,
      reason: change.reason,
      consecutiveFailures: change.consecutiveFailures,
      failingSince: change.failingSince?.toISOString() ?? null,
    },
  };
}

/**
 * Each organization's budget of manual toggles that change an endpoint's state, each announced to
 * the operator: a burst of 20 (a maintenance window's worth), then one every 3 s (20 a minute).
 * Past it the toggle is refused (RateLimitedError) and nothing is written, so every announced state
 * change happened and every state change is announced: the operator's record stays complete and
 * bounded, at most 20 + 20 a minute of these events per organization.
 */
export const ENDPOINT_TOGGLE_BUDGET: RateLimit = { perSecond: 1 / 3, burst: 20 };

/** MANUAL: toggleEndpoint turned it on; AUTOMATIC: a recovery probe answered 2xx (docs/recovery.md). */
export type EnabledReason = 'MANUAL' | 'AUTOMATIC';

export function endpointEnabledEvent(organizationId: string, endpoint: EndpointRef, reason: EnabledReason = 'MANUAL'): OperationalEvent {
  return {
    type: 'herald.endpoint.enabled',
    organizationId,
    audience: 'ORGANIZATION_AND_OPERATOR',
    data: { endpointId: endpoint.id, endpointUrl: endpoint.url, reason },
  };
}

/** Who made an endpoint change, as the audit log names them (src/audit/audit-log.ts). */
export interface ChangeActor {
  kind: 'ADMIN' | 'ORGANIZATION_KEY' | 'PORTAL_SESSION' | 'SYSTEM';
  /** The key's global id (key_…); null for SYSTEM. */
  id: string | null;
}

/**
 * `herald.endpoint.created|updated|deleted`: a change of an endpoint's configuration, with who made
 * it and (updated) the names of the fields that changed, never their values: the audit log
 * (auditLog) has the before and after. Rotating the secret is an update of `secret`.
 */
export function endpointChangedEvent(
  type: 'herald.endpoint.created' | 'herald.endpoint.updated' | 'herald.endpoint.deleted',
  organizationId: string,
  endpoint: EndpointRef,
  actor: ChangeActor,
  changedFields: readonly string[] = [],
): OperationalEvent {
  return {
    type,
    organizationId,
    audience: 'ORGANIZATION_AND_OPERATOR',
    data: {
      endpointId: endpoint.id,
      endpointUrl: endpoint.url,
      ...(type === 'herald.endpoint.updated' ? { changedFields: [...changedFields] } : {}),
      actor: { kind: actor.kind, id: actor.id },
    },
  };
}

export function endpointRecoveredEvent(
  organizationId: string,
  endpoint: EndpointRef,
  failingSince: Date,
  by: { deliveryId: string; eventId: string },
): OperationalEvent {
  return {
    type: 'herald.endpoint.recovered',
    organizationId,
    audience: 'ORGANIZATION_AND_OPERATOR',
    data: { endpointId: endpoint.id, endpointUrl: endpoint.url, failingSince: failingSince.toISOString(), deliveryId: by.deliveryId, eventId: by.eventId },
  };
}

/**
 * The organizations (row ids) an event is written to: its own, and the operator's unless the
 * event is the operator's own or its audience is the operator alone.
 */
export function recipientOrganizations(event: OperationalEvent, operatorOrganizationId: string): string[] {
  if (event.audience === 'OPERATOR') return [operatorOrganizationId];
  return event.organizationId === operatorOrganizationId ? [operatorOrganizationId] : [event.organizationId, operatorOrganizationId];
}
