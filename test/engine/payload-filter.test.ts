// De-risks the payload filter language as a pure function: every operator on both sides of its
// boundary, arrays, missing paths and cross-type comparisons as docs/payload-filters.md states them,
// every malformed filter refused with the path to its fault, the limits, and (with fast-check) the
// algebra that the rest relies on: $not f is !f, $and/$or are && and ||, $neq/$nin negate $eq/$in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FILTER_LIMITS,
  explainMismatch,
  matches,
  parsePayloadFilter,
  type PayloadFilter,
} from '../../src/engine/payload-filter.ts';

function parse(filter: unknown): PayloadFilter {
  const result = parsePayloadFilter(filter);
  if (!result.ok) throw new Error(`expected a valid filter, got ${JSON.stringify(result.issues)}`);
  return result.filter;
}

const check = (filter: unknown, payload: unknown) => matches(parse(filter), payload);

function issuesOf(filter: unknown) {
  const result = parsePayloadFilter(filter);
  if (result.ok) throw new Error(`expected issues for ${JSON.stringify(filter)}`);
  return result.issues;
}

const ORDER = { data: { amount: 150, currency: 'EUR', customer: { tier: 'gold' } }, tags: ['urgent', 'billing'], items: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 5 }], note: null };

describe('the example of the brief', () => {
  const filter = { 'data.amount': { $gte: 100 }, $or: [{ 'data.currency': 'EUR' }, { 'data.currency': { $in: ['USD', 'GBP'] } }] };

  it('matches an order of 100 or more in EUR, USD or GBP, and nothing else', () => {
    expect(check(filter, ORDER)).toBe(true);
    expect(check(filter, { data: { amount: 100, currency: 'GBP' } })).toBe(true);
    expect(check(filter, { data: { amount: 99.99, currency: 'EUR' } })).toBe(false);
    expect(check(filter, { data: { amount: 500, currency: 'JPY' } })).toBe(false);
    expect(check(filter, { data: { currency: 'EUR' } })).toBe(false);
  });
});

describe('comparisons', () => {
  it.each([
    ['a bare value is $eq', { 'data.currency': 'EUR' }, true],
    ['$eq', { 'data.currency': { $eq: 'EUR' } }, true],
    ['$eq of another value', { 'data.currency': { $eq: 'USD' } }, false],
    ['$neq', { 'data.currency': { $neq: 'USD' } }, true],
    ['$neq of the value', { 'data.currency': { $neq: 'EUR' } }, false],
    ['$gt below', { 'data.amount': { $gt: 149 } }, true],
    ['$gt at', { 'data.amount': { $gt: 150 } }, false],
    ['$gte at', { 'data.amount': { $gte: 150 } }, true],
    ['$gte above', { 'data.amount': { $gte: 150.01 } }, false],
    ['$lt at', { 'data.amount': { $lt: 150 } }, false],
    ['$lt above', { 'data.amount': { $lt: 151 } }, true],
    ['$lte at', { 'data.amount': { $lte: 150 } }, true],
    ['$lte below', { 'data.amount': { $lte: 149 } }, false],
    ['a range on one field', { 'data.amount': { $gte: 100, $lt: 200 } }, true],
    ['a range it misses', { 'data.amount': { $gte: 100, $lt: 150 } }, false],
    ['strings in order', { 'data.currency': { $gt: 'DKK', $lt: 'GBP' } }, true],
    ['$in', { 'data.currency': { $in: ['USD', 'EUR'] } }, true],
    ['$in without it', { 'data.currency': { $in: ['USD'] } }, false],
    ['$in of nothing', { 'data.currency': { $in: [] } }, false],
    ['$nin', { 'data.currency': { $nin: ['USD'] } }, true],
    ['$nin with it', { 'data.currency': { $nin: ['EUR', 'USD'] } }, false],
    ['$exists true', { 'data.customer.tier': { $exists: true } }, true],
    ['$exists false', { 'data.deletedAt': { $exists: false } }, true],
    ['$exists true of a missing field', { 'data.deletedAt': { $exists: true } }, false],
    ['$exists true of null', { note: { $exists: true } }, true],
    ['null equals null', { note: null }, true],
    ['an object equals regardless of key order', { 'data.customer': { $eq: { tier: 'gold' } } }, true],
    ['an object with another key is not equal', { 'data.customer': { $eq: { tier: 'gold', id: 1 } } }, false],
    ['nested fields are dotted paths', { data: { customer: { tier: 'gold' }, amount: { $gt: 1 } } }, true],
    ['nested fields that fail', { data: { customer: { tier: 'silver' } } }, false],
    ['the empty filter', {}, true],
  ])('%s', (_label, filter, expected) => {
    expect(check(filter, ORDER)).toBe(expected);
  });

  it('compares across types as false, whatever the operator', () => {
    for (const op of ['$gt', '$gte', '$lt', '$lte']) {
      expect(check({ amount: { [op]: '100' } }, { amount: 150 }), op).toBe(false);
      expect(check({ amount: { [op]: 100 } }, { amount: '150' }), op).toBe(false);
      expect(check({ amount: { [op]: 100 } }, { amount: null }), op).toBe(false);
      expect(check({ amount: { [op]: 100 } }, { amount: true }), op).toBe(false);
      expect(check({ amount: { [op]: 100 } }, { amount: { value: 150 } }), op).toBe(false);
    }
    expect(check({ amount: 1 }, { amount: '1' })).toBe(false);
    expect(check({ amount: { $neq: 1 } }, { amount: '1' })).toBe(true);
    expect(check({ flag: false }, { flag: 0 })).toBe(false);
    expect(check({ flag: null }, { flag: false })).toBe(false);
    expect(check({ n: 1 }, { n: 1.0 })).toBe(true);
  });

  it('orders strings by code point, not by UTF-16 unit', () => {
    // U+FF21 (Ａ) is one unit of 0xFF21; U+1F600 (😀) is 0xD83D 0xDE00, before it in UTF-16, after it by code point.
    expect(check({ s: { $gt: '\uff21' } }, { s: '😀' })).toBe(true);
    expect(check({ s: { $lt: '\uff21' } }, { s: '😀' })).toBe(false);
    expect(check({ s: { $gt: 'ab' } }, { s: 'abc' })).toBe(true);
    expect(check({ s: { $lte: 'ab' } }, { s: 'ab' })).toBe(true);
  });
});

