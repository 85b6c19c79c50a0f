// What every value a request carries must satisfy before anything walks it recursively or stores
// it. Pure checks, no I/O; the walks here use an explicit stack, so no input can overflow them.
//
// - Depth: a JSON value nested thousands of levels deep overflowed the call stack of every
//   recursive walk after it (the NUL check, payload hashing, Prisma's serializer) and surfaced as a
//   masked fault. JSON values may nest at most MAX_JSON_DEPTH levels.
// - NUL (U+0000) and lone UTF-16 surrogates (U+D800–U+DFFF without their pair): PostgreSQL's text
//   and jsonb cannot store them, so a write holding one failed deep inside as a masked fault.
// - "__proto__" keys: Prisma rebuilds JSON objects by assignment before it stores them, so such a
//   key was dropped silently (its value became the copy's prototype) or failed the write.
// All were found by the hostile-input suite (test/faults/hostile-input.test.ts).

/** Levels of objects and arrays a JSON value may nest: `{"a":[1]}` has two, a bare string none. */
export const MAX_JSON_DEPTH = 64;

export type TextProblem = 'nul' | 'lone-surrogate';
export type JsonProblem = TextProblem | 'too-deep' | 'proto-key';

export const JSON_PROBLEM_MESSAGES: Record<JsonProblem, string> = {
  'too-deep': `JSON values may nest at most ${MAX_JSON_DEPTH} levels of objects and arrays.`,
  'proto-key': 'JSON objects must not have a "__proto__" key.',
  nul: 'Text must not contain the NUL character (\\u0000): PostgreSQL cannot store it.',
  'lone-surrogate': 'Text must be well-formed UTF-16: a lone surrogate (\\ud800–\\udfff without its pair) cannot be stored.',
};

export function textProblem(text: string): TextProblem | null {
  if (text.includes('\u0000')) return 'nul';
  if (!text.isWellFormed()) return 'lone-surrogate';
  return null;
}

/** Depth, "__proto__" keys and text of a JSON value (the JSON scalar's input), first problem found. */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  return walk(value, { maxDepth, refuseProtoKey: true });
}

/**
 * NUL and lone surrogates anywhere in a request's variables, keys included, at any depth (the
 * depth limit belongs to JSON values, checked where they are parsed; variables wrap them).
 */
export function variablesProblem(value: unknown): TextProblem | null {
  return walk(value, { maxDepth: Infinity, refuseProtoKey: false }) as TextProblem | null;
}

/** Nesting of objects and arrays, counted without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  visitJson(value, {
    enter(_size, depth) {
      deepest = Math.max(deepest, depth);
      return deepest > limit;
    },
  });
  return deepest;
}

/**
 * Array items plus object members, nested ones included: what parsing, coercing and every walk of
 * a value cost, whatever its bytes. Stops counting once past `limit`, so a refused value costs
 * no more than the limit to count.
 */
export function jsonElementCount(value: unknown, limit = Infinity): number {
  let count = 0;
  visitJson(value, {
    enter(size) {
      count += size;
      return count > limit;
    },
  });
  return count;
}

/**
 * The element budgets that follow from the payload limit. A JSON text of n bytes holds at most n/2
 * elements (`[0,0,…]`, two bytes each), so `perValue` refuses no value the byte limits allow
 * (an event payload at HERALD_MAX_PAYLOAD_BYTES passes) while keeping every JSON value to the size
 * of a payload, not of a whole request (a 27 MB `testFilter` payload held 14 M elements);
 * `perRequest` leaves room for `publishEvents` of 100 such payloads and the rest of the request.
 */
export function jsonElementBudgets(maxPayloadBytes: number): { perValue: number; perRequest: number } {
  const perValue = Math.max(4096, Math.floor(maxPayloadBytes / 2));
  return { perValue, perRequest: 101 * perValue };
}

function walk(value: unknown, options: { maxDepth: number; refuseProtoKey: boolean }): JsonProblem | null {
  let found: JsonProblem | null = null;
  visitJson(value, {
    enter(_size, depth) {
      if (depth > options.maxDepth) found = 'too-deep';
      return found !== null;
    },
    key(key) {
      found = options.refuseProtoKey && key === '__proto__' ? 'proto-key' : textProblem(key);
      return found !== null;
    },
    text(text) {
      found = textProblem(text);
      return found !== null;
    },
  });
  return found;
}

interface JsonVisitor {
  /** An array or object of `size` items or members, `depth` levels deep (1 at the top). */
  enter?(size: number, depth: number): boolean;
  key?(key: string): boolean;
  text?(text: string): boolean;
}

/**
 * Depth-first over a parsed JSON value with an explicit stack of frames, one per open array or
 * object: memory grows with the depth, never with the number of elements, and nothing is copied
 * (a walk that pushed every element, or Object.entries pairs, took gigabytes for a 14 M-element
 * array). A visitor returning true stops the walk.
 */
function visitJson(value: unknown, visitor: JsonVisitor): void {
  const frames: Array<{ node: Record<string, unknown> | unknown[]; keys: string[] | null; next: number }> = [];
  const open = (node: object): boolean => {
    const keys = Array.isArray(node) ? null : Object.keys(node);
    const size = keys ? keys.length : (node as unknown[]).length;
    if (visitor.enter?.(size, frames.length + 1)) return true;
    frames.push({ node: node as Record<string, unknown> | unknown[], keys, next: 0 });
    return false;
  };
  const visitLeaf = (item: unknown): boolean => (typeof item === 'string' ? (visitor.text?.(item) ?? false) : false);
  if (value === null || typeof value !== 'object') return void visitLeaf(value);
  if (open(value)) return;
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    const size = frame.keys ? frame.keys.length : (frame.node as unknown[]).length;
    if (frame.next >= size) {
      frames.pop();
      continue;
    }
    const index = frame.next++;
    let item: unknown;
    if (frame.keys) {
      const key = frame.keys[index]!;
      if (visitor.key?.(key)) return;
      item = (frame.node as Record<string, unknown>)[key];
    } else {
      item = (frame.node as unknown[])[index];
    }
    if (item !== null && typeof item === 'object') {
      if (open(item)) return;
    } else if (visitLeaf(item)) {
      return;
    }
  }
}
