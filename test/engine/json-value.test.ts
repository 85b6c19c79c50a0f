// De-risks the checks every request value passes before anything walks it recursively or stores
// it: depth at and past the limit, values far too deep for any recursive walk, NUL and lone
// surrogates in values and keys, and own "__proto__" keys.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonDepth, jsonValueProblem, textProblem, variablesProblem } from '../../src/json-value.ts';

/** Objects and arrays alternating, `levels` deep, around a string leaf. */
function nested(levels: number, leaf: unknown = 'leaf'): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { nested: value };
  return value;
}

describe('depth', () => {
  it('counts levels of objects and arrays, not scalars', () => {
    expect(jsonDepth('text')).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1] })).toBe(2);
    expect(jsonDepth([{ a: 1 }, [[[]]]])).toBe(4);
    expect(jsonDepth(nested(10))).toBe(10);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(jsonValueProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonValueProblem(nested(MAX_JSON_DEPTH + 1))).toBe('too-deep');
    expect(jsonValueProblem({ wide: nested(MAX_JSON_DEPTH - 1), deep: [nested(MAX_JSON_DEPTH)] })).toBe('too-deep');
  });

  it('walks values far deeper than the call stack allows without overflowing', () => {
    const deep = nested(200_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError); // what a recursive walk does with it
    expect(jsonValueProblem(deep)).toBe('too-deep');
    expect(jsonDepth(deep, MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1); // stops counting at the limit
    expect(jsonDepth(deep)).toBe(200_000);
    expect(variablesProblem({ input: { payload: deep } })).toBeNull();
    expect(variablesProblem({ input: { payload: nested(200_000, 'a\u0000b') } })).toBe('nul');
  });
});

describe('text', () => {
  it.each([
    ['plain', null],
    ['😀 a pair of surrogates', null],
    ['\u202Eright-to-left', null],
    ['a\u0000b', 'nul'],
    ['\ud800', 'lone-surrogate'],
    ['a\udc00b', 'lone-surrogate'],
    ['😀'.slice(0, 1), 'lone-surrogate'],
    ['\udc00\ud800', 'lone-surrogate'],
  ])('%j → %s', (text, problem) => {
    expect(textProblem(text)).toBe(problem);
  });

  it('finds NUL and lone surrogates in values and keys, as JSON.parse makes them', () => {
    expect(jsonValueProblem(JSON.parse('{"s":"\\ud800"}'))).toBe('lone-surrogate');
    expect(jsonValueProblem(JSON.parse('{"\\udfff":1}'))).toBe('lone-surrogate');
    expect(jsonValueProblem(JSON.parse('[1, {"a": ["x\\u0000"]}]'))).toBe('nul');
    expect(jsonValueProblem(JSON.parse('{"a\\u0000":1}'))).toBe('nul');
    expect(variablesProblem({ input: { headers: [{ name: 'X', value: 'v\ud800' }] } })).toBe('lone-surrogate');
    expect(variablesProblem({ input: { name: 'ok', tags: ['😀'] } })).toBeNull();
  });
});

describe('"__proto__" keys', () => {
  it('refuses own "__proto__" keys at any depth in JSON values, not in variables', () => {
    expect(jsonValueProblem(JSON.parse('{"__proto__": null}'))).toBe('proto-key');
    expect(jsonValueProblem(JSON.parse('{"a": [{"__proto__": {"polluted": true}}]}'))).toBe('proto-key');
    expect(jsonValueProblem({ constructor: 1, prototype: 2, proto: 3 })).toBeNull();
    // Variables are coerced by graphql-js, which refuses fields that do not exist.
    expect(variablesProblem(JSON.parse('{"__proto__": "x"}'))).toBeNull();
  });

  it('accepts ordinary JSON', () => {
    for (const value of [null, true, 0, -1.5, '', 'text', [], {}, { a: [1, 'b', null, { c: false }] }]) {
      expect(jsonValueProblem(value), JSON.stringify(value)).toBeNull();
    }
  });
});
