// Payload filters: an endpoint narrows what it receives with a small JSON language over the event
// payload, in the style of Convoy's and Hookdeck Outpost's filters (docs/payload-filters.md):
//
//   { "data.amount": { "$gte": 100 }, "$or": [{ "currency": "EUR" }, { "currency": { "$in": ["USD", "GBP"] } }] }
//
// parsePayloadFilter checks a filter once and compiles it to a tree; matches() and explainMismatch()
// walk that tree over a payload. Pure: no I/O, nothing thrown for a bad filter (typed issues instead).
import { FILTER_COST_BUDGET, OverBudget, unmeteredFilter, type FilterMeter } from './filter-cost.ts';
import { jsonSize, lookupCost, valueSet } from './filter-value-set.ts';
import { evaluate, explain, type Comparison, type FilterNode, type Mismatch } from './payload-filter-eval.ts';

export type { Comparison, FilterNode, Mismatch } from './payload-filter-eval.ts';

/** One problem with a filter; `path` walks the filter's JSON from its root (keys as written, indexes as text). */
export interface FilterIssue {
  path: string[];
  message: string;
}

/** A checked filter. Build one with parsePayloadFilter, never by hand. */
export interface PayloadFilter {
  readonly root: FilterNode;
  /** Comparisons one payload value costs it at most (./filter-cost.ts). */
  readonly cost: number;
}

export type ParseResult = { ok: true; filter: PayloadFilter } | { ok: false; issues: FilterIssue[] };

export const FILTER_LIMITS = {
  /** Filter objects nested in one another: the root, each $and/$or/$not member, each field's object. */
  depth: 8,
  /** Comparisons in the whole filter (each operator, and each bare value, counts one). */
  conditions: 64,
  /** The filter as compact JSON, in UTF-8 bytes. */
  bytes: 4096,
  /** Comparisons per payload value (./filter-cost.ts). */
  cost: FILTER_COST_BUDGET,
} as const;

/** How deep even a filter parsed without the limits may nest (the JSON scalar allows 64 levels). */
const UNCHECKED_DEPTH = 64;

