// The order of due delivery jobs across organizations, by virtual-clock fair queueing. pg-boss
// fetches the due jobs with the highest priority first (ties by creation), so each job's priority
// is its virtual finish time F, negated: an organization's job gets F = max(due, F_org) + STEP and
// F_org moves to F. A burst of one organization spreads its own jobs over future virtual time
// (18,000 jobs over 18 s), while a quiet organization's job ranks ahead of the burst's tail.
// Ordering only: nothing waits for its F, so an organization alone still gets every job fetched as
// fast as the worker goes (work-conserving).
//
// "Now" for a job due now is the queue's virtual present, not the wall clock: the F of the job at
// the head of the due queue (the caller reads it), when that is behind the clock. A worker slower
// than one job per STEP (slow receivers, a loaded machine) leaves the burst's F behind real time;
// a quiet organization's job stamped with the wall clock would then rank behind the whole rest of
// the burst. Stamped from the head, it goes next, whatever the worker's pace (start-time fair
// queueing's system virtual time).
//
// Jobs due later (deliverAt, retries, watchdogs, holds) rank from their due time, with a clock per
// organization and due second, so tomorrow's schedule never pushes back today's deliveries, and a
// burst scheduled for one instant is spread like a burst published at that instant.

/** Virtual time one job takes of its organization's clock: a burst spreads at 1,000 jobs per virtual second. */
export const FAIR_STEP_MS = 1;
/**
 * Priorities count tenths of a second: jobs within one tenth tie and fall back to creation order
 * (at most 100 of one organization's per tenth). pg-boss's priority is an int4: ±2^31 tenths from
 * the epoch reach 6.8 years either side (2022–2035); past that every priority clamps to the bound
 * and the order falls back to creation order (fair no longer, never wrong).
 */
export const PRIORITY_UNIT_MS = 100;
const PRIORITY_EPOCH_MS = Date.UTC(2029, 0, 1);
const INT4_MAX = 2_147_483_647;
/** Clocks one process keeps; past it, those already behind the present are forgotten first. */
export const MAX_FAIR_CLOCKS = 10_000;

export interface FairClock {
  /** F_org per organization (due now) or per organization and due second (due later), ms. */
  readonly finish: Map<string, number>;
  readonly maxClocks: number;
}

export function createFairClock(maxClocks = MAX_FAIR_CLOCKS): FairClock {
  return { finish: new Map(), maxClocks };
}

/**
 * The virtual present of due-now jobs: the head of the due queue's F (decoded from its priority)
 * when it is behind the clock, else the clock. Null head: an empty queue, the clock.
 */
export function virtualPresent(nowMs: number, headPriority: number | null): number {
  return headPriority === null ? nowMs : Math.min(nowMs, finishOf(headPriority));
}

export interface FairJob {
  organizationId: string;
  /** When the job may run (ms); absent: now. */
  dueMs?: number;
}

/**
 * The priority of each job, in order, advancing each organization's clock. `presentMs` is where
 * jobs due now start (virtualPresent); jobs due later rank from their due time.
 */
export function fairPriorities(clock: FairClock, jobs: readonly FairJob[], nowMs: number, presentMs = nowMs): number[] {
  const priorities = jobs.map(({ organizationId, dueMs }) => {
    const dueNow = dueMs === undefined || dueMs <= nowMs;
    const due = dueNow ? presentMs : dueMs;
    const key = dueNow ? organizationId : `${organizationId}@${Math.floor(due / 1000)}`;
    const finish = Math.max(due, clock.finish.get(key) ?? due) + FAIR_STEP_MS;
    clock.finish.set(key, finish);
    return priorityOf(finish);
  });
  if (clock.finish.size > clock.maxClocks) forget(clock, presentMs);
  return priorities;
}

/** The virtual finish a priority stands for (to the priority's tenth of a second). */
export function finishOf(priority: number): number {
  return PRIORITY_EPOCH_MS - priority * PRIORITY_UNIT_MS;
}

/** Higher runs first: the earlier the virtual finish, the higher. */
export function priorityOf(finishMs: number): number {
  const tenths = Math.round((finishMs - PRIORITY_EPOCH_MS) / PRIORITY_UNIT_MS);
  return Math.max(-INT4_MAX, Math.min(INT4_MAX, -tenths));
}

/**
 * A clock behind the present says nothing a new job's max(due, F) would not: those go first. If
 * still too many, the least recently inserted go (a Map iterates in insertion order), which can
 * only rank that organization's next job earlier than it should for a while.
 */
function forget(clock: FairClock, nowMs: number): void {
  for (const [key, finish] of clock.finish) if (finish < nowMs) clock.finish.delete(key);
  for (const key of clock.finish.keys()) {
    if (clock.finish.size <= clock.maxClocks) break;
    clock.finish.delete(key);
  }
}
