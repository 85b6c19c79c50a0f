// De-risks the catalog's sample payloads: an author's example wins, and a generated one satisfies
// the schema it was built from (checked with the same validator publishing uses), for the shapes
// real event schemas have — nested objects, arrays, formats, enums, $refs, unions, bounds.
import { describe, expect, it } from 'vitest';
import { compilePayloadSchema } from '../../src/event-types/payload-schema.ts';
import { MAX_EXAMPLE_NODES, examplePayload } from '../../src/event-types/example-payload.ts';

const ORDER = {
  type: 'object',
  required: ['id', 'total', 'items', 'customer', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    total: { type: 'number', exclusiveMinimum: 0 },
    quantity: { type: 'integer', minimum: 1, maximum: 99 },
    status: { enum: ['paid', 'refunded'] },
    currency: { const: 'EUR' },
    placedAt: { type: 'string', format: 'date-time' },
    items: { type: 'array', minItems: 2, items: { $ref: '#/$defs/item' } },
    customer: { allOf: [{ $ref: '#/$defs/person' }, { type: 'object', properties: { vip: { type: 'boolean' } } }] },
    note: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 12 }] },
    code: { type: 'string', maxLength: 3 },
    tags: { type: ['array', 'null'], items: { type: 'string' } },
  },
  $defs: {
    item: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, price: { type: 'number', multipleOf: 5, minimum: 3 } } },
    person: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
  },
};

describe('examplePayload', () => {
  it("answers the schema's examples[0] when it has one", () => {
    expect(examplePayload({ type: 'object', examples: [{ id: 1 }, { id: 2 }] })).toEqual({ id: 1 });
  });

  it('is null without a schema object', () => {
    expect(examplePayload(null)).toBeNull();
    expect(examplePayload([1])).toBeNull();
  });

  it('builds a sample that validates against the schema', () => {
    const sample = examplePayload(ORDER);
    expect(sample).toEqual({
      id: '00000000-0000-4000-8000-000000000000',
      total: 0.5,
      quantity: 1,
      status: 'paid',
      currency: 'EUR',
      placedAt: '2026-01-01T12:00:00Z',
      items: [{ sku: 'string', price: 5 }, { sku: 'string', price: 5 }],
      customer: { email: 'user@example.com', vip: true },
      note: 'stringxxxxxx',
      code: 'str',
      tags: ['string'],
    });
    const compiled = compilePayloadSchema(ORDER);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.validate(sample)).toEqual({ ok: true });
  });

  it('prefers defaults and nested examples, and ends on recursive schemas', () => {
    expect(examplePayload({ type: 'object', properties: { n: { type: 'integer', default: 7 }, s: { type: 'string', examples: ['hi'] } } })).toEqual({ n: 7, s: 'hi' });
    const tree = { $ref: '#/$defs/node', $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } } };
    const sample = JSON.stringify(examplePayload(tree));
    expect(sample.length).toBeLessThan(1_000);
    expect(examplePayload({ $ref: 'https://example.com/remote.json' })).toBeNull();
  });
});

describe('examplePayload on a branching recursive schema', () => {
  // 176 bytes of schema: each node has four children of its own type, so within the depth limit
  // the sample was 25 MiB before the node budget.
  const RECURSIVE = { $ref: '#/$defs/n', $defs: { n: { type: 'object', properties: { a: { $ref: '#/$defs/n' }, b: { $ref: '#/$defs/n' }, c: { $ref: '#/$defs/n' }, d: { $ref: '#/$defs/n' } } } } };
  const ARRAYS = { $ref: '#/$defs/n', $defs: { n: { type: 'array', minItems: 100, items: { $ref: '#/$defs/n' } } } };

  it('stops at its node budget, small and fast', () => {
    expect(JSON.stringify(RECURSIVE).length).toBeLessThan(200);
    for (const schema of [RECURSIVE, ARRAYS]) {
      const started = performance.now();
      const sample = JSON.stringify(examplePayload(schema));
      expect(sample.length).toBeLessThan(64 * 1024);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  it("charges the schema's own values by their size however often they are reached", () => {
    const big = { blob: 'x'.repeat(100_000) };
    const schema = { type: 'object', properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, { $ref: '#/$defs/big' }])), $defs: { big: { default: big } } };
    expect(JSON.stringify(examplePayload(schema)).length).toBeLessThan(MAX_EXAMPLE_NODES * 64 + 64 * 1024);
  });
});
