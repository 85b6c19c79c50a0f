// De-risks the cost model of payload filters (src/engine/filter-cost.ts): what representative filters
// cost at save, the refusal above FILTER_COST_BUDGET, what one evaluation charges against a meter
// (so a publish call's budget bounds its work), and PublishFilters answering LimitExceededError
// once a call's filters would spend more than the budget. The same over the API, with nothing
// written, is test/api/filter-budget.test.ts.
import { describe, expect, it } from 'vitest';
import { filterMeter, FILTER_COST_BUDGET, PUBLISH_FILTER_BUDGET } from '../../src/engine/filter-cost.ts';
import { matchesWithin, parsePayloadFilter, type PayloadFilter } from '../../src/engine/payload-filter.ts';
import { LimitExceededError } from '../../src/errors.ts';
import { PublishFilters, type EndpointRow } from '../../src/events/publish-filters.ts';

function costOf(filter: unknown): number {
  const result = parsePayloadFilter(filter);
  if (!result.ok) throw new Error(`expected a valid filter, got ${JSON.stringify(result.issues)}`);
  return result.filter.cost;
}

function parsed(filter: unknown): PayloadFilter {
  const result = parsePayloadFilter(filter);
  if (!result.ok) throw new Error(`expected a valid filter, got ${JSON.stringify(result.issues)}`);
  return result.filter;
}

/** The finding's filter: 1,900 listed values in 3.8 KB, inside the size limit. */
const IN_1900 = { x: { $in: Array.from({ length: 1_900 }, (_, i) => i % 10) } };
/** `{"x":[0,…]}` as large as the 256 KiB payload limit allows. */
const X_ELEMENTS = 131_055;
const BIG_PAYLOAD = { x: new Array<number>(X_ELEMENTS).fill(0) };

describe('the cost of a filter at save, in comparisons per payload value', () => {
  it.each([
    ['a scalar', { 'data.status': 'paid' }, 1],
    ['a range and an $or of scalars', { 'data.amount': { $gte: 100, $lt: 500 }, $or: [{ c: 'EUR' }, { c: { $in: ['USD', 'GBP'] } }] }, 4],
    ['$in of 1,900 scalars: one set lookup', IN_1900, 1],
    ['$in of scalars and nested arrays: one lookup plus the largest listed composite', { a: { $in: [1, [2, [3, 4]], { b: [5] }] } }, 1 + 5],
    ['$eq of nested arrays: its size in JSON values', { a: { $eq: [[1, 2], [3, [4, 5]]] } }, 9],
    ['$eq of an object: its size in JSON values', { a: { $eq: { b: 1, c: { d: 2, e: [3] } } } }, 6],
    ['$exists and $not', { $not: { a: { $exists: true } }, b: { $neq: 'x' } }, 2],
    ['$eq of 255 values: exactly the budget', { a: { $eq: new Array(255).fill(0) } }, FILTER_COST_BUDGET],
  ])('%s', (_label, filter, expected) => {
    expect(costOf(filter)).toBe(expected);
  });

  it(`refuses a filter above ${FILTER_COST_BUDGET}, with the cost it has and the one allowed`, () => {
    const result = parsePayloadFilter({ a: { $eq: new Array(256).fill(0) } });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: [], message: expect.stringMatching(/^costs 257 comparisons per payload value; a filter may cost at most 256 /) }],
    });
    // The cost is the sum of the filter's comparisons: two within the budget can exceed it.
    const half = new Array(128).fill(0);
    expect(parsePayloadFilter({ a: { $eq: half }, b: { $in: [half] } }).ok).toBe(false);
  });

  it('evaluates a stored filter above the budget (saved under looser limits) without refusing it', () => {
    const result = parsePayloadFilter({ a: { $eq: new Array(1_000).fill(0) } }, { limits: false });
    expect(result.ok && result.filter.cost).toBe(1_001);
  });
});

