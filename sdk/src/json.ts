// JSON as the types see it. Herald stores an event's payload as JSON and refuses anything that is
// not a JSON object (src/events/publish-rules.ts), so `publishEvent` takes a payload type checked
// here at compile time: an interface of strings and numbers passes, `42`, an array, a Date, a
// function or `undefined` inside do not.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * `T` with every part JSON cannot carry turned into `never`, so a value of `T` is assignable to
 * `AsJson<T>` only when it is plain JSON. Unlike `JsonValue`, this accepts interfaces (which have
 * no index signature) and keeps the caller's precise type.
 */
export type AsJson<T> = T extends JsonPrimitive
  ? T
  : T extends bigint | symbol | undefined | Date | ((...args: never[]) => unknown)
    ? never
    : T extends object
      ? { [K in keyof T]: AsJson<T[K]> }
      : never;

/** A payload Herald accepts: a JSON object (not an array, not a primitive). */
export type JsonObjectPayload<T> = T extends readonly unknown[] ? never : AsJson<T>;