describe('missing paths', () => {
  it('make $eq, $in and the orderings false, and $neq, $nin and $exists: false true', () => {
    const payload = { data: {} };
    for (const condition of [{ $eq: 1 }, { $in: [1] }, { $gt: 0 }, { $gte: 0 }, { $lt: 9 }, { $lte: 9 }, { $exists: true }]) {
      expect(check({ 'data.amount': condition }, payload), JSON.stringify(condition)).toBe(false);
    }
    for (const condition of [{ $neq: 1 }, { $nin: [1] }, { $exists: false }]) {
      expect(check({ 'data.amount': condition }, payload), JSON.stringify(condition)).toBe(true);
    }
  });

  it('include paths through a scalar, through null, and a payload that is not an object', () => {
    expect(check({ 'data.amount.value': { $exists: false } }, ORDER)).toBe(true);
    expect(check({ 'note.x': { $exists: false } }, ORDER)).toBe(true);
    expect(check({ a: { $exists: false } }, 'just a string')).toBe(true);
    expect(check({ a: 1 }, null)).toBe(false);
  });

  it('never read inherited properties', () => {
    expect(check({ constructor: { $exists: true } }, {})).toBe(false);
    expect(check({ 'a.toString': { $exists: true } }, { a: {} })).toBe(false);
    expect(check({ 'list.length': 0 }, { list: [] })).toBe(false);
  });
});

describe('arrays', () => {
  it('match a value that is the array or one of its elements', () => {
    expect(check({ tags: 'urgent' }, ORDER)).toBe(true);
    expect(check({ tags: 'spam' }, ORDER)).toBe(false);
    expect(check({ tags: ['urgent', 'billing'] }, ORDER)).toBe(true);
    expect(check({ tags: ['billing', 'urgent'] }, ORDER)).toBe(false);
    expect(check({ tags: { $in: ['spam', 'billing'] } }, ORDER)).toBe(true);
    expect(check({ tags: { $nin: ['spam', 'billing'] } }, ORDER)).toBe(false);
    expect(check({ tags: { $neq: 'urgent' } }, ORDER)).toBe(false);
    expect(check({ scores: { $gt: 8 } }, { scores: [1, 9] })).toBe(true);
    expect(check({ scores: { $gt: 9 } }, { scores: [1, 9] })).toBe(false);
    expect(check({ tags: { $exists: true } }, { tags: [] })).toBe(true);
    expect(check({ tags: 'urgent' }, { tags: [] })).toBe(false);
  });

  it('are indexed by a numeric segment and reached into by a name', () => {
    expect(check({ 'items.0.sku': 'A' }, ORDER)).toBe(true);
    expect(check({ 'items.1.sku': 'A' }, ORDER)).toBe(false);
    expect(check({ 'items.2.sku': { $exists: true } }, ORDER)).toBe(false);
    expect(check({ 'items.sku': 'B' }, ORDER)).toBe(true);
    expect(check({ 'items.qty': { $gte: 5 } }, ORDER)).toBe(true);
    expect(check({ 'items.qty': { $gt: 5 } }, ORDER)).toBe(false);
    expect(check({ 'items.sku': { $nin: ['B'] } }, ORDER)).toBe(false);
    expect(check({ 'items.price': { $exists: false } }, ORDER)).toBe(true);
    expect(check({ 'tags.0': 'urgent' }, ORDER)).toBe(true);
    expect(check({ 'tags.01': 'urgent' }, ORDER)).toBe(false);
  });
});

