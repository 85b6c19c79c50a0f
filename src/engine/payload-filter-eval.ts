// Evaluating a parsed payload filter (./payload-filter.ts) over a payload. The semantics, written
// out for users in docs/payload-filters.md:
// - A field path resolves to every value it reaches. A numeric segment indexes an array
//   (items.0.sku); any other segment applied to an array reaches into each of its elements
//   (items.sku reaches every item's sku). A path that reaches nothing is missing.
// - $eq, $gt, $gte, $lt, $lte and $in hold when some reached value satisfies them, or, when that
//   value is an array, some element of it does ({"tags": "urgent"} matches {"tags": ["urgent"]}).
//   On a missing field they are false.
// - $neq is exactly "not $eq" and $nin exactly "not $in": both hold on a missing field.
// - $exists: true holds when the path reaches any value, null included.
// - Equality is JSON equality: same type and value, objects regardless of key order. 1 and 1.0 are
//   equal, 1 and "1" are not; null equals only null.
// - $gt/$gte/$lt/$lte compare numbers with numbers and strings with strings (by Unicode code point);
//   a comparison across types (a string with a number, anything with null, a boolean) is false.
// Every comparison and every array element walked is charged to a meter (./filter-cost.ts), which
// unwinds the walk once the publish call's budget is spent.
import { charge, type FilterMeter } from './filter-cost.ts';
import { setHas, type ValueSet } from './filter-value-set.ts';

export type Comparison = '$eq' | '$neq' | '$gt' | '$gte' | '$lt' | '$lte' | '$in' | '$nin' | '$exists';

export type FilterNode =
  | { kind: 'all'; of: FilterNode[]; at: string[] }
  | { kind: 'any'; of: FilterNode[]; at: string[] }
  | { kind: 'not'; of: FilterNode; at: string[] }
  | {
      kind: 'test';
      field: string[];
      op: Comparison;
      operand: unknown;
      at: string[];
      /** Comparisons one payload value costs this test (./filter-cost.ts). */
      unit: number;
      /** $in and $nin: the operand as a set. */
      set: ValueSet | null;
    };

/** Why a payload failed a filter: where in the filter, and what the payload held there. */
export interface Mismatch {
  path: string[];
  message: string;
}

type Test = Extract<FilterNode, { kind: 'test' }>;

export function evaluate(node: FilterNode, payload: unknown, meter: FilterMeter): boolean {
  switch (node.kind) {
    case 'all':
      return node.of.every((child) => evaluate(child, payload, meter));
    case 'any':
      return node.of.some((child) => evaluate(child, payload, meter));
    case 'not':
      return !evaluate(node.of, payload, meter);
    case 'test':
      return test(node, resolve(payload, node.field, meter), meter);
  }
}

export function explain(node: FilterNode, payload: unknown, meter: FilterMeter): Mismatch | null {
  switch (node.kind) {
    case 'all': {
      for (const child of node.of) {
        const found = explain(child, payload, meter);
        if (found) return found;
      }
      return null;
    }
    case 'any': {
      if (node.of.some((child) => evaluate(child, payload, meter))) return null;
      const first = node.of[0] ? explain(node.of[0], payload, meter) : null;
      const more = node.of.length > 1 ? ` None of its ${node.of.length} alternatives matched; the first failed because: ` : ' ';
      return { path: node.at, message: `${more}${first?.message ?? 'nothing to match'}`.trim() };
    }
    case 'not':
      return evaluate(node.of, payload, meter) ? { path: node.at, message: 'the filter under $not matched' } : null;
    case 'test': {
      const values = resolve(payload, node.field, meter);
      if (test(node, values, meter)) return null;
      return { path: node.at, message: describeFailure(node.field.join('.'), node.op, node.operand, values) };
    }
  }
}

