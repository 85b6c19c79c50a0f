// JSON Schemas that event payloads must satisfy, compiled with ajv (draft 2020-12). One ajv
// instance per compile keeps schemas from different event types from sharing `$id`s.
import { Ajv2020 } from 'ajv/dist/2020.js';

export type PayloadValidator = (payload: unknown) => { ok: true } | { ok: false; issues: string[] };

export function compilePayloadSchema(schema: unknown): { ok: true; validate: PayloadValidator } | { ok: false; message: string } {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { ok: false, message: 'must be a JSON Schema object' };
  }
  // strict: false tolerates unknown keywords (titles, examples, vendor extensions) that real
  // schemas carry; loadSchema is absent, so a remote $ref fails to compile instead of fetching.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  try {
    const check = ajv.compile(schema);
    return {
      ok: true,
      validate: (payload) =>
        check(payload)
          ? { ok: true }
          : { ok: false, issues: (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`) },
    };
  } catch (error) {
    return { ok: false, message: `is not a valid JSON Schema: ${(error as Error).message}` };
  }
}

/**
 * Compiling a schema costs milliseconds; publishing checks every event against its type's schema,
 * so compiled validators are kept, keyed by the schema's text (an edited schema is a new key).
 * Bounded: the oldest entry goes when it is full. Module-wide on purpose: a compiled schema is a
 * pure function of its text.
 */
const compiled = new Map<string, PayloadValidator | null>();
const MAX_COMPILED = 500;

/** The validator of a stored schema (null: none, or one that no longer compiles). */
export function cachedPayloadValidator(schema: unknown): PayloadValidator | null {
  if (schema == null) return null;
  const key = JSON.stringify(schema);
  let validator = compiled.get(key);
  if (validator === undefined) {
    const result = compilePayloadSchema(schema);
    validator = result.ok ? result.validate : null;
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validator);
  }
  return validator;
}