describe('what one evaluation charges', () => {
  it("charges a field's unit once for the value reached and once per element of it", () => {
    const meter = filterMeter(Number.POSITIVE_INFINITY);
    expect(matchesWithin(parsed(IN_1900), BIG_PAYLOAD, meter)).toBe(true);
    expect(meter.spent).toBe(1 + X_ELEMENTS);
    const costly = filterMeter(Number.POSITIVE_INFINITY);
    expect(matchesWithin(parsed({ x: { $eq: [1, 2] } }), { x: [[1, 2], 3] }, costly)).toBe(true);
    expect(costly.spent).toBe(3 * (1 + 2));
  });

  it('charges one per element walked through an array, and nothing for a missing field', () => {
    const meter = filterMeter(Number.POSITIVE_INFINITY);
    expect(matchesWithin(parsed({ 'items.sku': 'B' }), { items: [{ sku: 'A' }, { sku: 'B' }, {}] }, meter)).toBe(true);
    expect(meter.spent).toBe(3 + 2);
    const missing = filterMeter(Number.POSITIVE_INFINITY);
    expect(matchesWithin(parsed({ $not: { y: { $eq: new Array(255).fill(0) } } }), BIG_PAYLOAD, missing)).toBe(true);
    expect(missing.spent).toBe(0);
  });

  it("answers 'over-budget' once the meter is spent, whatever the match would be", () => {
    const meter = filterMeter(X_ELEMENTS);
    expect(matchesWithin(parsed(IN_1900), BIG_PAYLOAD, meter)).toBe('over-budget');
    expect(matchesWithin(parsed({ x: 0 }), { x: 0 }, meter)).toBe('over-budget');
  });

  it('refuses a filter at the save limit over a payload at the payload limit before walking it', () => {
    // 256 × 131,056 comparisons would be 33.5 million: charged before the walk, so refused at once.
    const meter = filterMeter(PUBLISH_FILTER_BUDGET);
    const started = performance.now();
    expect(matchesWithin(parsed({ x: { $eq: new Array(255).fill(0) } }), BIG_PAYLOAD, meter)).toBe('over-budget');
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('the budget of one publish call', () => {
  const endpoints = (count: number): EndpointRow[] =>
    Array.from({ length: count }, (_, i) => ({ id: `e${i}`, eventTypes: ['*'], projects: [], filter: { x: { $in: [i + 1, ...IN_1900.x.$in.slice(1)] } } }));
  const event = { type: 'big.event', project: null, payload: BIG_PAYLOAD };

  it(`evaluates distinct filters until ${PUBLISH_FILTER_BUDGET} comparisons, then answers LimitExceededError`, async () => {
    // Each of these filters spends 131,056 comparisons on the payload: 7 fit in the budget, 8 do not.
    const fits = new PublishFilters();
    await fits.evaluateAhead(endpoints(7), [event]);
    expect(fits.meter.spent).toBe(7 * (1 + X_ELEMENTS));
    const over = new PublishFilters();
    const refusal = await over.evaluateAhead(endpoints(8), [event]).then(() => null, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(LimitExceededError);
    expect(refusal).toMatchObject({ limit: PUBLISH_FILTER_BUDGET, message: expect.stringMatching(/more than 1000000 comparisons, the budget of one publish call; nothing was published/) });
  });

  it('spends the budget across the events of one call', async () => {
    const filters = new PublishFilters();
    const three = [event, { ...event, payload: { x: [...BIG_PAYLOAD.x] } }, { ...event, payload: { x: [...BIG_PAYLOAD.x] } }];
    await expect(filters.evaluateAhead(endpoints(3), three)).rejects.toBeInstanceOf(LimitExceededError);
  });

  it('evaluates a filter shared by endpoints once per payload', async () => {
    const filters = new PublishFilters();
    const shared = Array.from({ length: 18 }, (_, i) => ({ id: `e${i}`, eventTypes: ['*'], projects: [], filter: IN_1900 }));
    await filters.evaluateAhead(shared, [event]);
    expect(filters.meter.spent).toBe(1 + X_ELEMENTS);
    expect(shared.every((endpoint) => filters.receives(endpoint, event))).toBe(true);
  });
});
