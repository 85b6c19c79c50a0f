// A delivery's statuses and what each allows, in one table: the state machine's guarded writes
// (src/delivery-state) and the operator actions (src/deliveries/operations.ts) derive their
// status lists from here, so a new status is decided for every rule at once (the Record below
// does not compile until it is).

/** In the database's order (schema.prisma); test/engine/enums.test.ts holds the two together. */
export const DELIVERY_STATUSES = ['SCHEDULED', 'PENDING', 'SENDING', 'SUCCEEDED', 'RETRYING', 'FAILED', 'CANCELLED', 'PAUSED'] as const;

export type DeliveryStatusName = (typeof DELIVERY_STATUSES)[number];

interface StatusRules {
  /** A job may start an attempt from it (SENDING too: a worker died mid-attempt and its job came back). */
  claimable: boolean;
  /** Nothing more will happen unless someone acts (retry, replay). */
  finished: boolean;
  /** Turning its endpoint off cancels it: it was still to be sent. */
  cancelledWithEndpoint: boolean;
  /** cancelDelivery may cancel it: no attempt has started and none is due yet. */
  cancellable: boolean;
  /** Its endpoint's rate limit may hold it for a later slot: its next attempt has not started. */
  holdable: boolean;
}

export const STATUS_RULES: Record<DeliveryStatusName, StatusRules> = {
  SCHEDULED: { claimable: true, finished: false, cancelledWithEndpoint: true, cancellable: true, holdable: true },
  PENDING: { claimable: true, finished: false, cancelledWithEndpoint: true, cancellable: false, holdable: true },
  SENDING: { claimable: true, finished: false, cancelledWithEndpoint: false, cancellable: false, holdable: false },
  SUCCEEDED: { claimable: false, finished: true, cancelledWithEndpoint: false, cancellable: false, holdable: false },
  RETRYING: { claimable: true, finished: false, cancelledWithEndpoint: true, cancellable: false, holdable: true },
  FAILED: { claimable: false, finished: true, cancelledWithEndpoint: false, cancellable: false, holdable: false },
  CANCELLED: { claimable: false, finished: true, cancelledWithEndpoint: false, cancellable: false, holdable: false },
  // Waiting for its paused endpoint to resume, with no job: nothing claims it until resumeEndpoint.
  PAUSED: { claimable: false, finished: false, cancelledWithEndpoint: true, cancellable: false, holdable: false },
};

export function statusesWhere(rule: keyof StatusRules): DeliveryStatusName[] {
  return DELIVERY_STATUSES.filter((status) => STATUS_RULES[status][rule]);
}