describe('logic', () => {
  it('$and, $or and $not, at the root and under a field', () => {
    expect(check({ $and: [{ 'data.currency': 'EUR' }, { tags: 'urgent' }] }, ORDER)).toBe(true);
    expect(check({ $and: [{ 'data.currency': 'EUR' }, { tags: 'spam' }] }, ORDER)).toBe(false);
    expect(check({ $or: [{ 'data.currency': 'USD' }, { tags: 'spam' }] }, ORDER)).toBe(false);
    expect(check({ $not: { 'data.currency': 'USD' } }, ORDER)).toBe(true);
    expect(check({ 'data.amount': { $not: { $gt: 100 } } }, ORDER)).toBe(false);
    expect(check({ 'data.currency': { $not: 'USD' } }, ORDER)).toBe(true);
    expect(check({ 'data.currency': { $or: ['USD', 'EUR'] } }, ORDER)).toBe(true);
    expect(check({ data: { $or: [{ currency: 'USD' }, { amount: { $gt: 100 } }] } }, ORDER)).toBe(true);
    expect(check({ data: { $and: [{ currency: 'EUR' }, { 'customer.tier': 'silver' }] } }, ORDER)).toBe(false);
  });
});

describe('explainMismatch', () => {
  it('is null on a match and names the failing condition otherwise', () => {
    const filter = parse({ 'data.amount': { $gte: 200 }, 'data.currency': 'EUR' });
    expect(explainMismatch(filter, { data: { amount: 200, currency: 'EUR' } })).toBeNull();
    expect(explainMismatch(filter, ORDER)).toEqual({ path: ['data.amount', '$gte'], message: 'data.amount is 150, not at least 200' });
    expect(explainMismatch(filter, {})).toEqual({ path: ['data.amount', '$gte'], message: 'data.amount is missing, so it is not at least 200' });
    expect(explainMismatch(parse({ amount: { $gt: '5' } }), { amount: 6 })?.message).toBe('amount is 6, not greater than "5" (strings compare only with strings)');
    expect(explainMismatch(parse({ gone: { $exists: false } }), { gone: 1 })).toEqual({ path: ['gone', '$exists'], message: 'gone exists (1)' });
    expect(explainMismatch(parse({ $not: { a: 1 } }), { a: 1 })).toEqual({ path: ['$not'], message: 'the filter under $not matched' });
    const alternatives = explainMismatch(parse({ $or: [{ c: 'USD' }, { c: 'GBP' }] }), { c: 'JPY' });
    expect(alternatives?.path).toEqual(['$or']);
    expect(alternatives?.message).toBe('None of its 2 alternatives matched; the first failed because: c is "JPY", not equal to "USD"');
  });
});

