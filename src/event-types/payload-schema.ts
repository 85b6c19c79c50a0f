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
