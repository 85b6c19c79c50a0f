// What a published event must satisfy before anything is stored.
import { createHash } from 'node:crypto';
import { isOperationalEventType } from '../engine/operational-events.ts';
import type { FieldIssue } from '../errors.ts';
import type { PayloadValidator } from '../event-types/payload-schema.ts';
import { MAX_JSON_DEPTH, jsonDepth } from '../json-value.ts';

export interface PublishInput {
  type: string;
  /** Must be a JSON object; optional only in type, so a missing one is reported like a bad one. */
  payload?: unknown;
  project?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
  /** Deliver no earlier than this; see scheduledFor. */
  deliverAt?: Date | null | undefined;
}

export const MAX_BATCH = 100;
/** How far ahead deliverAt may be. */
export const MAX_DELIVER_AHEAD_MS = 30 * 86_400_000;
/** A deliverAt this close (or past) is now: scheduling it would only add a queue round-trip. */
export const DELIVER_NOW_WITHIN_MS = 1_000;
const PROJECT = /^[A-Za-z0-9_.:-]{1,100}$/;

export function publishIssues(
  input: PublishInput,
  path: string[],
  context: {
    catalog: ReadonlySet<string>;
    validatorFor: (type: string) => PayloadValidator | null;
    maxPayloadBytes: number;
    now: Date;
    maxDeliverAheadMs?: number;
    /** The payload's compact JSON; a PayloadTexts shares it with the hash and the insert. */
    textOf?: (payload: object) => string;
  },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (isOperationalEventType(input.type)) {
    issues.push({ path: [...path, 'type'], message: `"${input.type}" is one of Herald's operational events, which only Herald publishes` });
  } else if (!context.catalog.has(input.type)) {
    issues.push({ path: [...path, 'type'], message: `"${input.type}" is not in the event catalog` });
  }
  if (typeof input.payload !== 'object' || input.payload === null || Array.isArray(input.payload)) {
    issues.push({ path: [...path, 'payload'], message: 'must be a JSON object' });
  } else if (jsonDepth(input.payload, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    // The JSON scalar refuses these first; this guards the recursive walks below (stringify, the
    // schema check, requestHash) for any caller that did not come through it.
    issues.push({ path: [...path, 'payload'], message: `nests more than ${MAX_JSON_DEPTH} levels of objects and arrays` });
  } else {
    const bytes = Buffer.byteLength((context.textOf ?? compactJson)(input.payload));
    if (bytes > context.maxPayloadBytes) {
      issues.push({ path: [...path, 'payload'], message: `is ${bytes} bytes; the limit is ${context.maxPayloadBytes} (HERALD_MAX_PAYLOAD_BYTES)` });
    } else if (context.catalog.has(input.type) && !isOperationalEventType(input.type)) {
      const verdict = context.validatorFor(input.type)?.(input.payload);
      if (verdict && !verdict.ok) {
        issues.push({ path: [...path, 'payload'], message: `does not match the schema of ${input.type}: ${verdict.issues.slice(0, 5).join('; ')}` });
      }
    }
  }
  if (input.project != null && !PROJECT.test(input.project)) {
    issues.push({ path: [...path, 'project'], message: 'must be 1–100 characters of letters, digits, _ . : -' });
  }
  if (input.idempotencyKey != null && (input.idempotencyKey.length < 1 || input.idempotencyKey.length > 255)) {
    issues.push({ path: [...path, 'idempotencyKey'], message: 'must be 1–255 characters' });
  }
  const maxAhead = context.maxDeliverAheadMs ?? MAX_DELIVER_AHEAD_MS;
  if (input.deliverAt != null && input.deliverAt.getTime() > context.now.getTime() + maxAhead) {
    const limit = maxAhead < MAX_DELIVER_AHEAD_MS ? ' (HERALD_RETENTION_DAYS)' : '';
    issues.push({ path: [...path, 'deliverAt'], message: `must be at most ${Math.round(maxAhead / 86_400_000)} days ahead${limit}` });
  }
  return issues;
}

/**
 * When the event's deliveries are due: null for at once (no deliverAt, or one in the past or
 * within DELIVER_NOW_WITHIN_MS of now, so a clock a little off or a retried request never fails),
 * else deliverAt. Svix refuses a deliverAt under a minute ahead; Herald sends it now instead.
 */
export function scheduledFor(input: Pick<PublishInput, 'deliverAt'>, now: Date): Date | null {
  if (input.deliverAt == null || input.deliverAt.getTime() <= now.getTime() + DELIVER_NOW_WITHIN_MS) return null;
  return input.deliverAt;
}

/**
 * Each payload's compact JSON, written once per publish call: the size check, the request hash and
 * the insert each needed it, and a 256 KiB payload costs milliseconds and a megabyte of garbage
 * per JSON.stringify on the event loop every tenant shares. Keyed by the payload object itself.
 */
export class PayloadTexts {
  private readonly texts = new WeakMap<object, string>();

  readonly of = (payload: object): string => {
    let text = this.texts.get(payload);
    if (text === undefined) this.texts.set(payload, (text = compactJson(payload)));
    return text;
  };
}

function compactJson(payload: object): string {
  return JSON.stringify(payload);
}

/**
 * What "the same request" means for an idempotency key: type, payload and project. Not deliverAt:
 * a retry that recomputes "in one hour" is still the same request, and answers the first event.
 * Stored with the event, so its text must never change: SHA-256 of
 * JSON.stringify([type, canonical(payload), project]). A payload whose keys are already in
 * canonical order writes that same text without copying it (the usual case, and a large array's).
 */
export function requestHash(input: PublishInput, textOf: (payload: object) => string = compactJson): Buffer {
  const { payload } = input;
  const payloadText = typeof payload === 'object' && payload !== null && keysInOrder(payload) ? textOf(payload) : (JSON.stringify(canonical(payload)) ?? 'null');
  return createHash('sha256')
    .update(`[${JSON.stringify(input.type)},${payloadText},${JSON.stringify(input.project ?? null)}]`)
    .digest();
}

/** Key order does not make two payloads different. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/**
 * Whether canonical(value) would write the same JSON as value: every object's keys already in
 * sorted order. (Integer-like keys come first in both, in the same order, so the test holds for
 * them too.) Recursive like canonical: the payload's depth is checked before either runs.
 */
function keysInOrder(value: object): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && !keysInOrder(item)) return false;
    return true;
  }
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index++) {
    if (index > 0 && !(keys[index - 1]! < keys[index]!)) return false;
    const item = (value as Record<string, unknown>)[keys[index]!];
    if (typeof item === 'object' && item !== null && !keysInOrder(item)) return false;
  }
  return true;
}