describe('a malformed filter is refused with the path to each fault', () => {
  it.each([
    ['not an object', ['EUR'], []],
    ['null', null, []],
    ['an unknown operator', { amount: { $gt: 1, $foo: 2 } }, ['amount', '$foo']],
    ['an unknown operator at the root', { $where: 'x' }, ['$where']],
    ['a comparison without a field', { $eq: 1 }, ['$eq']],
    ['$gt of a boolean', { amount: { $gt: true } }, ['amount', '$gt']],
    ['$lte of null', { amount: { $lte: null } }, ['amount', '$lte']],
    ['$lt of an object', { amount: { $lt: { a: 1 } } }, ['amount', '$lt']],
    ['$in not an array', { currency: { $in: 'USD' } }, ['currency', '$in']],
    ['$nin not an array', { currency: { $nin: { a: 1 } } }, ['currency', '$nin']],
    ['$exists not a boolean', { a: { $exists: 'yes' } }, ['a', '$exists']],
    ['an empty $and', { $and: [] }, ['$and']],
    ['an empty $or', { $or: [] }, ['$or']],
    ['$or not an array', { $or: { a: 1 } }, ['$or']],
    ['a member of $and that is not an object', { $and: [{ a: 1 }, 'b'] }, ['$and', '1']],
    ['$not of a value at the root', { $not: 3 }, ['$not']],
    ['an empty path segment', { 'data..amount': 1 }, ['data..amount']],
    ['a leading dot', { '.amount': 1 }, ['.amount']],
    ['an empty key', { '': 1 }, ['']],
    ['an empty object value', { data: {} }, ['data']],
    ['a field name beside operators', { amount: { $gt: 1, currency: 'EUR' } }, ['amount', 'currency']],
    ['$or beside comparisons', { amount: { $gt: 1, $or: [2] } }, ['amount', '$or']],
    ['the deep example', { $or: [{ currency: 'EUR' }, { currency: { $in: 'USD' } }] }, ['$or', '1', 'currency', '$in']],
  ])('%s', (_label, filter, path) => {
    const issues = issuesOf(filter);
    expect(issues.map((issue) => issue.path)).toContainEqual(path);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(5);
  });

  it('reports every fault at once', () => {
    const issues = issuesOf({ a: { $gt: [] }, b: { $in: 1 }, $or: [], $nope: 1 });
    expect(issues.map((issue) => issue.path)).toEqual([['a', '$gt'], ['b', '$in'], ['$or'], ['$nope']]);
  });
});

describe('limits', () => {
  const nested = (levels: number): Record<string, unknown> => (levels === 1 ? { a: 1 } : { $not: nested(levels - 1) });

  it(`nests at most ${FILTER_LIMITS.depth} levels`, () => {
    expect(parsePayloadFilter(nested(FILTER_LIMITS.depth)).ok).toBe(true);
    const issues = issuesOf(nested(FILTER_LIMITS.depth + 1));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(Array(FILTER_LIMITS.depth).fill('$not'));
    expect(issues[0]!.message).toMatch(/nest/);
    // Nested field objects and operator objects count as levels too.
    const fields = { a: { b: { c: { d: { e: { f: { g: { $gt: 1 } } } } } } } };
    expect(parsePayloadFilter(fields).ok).toBe(true);
    expect(parsePayloadFilter({ x: fields }).ok).toBe(false);
  });

  it(`holds at most ${FILTER_LIMITS.conditions} conditions`, () => {
    const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`f${index}`, index]));
    expect(parsePayloadFilter(many(FILTER_LIMITS.conditions)).ok).toBe(true);
    expect(issuesOf(many(FILTER_LIMITS.conditions + 1))).toEqual([{ path: [], message: `has 65 conditions; a filter may have at most 64` }]);
    const ranges = Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`f${index}`, { $gt: 0, $lt: 9 }]));
    expect(issuesOf(ranges)[0]!.message).toMatch(/66 conditions/);
  });

  it(`is at most ${FILTER_LIMITS.bytes} bytes as JSON, counted in UTF-8`, () => {
    const sized = (bytes: number, unit = 'x') => ({ s: { $eq: unit.repeat((bytes - JSON.stringify({ s: { $eq: '' } }).length) / new TextEncoder().encode(unit).length) } });
    expect(parsePayloadFilter(sized(FILTER_LIMITS.bytes)).ok).toBe(true);
    expect(issuesOf(sized(FILTER_LIMITS.bytes + 1))[0]!.path).toEqual([]);
    // 2,040 é are 2,040 characters of JSON but 4,080 bytes: the limit counts the bytes.
    expect(parsePayloadFilter(sized(FILTER_LIMITS.bytes, 'é')).ok).toBe(true);
    expect(parsePayloadFilter(sized(FILTER_LIMITS.bytes + 2, 'é')).ok).toBe(false);
  });

  it('are skipped for a stored filter, which must keep working if the limits ever shrink', () => {
    expect(parsePayloadFilter(nested(20), { limits: false }).ok).toBe(true);
    expect(parsePayloadFilter({ big: 'x'.repeat(10_000) }, { limits: false }).ok).toBe(true);
    // Except for depth past where the recursive parse could overflow the stack.
    expect(parsePayloadFilter(nested(64), { limits: false }).ok).toBe(true);
    expect(parsePayloadFilter(nested(5_000), { limits: false }).ok).toBe(false);
  });
});