const COMPARISONS: readonly Comparison[] = ['$eq', '$neq', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'];
const LOGICAL = ['$and', '$or', '$not'] as const;
const isComparison = (key: string): key is Comparison => (COMPARISONS as readonly string[]).includes(key);
const isLogical = (key: string) => (LOGICAL as readonly string[]).includes(key);
const KNOWN = [...COMPARISONS, ...LOGICAL].join(' ');

export function parsePayloadFilter(value: unknown, options: { limits?: boolean } = {}): ParseResult {
  const limits = options.limits ?? true;
  if (!isPlainObject(value)) {
    return fail([{ path: [], message: 'must be a JSON object such as {"data.amount": {"$gte": 100}}' }]);
  }
  if (limits) {
    const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
    if (bytes > FILTER_LIMITS.bytes) {
      return fail([{ path: [], message: `is ${bytes} bytes as JSON; a filter may be at most ${FILTER_LIMITS.bytes}` }]);
    }
  }
  const parser = new Parser(limits);
  const root = parser.filterObject([], value, [], 1);
  if (limits && parser.conditions > FILTER_LIMITS.conditions) {
    parser.issues.push({ path: [], message: `has ${parser.conditions} conditions; a filter may have at most ${FILTER_LIMITS.conditions}` });
  }
  if (limits && parser.issues.length === 0 && parser.cost > FILTER_LIMITS.cost) {
    parser.issues.push({ path: [], message: costMessage(parser.cost) });
  }
  return parser.issues.length > 0 ? fail(parser.issues) : { ok: true, filter: { root, cost: parser.cost } };
}

function costMessage(cost: number): string {
  return `costs ${cost} comparisons per payload value; a filter may cost at most ${FILTER_LIMITS.cost} (docs/payload-filters.md, "Cost": an $eq of an object or array costs its size, an $in of objects or arrays the largest one's)`;
}

/** Whether the payload passes the filter, with no budget. */
export function matches(filter: PayloadFilter, payload: unknown): boolean {
  return evaluate(filter.root, payload, unmeteredFilter());
}

/** Whether the payload passes the filter, or 'over-budget' once the meter's budget is spent. */
export function matchesWithin(filter: PayloadFilter, payload: unknown, meter: FilterMeter): boolean | 'over-budget' {
  try {
    return evaluate(filter.root, payload, meter);
  } catch (error) {
    if (error instanceof OverBudget) return 'over-budget';
    throw error;
  }
}

/** Null when the payload passes; otherwise the first condition that failed, and why. */
export function explainMismatch(filter: PayloadFilter, payload: unknown): Mismatch | null {
  return explain(filter.root, payload, unmeteredFilter());
}

/** explainMismatch, or 'over-budget' once the meter's budget is spent. */
export function explainMismatchWithin(filter: PayloadFilter, payload: unknown, meter: FilterMeter): Mismatch | null | 'over-budget' {
  try {
    return explain(filter.root, payload, meter);
  } catch (error) {
    if (error instanceof OverBudget) return 'over-budget';
    throw error;
  }
}

function fail(issues: FilterIssue[]): ParseResult {
  return { ok: false, issues };
}

class Parser {
  readonly issues: FilterIssue[] = [];
  conditions = 0;
  cost = 0;
  private readonly limits: boolean;

  constructor(limits: boolean) {
    this.limits = limits;
  }

  /** An object whose keys are field paths (under `prefix`) and $and/$or/$not; its members all hold. */
  filterObject(prefix: string[], value: Record<string, unknown>, at: string[], depth: number): FilterNode {
    if (!this.withinDepth(at, depth)) return never(at);
    const children: FilterNode[] = [];
    for (const [key, inner] of Object.entries(value)) {
      const here = [...at, key];
      if (key === '$and' || key === '$or') children.push(this.group(key, prefix, inner, here, depth));
      else if (key === '$not') children.push({ kind: 'not', of: this.member(prefix, inner, here, depth), at: here });
      else if (key.startsWith('$')) this.issue(here, operatorOutOfPlace(key));
      else {
        const segments = this.fieldPath(key, here);
        if (segments) children.push(this.fieldValue([...prefix, ...segments], inner, here, depth));
      }
    }
    return children.length === 1 ? children[0]! : { kind: 'all', of: children, at };
  }

  private group(key: '$and' | '$or', prefix: string[], value: unknown, at: string[], depth: number): FilterNode {
    if (!Array.isArray(value)) {
      this.issue(at, `must be an array of filters, such as [{"currency": "EUR"}, {"currency": "USD"}]`);
      return never(at);
    }
    if (value.length === 0) {
      this.issue(at, 'must list at least one filter');
      return never(at);
    }
    const of = value.map((member, index) => this.member(prefix, member, [...at, String(index)], depth));
    return { kind: key === '$and' ? 'all' : 'any', of, at };
  }

  /**
   * A member of $and/$or or the operand of $not: a filter object at the root, a field's value below
   * a field. `depth` is the level of the object holding the operator; an object member is one deeper.
   */
  private member(prefix: string[], value: unknown, at: string[], depth: number): FilterNode {
    if (prefix.length > 0) return this.fieldValue(prefix, value, at, depth);
    if (isPlainObject(value)) return this.filterObject(prefix, value, at, depth + 1);
    this.issue(at, 'must be a filter object such as {"currency": "EUR"}');
    return never(at);
  }

  /**
   * What one field must satisfy: an object of operators ({"$gte": 100}), an object of nested fields
   * ({"customer": {"tier": "gold"}} is {"customer.tier": "gold"}), or a bare value, which means $eq.
   * `depth` is the level of the object that names the field; an object value is one deeper.
   */
  private fieldValue(field: string[], value: unknown, at: string[], depth: number): FilterNode {
    if (!isPlainObject(value)) return this.comparison(field, '$eq', value, at);
    const keys = Object.keys(value);
    if (keys.length === 0) {
      this.issue(at, 'is an empty object: name fields or operators in it, or write {"$eq": {}} to match an empty object');
      return never(at);
    }
    if (!keys.some(isComparison)) return this.filterObject(field, value, at, depth + 1);
    if (!this.withinDepth(at, depth + 1)) return never(at);
    const children: FilterNode[] = [];
    for (const [key, operand] of Object.entries(value)) {
      const here = [...at, key];
      if (isComparison(key)) children.push(this.comparison(field, key, operand, here));
      else if (key === '$not') children.push({ kind: 'not', of: this.fieldValue(field, operand, here, depth + 1), at: here });
      else if (key.startsWith('$')) this.issue(here, isLogical(key) ? `${key} cannot be mixed with comparison operators; put it beside them: {"${key}": […], "${field.join('.')}": …}` : unknownOperator(key));
      else this.issue(here, `"${key}" is a field name beside operators; write it as its own field ("${[...field, key].join('.')}")`);
    }
    return children.length === 1 ? children[0]! : { kind: 'all', of: children, at };
  }

  private comparison(field: string[], op: Comparison, operand: unknown, at: string[]): FilterNode {
    this.conditions += 1;
    const problem = operandProblem(op, operand);
    if (problem) {
      this.issue(at, problem);
      return never(at);
    }
    const set = op === '$in' || op === '$nin' ? valueSet(operand as unknown[]) : null;
    const unit = set ? lookupCost(set) : (op === '$eq' || op === '$neq') && typeof operand === 'object' && operand !== null ? jsonSize(operand) : 1;
    this.cost += unit;
    return { kind: 'test', field, op, operand, at, unit, set };
  }

  private fieldPath(key: string, at: string[]): string[] | null {
    const segments = key.split('.');
    if (segments.some((segment) => segment.length === 0)) {
      this.issue(at, 'is not a field path: write names joined by single dots, such as data.amount');
      return null;
    }
    return segments;
  }

  private withinDepth(at: string[], depth: number): boolean {
    // Without the limits (a stored filter) the parse still stops where recursion could overflow.
    const limit = this.limits ? FILTER_LIMITS.depth : UNCHECKED_DEPTH;
    if (depth <= limit) return true;
    this.issue(at, `nests too deep: a filter may nest at most ${limit} levels of objects`);
    return false;
  }

  private issue(path: string[], message: string): void {
    // One message per place: a deep filter must not answer with thousands of copies.
    if (this.issues.length < 100) this.issues.push({ path, message });
  }
}

function operandProblem(op: Comparison, operand: unknown): string | null {
  switch (op) {
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return typeof operand === 'number' || typeof operand === 'string' ? null : 'must be a number or a string';
    case '$in':
    case '$nin':
      return Array.isArray(operand) ? null : 'must be an array of values, such as ["USD", "GBP"]';
    case '$exists':
      return typeof operand === 'boolean' ? null : 'must be true or false';
    case '$eq':
    case '$neq':
      return operand === undefined ? 'must be a JSON value' : null;
  }
}

function operatorOutOfPlace(key: string): string {
  if (isComparison(key)) return `${key} compares a field: write {"some.field": {"${key}": …}}`;
  return unknownOperator(key);
}

function unknownOperator(key: string): string {
  return `${key} is not an operator; known: ${KNOWN}`;
}

/** A part of a filter that failed to parse: never evaluated (the parse fails), but keeps the tree whole. */
function never(at: string[]): FilterNode {
  return { kind: 'any', of: [], at };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
