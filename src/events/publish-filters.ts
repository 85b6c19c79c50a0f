// The payload filters of one publish call, metered against one budget (src/engine/filter-cost.ts).
// They are evaluated before the publish transaction opens, over the endpoints read then, yielding
// to the event loop between filters so one tenant's expensive call cannot hold up the API for
// everyone; inside the transaction the endpoints are read again and each (event, endpoint) verdict
// is reused when the endpoint's filter is unchanged, so what is written still follows the rows the
// transaction read. A filter that changed or appeared meanwhile is evaluated there, on the same meter.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { endpointTakes, parseStoredFilter } from '../engine/fan-out.ts';
import { filterMeter, PUBLISH_FILTER_BUDGET, type FilterMeter } from '../engine/filter-cost.ts';
import { matchesWithin, type PayloadFilter } from '../engine/payload-filter.ts';
import { LimitExceededError } from '../errors.ts';

export interface EndpointRow {
  id: string;
  eventTypes: readonly string[];
  projects: readonly string[];
  filter: unknown;
}

export interface FilteredEvent {
  type: string;
  project: string | null;
  /** Verdicts are kept per payload object: the same object must be passed before and inside the transaction. */
  payload: object;
}

/** Comparisons evaluated between two turns of the event loop (a filter is never split). */
const COMPARISONS_PER_TURN = 20_000;

export class PublishFilters {
  readonly meter: FilterMeter;
  private readonly parsed = new Map<string, PayloadFilter | null>();
  private readonly verdicts = new WeakMap<object, Map<string, boolean>>();

  constructor(budget = PUBLISH_FILTER_BUDGET) {
    this.meter = filterMeter(budget);
  }

  /** Evaluates every filter the events meet, yielding between filters; throws LimitExceededError past the budget. */
  async evaluateAhead(endpoints: readonly EndpointRow[], events: readonly FilteredEvent[]): Promise<void> {
    let sinceTurn = this.meter.spent;
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (endpoint.filter == null || !endpointTakes(endpoint, event)) continue;
        this.receives(endpoint, event);
        if (this.meter.spent - sinceTurn >= COMPARISONS_PER_TURN) {
          await nextTurn();
          sinceTurn = this.meter.spent;
        }
      }
    }
  }

  /** Whether the endpoint receives the event: a verdict reached ahead, or one evaluated now. */
  receives(endpoint: EndpointRow, event: FilteredEvent): boolean {
    if (!endpointTakes(endpoint, event)) return false;
    if (endpoint.filter == null) return true;
    // A verdict depends on the filter and the payload only: endpoints sharing a filter share it.
    const key = JSON.stringify(endpoint.filter);
    let known = this.verdicts.get(event.payload);
    if (!known) this.verdicts.set(event.payload, (known = new Map()));
    const verdict = known.get(key);
    if (verdict !== undefined) return verdict;
    const filter = this.filterOf(key, endpoint.filter);
    const matched = filter === null ? true : matchesWithin(filter, event.payload, this.meter);
    if (matched === 'over-budget') throw overBudget(this.meter.budget);
    known.set(key, matched);
    return matched;
  }

  /** Each distinct filter is parsed once per call. */
  private filterOf(text: string, stored: unknown): PayloadFilter | null {
    if (!this.parsed.has(text)) this.parsed.set(text, parseStoredFilter(stored));
    return this.parsed.get(text)!;
  }
}

function overBudget(budget: number): LimitExceededError {
  return new LimitExceededError(
    `Evaluating the endpoints' payload filters for this call would take more than ${budget} comparisons, the budget of one publish call; nothing was published. Publish fewer or smaller events per call, or ask for simpler filters (docs/payload-filters.md, "Cost").`,
    budget,
  );
}
