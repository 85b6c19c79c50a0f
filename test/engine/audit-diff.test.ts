// De-risks what an audit entry says changed: only differing fields, creations and deletions against
// nothing, and secret values compared but never written.
import { describe, expect, it } from 'vitest';
import { diffFields, REDACTED, sameValue } from '../../src/engine/audit-diff.ts';

describe('diffFields', () => {
  it('lists only the fields whose values differ, deeply and whatever the key order', () => {
    const before = { url: 'https://a.example', rateLimit: { perSecond: 5, burst: 10 }, eventTypes: ['a', 'b'] };
    const after = { url: 'https://b.example', rateLimit: { burst: 10, perSecond: 5 }, eventTypes: ['a', 'b'] };
    expect(diffFields(before, after)).toEqual({ url: { before: 'https://a.example', after: 'https://b.example' } });
    expect(diffFields(before, { ...before, eventTypes: ['b', 'a'] })).toEqual({ eventTypes: { before: ['a', 'b'], after: ['b', 'a'] } });
  });

  it('compares a creation and a deletion with nothing, leaving out what is unset', () => {
    expect(diffFields(null, { name: 'x', filter: null })).toEqual({ name: { before: null, after: 'x' } });
    expect(diffFields({ name: 'x' }, null)).toEqual({ name: { before: 'x', after: null } });
  });

  it('sees a changed secret value but writes what the redactor gives', () => {
    const redact = (field: string, value: unknown) => (field === 'token' ? REDACTED : (value as string));
    expect(diffFields({ token: 'old-secret' }, { token: 'new-secret' }, redact)).toEqual({ token: { before: REDACTED, after: REDACTED } });
    expect(diffFields({ token: 'same' }, { token: 'same' }, redact)).toEqual({});
  });

  it('tells arrays from objects and null from values', () => {
    expect(sameValue([], {})).toBe(false);
    expect(sameValue({ a: null }, { b: null })).toBe(false);
    expect(sameValue(null, 0)).toBe(false);
  });
});