// ---- properties --------------------------------------------------------------------------------
const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y', 'EUR', ''), fc.boolean(), fc.constant(null));
const FIELDS = ['a', 'b', 'c.d', 'items.sku', 'tags', 'missing'];
const comparisonOperand = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y', 'EUR'));
const leaf = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELDS), scalar).map(([field, value]) => ({ [field]: value })),
  fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom('$eq', '$neq'), scalar).map(([field, op, value]) => ({ [field]: { [op]: value } })),
  fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom('$gt', '$gte', '$lt', '$lte'), comparisonOperand).map(([field, op, value]) => ({ [field]: { [op]: value } })),
  fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom('$in', '$nin'), fc.array(scalar, { maxLength: 3 })).map(([field, op, value]) => ({ [field]: { [op]: value } })),
  fc.tuple(fc.constantFrom(...FIELDS), fc.boolean()).map(([field, value]) => ({ [field]: { $exists: value } })),
);
const { filter: filterArbitrary } = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('filter'), { minLength: 1, maxLength: 3 }).map((of) => ({ $and: of })),
    fc.array(tie('filter'), { minLength: 1, maxLength: 3 }).map((of) => ({ $or: of })),
    tie('filter').map((of) => ({ $not: of })),
  ),
}));
const payloadArbitrary = fc.record(
  {
    a: scalar,
    b: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
    c: fc.oneof(fc.record({ d: scalar }, { requiredKeys: [] }), scalar),
    items: fc.array(fc.record({ sku: scalar }, { requiredKeys: [] }), { maxLength: 3 }),
    tags: fc.array(scalar, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
// The properties are about meaning, not size: wrapping a generated filter in $not or $and may
// nest it past the depth limit, so they parse without the limits (as stored filters are).
const valid = filterArbitrary.filter((filter) => parsePayloadFilter(filter, { limits: false }).ok);
function holds(filter: unknown, payload: unknown): boolean {
  const result = parsePayloadFilter(filter, { limits: false });
  if (!result.ok) throw new Error(`expected a valid filter, got ${JSON.stringify(result.issues)}`);
  return matches(result.filter, payload);
}

describe('properties', () => {
  it('$not f matches exactly when f does not', () => {
    fc.assert(fc.property(valid, payloadArbitrary, (filter, payload) => holds({ $not: filter }, payload) === !holds(filter, payload)), { numRuns: 500 });
  });

  it('$and is && and $or is ||', () => {
    fc.assert(
      fc.property(valid, valid, payloadArbitrary, (f, g, payload) => {
        const [one, two] = [holds(f, payload), holds(g, payload)];
        return holds({ $and: [f, g] }, payload) === (one && two) && holds({ $or: [f, g] }, payload) === (one || two) && holds({ $and: [f] }, payload) === one;
      }),
      { numRuns: 500 },
    );
  });

  it('$neq is not $eq, $nin is not $in, and $exists false is not $exists true', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), scalar, fc.array(scalar, { maxLength: 3 }), payloadArbitrary, (field, value, list, payload) =>
        holds({ [field]: { $neq: value } }, payload) === !holds({ [field]: value }, payload) &&
        holds({ [field]: { $nin: list } }, payload) === !holds({ [field]: { $in: list } }, payload) &&
        holds({ [field]: { $exists: false } }, payload) === !holds({ [field]: { $exists: true } }, payload),
      ),
    );
  });

  it('$gte is $gt or $eq, and $in [v] is v, for scalars', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), comparisonOperand, payloadArbitrary, (field, value, payload) => {
        const gte = holds({ [field]: { $gte: value } }, payload);
        const either = holds({ $or: [{ [field]: { $gt: value } }, { [field]: value }] }, payload);
        const viaIn = holds({ [field]: { $in: [value] } }, payload) === holds({ [field]: value }, payload);
        return gte === either && viaIn;
      }),
    );
  });

  it('a dotted path and nested objects mean the same', () => {
    fc.assert(fc.property(scalar, payloadArbitrary, (value, payload) => holds({ 'c.d': value }, payload) === holds({ c: { d: value } }, payload)));
  });

  it('explainMismatch is null exactly when the payload matches', () => {
    fc.assert(
      fc.property(valid, payloadArbitrary, (filter, payload) => {
        const parsed = (parsePayloadFilter(filter, { limits: false }) as { ok: true; filter: PayloadFilter }).filter;
        const reason = explainMismatch(parsed, payload);
        return matches(parsed, payload) ? reason === null : reason !== null && reason.message.length > 0;
      }),
      { numRuns: 500 },
    );
  });

  it('parsing any JSON value never throws, and every issue has a path of strings', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = parsePayloadFilter(value);
        return result.ok || (result.issues.length > 0 && result.issues.every((issue) => issue.path.every((part) => typeof part === 'string')));
      }),
      { numRuns: 1000 },
    );
  });
});
