// What evaluating payload filters costs, counted in comparisons (docs/payload-filters.md, "Cost"):
// - a comparison of one payload value costs its operator's unit: 1 for a scalar operand, $exists
//   and the orderings; the operand's size in JSON values for $eq/$neq of an object or array; one
//   set lookup plus the largest listed object or array for $in/$nin;
// - a field is compared once per value it reaches and once more per element of each reached array
//   (the array itself may match, or any element), so the unit is charged (1 + elements) times;
// - walking a path through an array costs one per element reached into.
// A filter's cost is the sum of its units: what one payload value costs it at most. Filters are
// refused at save above FILTER_COST_BUDGET; a publish call stops evaluating once every endpoint's
// filter over every event of the call has spent PUBLISH_FILTER_BUDGET.

/** Most comparisons one filter may cost per payload value. */
export const FILTER_COST_BUDGET = 256;

/**
 * Most comparisons one publish call may spend on filters, across its events and endpoints. On the
 * reference machine a comparison takes 5–30 ns, so the budget holds the event loop for tens of
 * milliseconds at most, and never in one piece longer than one filter over one payload.
 */
export const PUBLISH_FILTER_BUDGET = 1_000_000;

/** Counts what evaluations spend; shared by every filter evaluated for one publish call. */
export interface FilterMeter {
  readonly budget: number;
  spent: number;
}

export function filterMeter(budget: number): FilterMeter {
  return { budget, spent: 0 };
}

/** A meter nothing stops: for a single sample payload or a test. */
export function unmeteredFilter(): FilterMeter {
  return filterMeter(Number.POSITIVE_INFINITY);
}

/** Thrown inside an evaluation to unwind it; the evaluators catch it and answer a verdict. */
export class OverBudget extends Error {
  override name = 'OverBudget';
}

export function charge(meter: FilterMeter, comparisons: number): void {
  meter.spent += comparisons;
  if (meter.spent > meter.budget) throw new OverBudget(`over the budget of ${meter.budget} comparisons`);
}
