import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/uuid7.ts';

describe('uuidv7', () => {
  it('makes valid version-7 UUIDs whose first 48 bits are the time in milliseconds', () => {
    const now = Date.UTC(2026, 11, 2, 12, 0, 0, 123);
    const id = uuidv7(now + 10_000_000); // ahead of any id made so far in this process
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(now + 10_000_000);
    expect(id[19]).toMatch(/[89ab]/); // the RFC 9562 variant
  });

  it('is strictly increasing within one millisecond, past the counter, and when the clock goes back', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(i < 9_000 ? 4_000_000_000_000 : 3_000_000_000_000));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('differs in its random bits between ids', () => {
    const tails = new Set(Array.from({ length: 1_000 }, () => uuidv7().slice(19)));
    expect(tails.size).toBe(1_000);
  });
});
