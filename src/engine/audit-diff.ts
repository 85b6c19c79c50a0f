// What an audit entry says changed: the fields whose values differ between two snapshots of a
// thing, each as { before, after }. Pure. Values are compared as they are (so a header value
// changed to another is seen) but written through `redact`, so a secret never reaches the entry.

export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };
export type AuditFields = Record<string, AuditValue>;
export type AuditChanges = Record<string, { before: AuditValue; after: AuditValue }>;

/** What replaces a secret value in an entry. */
export const REDACTED = '[redacted]';

/** How a field's value is written to the entry; the identity for fields that hold no secret. */
export type Redactor = (field: string, value: AuditValue) => AuditValue;

const keepAsIs: Redactor = (_field, value) => value;

/**
 * The fields that differ. A missing snapshot (before a creation, after a deletion) has every field
 * null, so a creation lists what was set and a deletion what was there.
 */
export function diffFields(before: AuditFields | null, after: AuditFields | null, redact: Redactor = keepAsIs): AuditChanges {
  const changes: AuditChanges = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of [...fields].sort()) {
    const was = before?.[field] ?? null;
    const is = after?.[field] ?? null;
    if (sameValue(was, is)) continue;
    changes[field] = { before: was === null ? null : redact(field, was), after: is === null ? null : redact(field, is) };
  }
  return changes;
}

/** Deep equality of JSON values; object keys in any order. */
export function sameValue(a: AuditValue, b: AuditValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameValue(a[key]!, b[key]!));
}
