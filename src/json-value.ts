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
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return deepest;
}

function walk(value: unknown, options: { maxDepth: number; refuseProtoKey: boolean }): JsonProblem | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return problem;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > options.maxDepth) return 'too-deep';
    for (const [key, inner] of Object.entries(current)) {
      if (options.refuseProtoKey && key === '__proto__') return 'proto-key';
      const problem = textProblem(key);
      if (problem) return problem;
      stack.push([inner, depth + 1]);
    }
  }
  return null;
}