function test(node: Test, values: unknown[], meter: FilterMeter): boolean {
  const { op, operand, set } = node;
  // Charged before the walk, element by element as if none matched: a verdict's cost does not
  // depend on where in an array the match is.
  if (op !== '$exists') charge(meter, node.unit * values.reduce((sum: number, value) => sum + 1 + (Array.isArray(value) ? value.length : 0), 0));
  else charge(meter, 1);
  switch (op) {
    case '$exists':
      return (values.length > 0) === operand;
    case '$neq':
      return !someValue(values, (value) => jsonEqual(value, operand));
    case '$nin':
      return !someValue(values, (value) => setHas(set!, value));
    case '$eq':
      return someValue(values, (value) => jsonEqual(value, operand));
    case '$in':
      return someValue(values, (value) => setHas(set!, value));
    case '$gt':
      return someValue(values, (value) => (compare(value, operand) ?? 0) > 0);
    case '$gte':
      return someValue(values, (value) => { const order = compare(value, operand); return order !== null && order >= 0; });
    case '$lt':
      return someValue(values, (value) => (compare(value, operand) ?? 0) < 0);
    case '$lte':
      return someValue(values, (value) => { const order = compare(value, operand); return order !== null && order <= 0; });
  }
}

/** A reached value satisfies `holds`, itself or (for an array) through one of its elements. */
function someValue(values: unknown[], holds: (value: unknown) => boolean): boolean {
  return values.some((value) => holds(value) || (Array.isArray(value) && value.some(holds)));
}

/** Every value the path reaches; empty when it reaches none. */
export function resolve(payload: unknown, field: readonly string[], meter: FilterMeter): unknown[] {
  // The common case, objects all the way down, without the lists of the general walk below.
  let value = payload;
  for (let index = 0; index < field.length; index++) {
    if (Array.isArray(value)) return resolveThroughArrays([value], field.slice(index), meter);
    const segment = field[index]!;
    if (!isRecord(value) || !Object.hasOwn(value, segment)) return [];
    value = value[segment];
  }
  return [value];
}

function resolveThroughArrays(start: unknown[], field: readonly string[], meter: FilterMeter): unknown[] {
  let current = start;
  for (const segment of field) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        if (/^(0|[1-9]\d*)$/.test(segment)) {
          const index = Number(segment);
          if (index < value.length) next.push(value[index]);
        } else {
          charge(meter, value.length);
          for (const element of value) {
            if (isRecord(element) && Object.hasOwn(element, segment)) next.push(element[segment]);
          }
        }
      } else if (isRecord(value) && Object.hasOwn(value, segment)) {
        next.push(value[segment]);
      }
    }
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

/** The order of two numbers or two strings; null across types, where every comparison is false. */
export function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  return null;
}

// JavaScript's < orders UTF-16 code units, which puts U+10000 and above before U+E000–U+FFFF.
// Code-point order is what Go (Convoy, Outpost) and PostgreSQL's C collation use.
function compareCodePoints(a: string, b: string): number {
  let index = 0;
  while (index < a.length && index < b.length) {
    const left = a.codePointAt(index)!;
    const right = b.codePointAt(index)!;
    if (left !== right) return left < right ? -1 : 1;
    index += left > 0xffff ? 2 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const WORDS: Record<Comparison, string> = {
  $eq: 'equal to',
  $neq: 'different from',
  $gt: 'greater than',
  $gte: 'at least',
  $lt: 'less than',
  $lte: 'at most',
  $in: 'one of',
  $nin: 'none of',
  $exists: '',
};

function describeFailure(field: string, op: Comparison, operand: unknown, values: unknown[]): string {
  if (op === '$exists') return operand ? `${field} is missing` : `${field} exists (${show(values)})`;
  if (values.length === 0) return `${field} is missing, so it is not ${WORDS[op]} ${show([operand])}`;
  const crossType = ['$gt', '$gte', '$lt', '$lte'].includes(op) && values.every((value) => compare(value, operand) === null && !Array.isArray(value));
  const why = crossType ? ` (${typeName(operand)}s compare only with ${typeName(operand)}s)` : '';
  return `${field} is ${show(values)}, not ${WORDS[op]} ${show([operand])}${why}`;
}

function show(values: unknown[]): string {
  const text = values.map((value) => JSON.stringify(value)).join(' or ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
