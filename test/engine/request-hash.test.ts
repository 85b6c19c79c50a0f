// De-risks the request hash that idempotency keys compare (src/events/publish-rules.ts): it is
// stored with every keyed event, so its text must stay SHA-256 of
// JSON.stringify([type, canonical(payload), project]) whichever way it is computed, and key order
// must never make two payloads different. Written here a second time, as the reference.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PayloadTexts, publishIssues, requestHash } from '../../src/events/publish-rules.ts';

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, sorted(record[key])]));
  }
  return value;
}

const reference = (type: string, payload: object, project: string | null) =>
  createHash('sha256').update(JSON.stringify([type, sorted(payload), project])).digest();

// Keys that JavaScript orders apart from their insertion (integer-like ones first) and unsorted ones.
const key = fc.oneof(fc.constantFrom('a', 'b', 'B', '_', '0', '1', '2', '10', '9', '01', '-1', 'é', '\u{1F600}', ''), fc.string({ maxLength: 4 }));
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 5 })),
}));
const payload = fc.dictionary(key, value, { maxKeys: 6 });

describe('requestHash', () => {
  it('is the reference hash, for payloads with keys in any order', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), payload, fc.option(fc.string({ maxLength: 10 })), (type, body, project) => {
        const texts = new PayloadTexts();
        expect(requestHash({ type, payload: body, project }, texts.of)).toEqual(reference(type, body, project));
        expect(requestHash({ type, payload: body, project })).toEqual(reference(type, body, project));
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on key order', () => {
    const one = requestHash({ type: 't', payload: { b: 1, a: { d: [1, { f: 1, e: 2 }], c: 2 }, 10: 'x', 9: 'y' } });
    const other = requestHash({ type: 't', payload: { 9: 'y', a: { c: 2, d: [1, { e: 2, f: 1 }] }, 10: 'x', b: 1 } });
    expect(one).toEqual(other);
    expect(requestHash({ type: 't', payload: { a: 1 } })).not.toEqual(requestHash({ type: 't', payload: { a: 1 }, project: 'p' }));
  });

  it('shares one text of the payload between the size check and the hash', () => {
    const texts = new PayloadTexts();
    const body = { x: new Array(131_055).fill(0) };
    let written = 0;
    const counting = (payload: object) => (written++, texts.of(payload));
    const context = { catalog: new Set(['t']), validatorFor: () => null, maxPayloadBytes: 262_144, now: new Date(), textOf: counting };
    expect(publishIssues({ type: 't', payload: body }, [], context)).toEqual([]);
    expect(requestHash({ type: 't', payload: body }, counting)).toEqual(reference('t', body, null));
    expect(written).toBe(2);
    expect(texts.of(body)).toBe(texts.of(body));
  });
});
