// The operand of $in/$nin compiled to a set, so testing a payload value costs one lookup instead of
// one comparison per listed value (a 1,900-value $in against a 131,055-element payload array was
// 249 million comparisons). Membership must be exactly "jsonEqual to some listed value":
// - scalars are kept as themselves in a Set, whose SameValueZero equality is jsonEqual's on JSON
//   scalars: 1 and 1.0 are one number, 0 and -0 are equal, 1 and "1" and true stay apart;
// - objects and arrays are kept as a canonical text (keys sorted, strings quoted), injective on
//   JSON values, so two composites share a text exactly when they are jsonEqual.
// A composite payload value is written out only as far as the largest listed composite: anything
// with more values in it cannot equal one of them, so a lookup costs at most that many steps.

export interface ValueSet {
  readonly scalars: ReadonlySet<unknown>;
  readonly composites: ReadonlySet<string>;
  /** Values (scalars, arrays and objects, each counting one) in the largest listed composite; 0 for none. */
  readonly largestComposite: number;
}

export function valueSet(members: readonly unknown[]): ValueSet {
  const scalars = new Set<unknown>();
  const composites = new Set<string>();
  let largestComposite = 0;
  for (const member of members) {
    if (typeof member !== 'object' || member === null) {
      scalars.add(member);
      continue;
    }
    const size = jsonSize(member);
    largestComposite = Math.max(largestComposite, size);
    composites.add(canonicalText(member, size)!);
  }
  return { scalars, composites, largestComposite };
}

export function setHas(set: ValueSet, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return set.scalars.has(value);
  if (set.composites.size === 0) return false;
  const text = canonicalText(value, set.largestComposite);
  return text !== null && set.composites.has(text);
}

/** Steps one lookup takes at most: the Set's, plus writing out a composite payload value. */
export function lookupCost(set: ValueSet): number {
  return 1 + set.largestComposite;
}

/** How many JSON values (itself included) a value holds. */
export function jsonSize(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + jsonSize(item), 1);
  if (typeof value === 'object' && value !== null) return Object.values(value).reduce((sum: number, item) => sum + jsonSize(item), 1);
  return 1;
}

/** The canonical text of a JSON value, or null once it holds more than `maxValues` values. */
export function canonicalText(value: unknown, maxValues: number): string | null {
  const budget = { left: maxValues };
  return write(value, budget);
}

function write(value: unknown, budget: { left: number }): string | null {
  budget.left -= 1;
  if (budget.left < 0) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = write(item, budget);
      if (text === null) return null;
      parts.push(text);
    }
    return `[${parts.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const text = write(record[key], budget);
    if (text === null) return null;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
