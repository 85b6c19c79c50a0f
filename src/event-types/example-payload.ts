// A sample payload for an event type, so the portal can show what a webhook of that type looks
// like: the schema's own `examples[0]` when it has one (the author's words beat a guess), else a
// value built from the JSON Schema. Pure and bounded: local `$ref`s only, a depth limit so a
// recursive schema ends, and a budget of values built so a branching one ends small (a 176-byte
// schema of a node with several `$ref` children once built a 25 MiB sample within the depth limit).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;
/** Values a sample may hold (a string costs one per 64 characters); past it, what is left is null. */
export const MAX_EXAMPLE_NODES = 2_000;

interface Walk {
  root: Schema;
  /** Nodes left to build. */
  left: number;
  /** Sizes of the schema's own values, measured once each however often they are reached. */
  sizes: WeakMap<object, number>;
}

const STRING_FORMATS: Record<string, string> = {
  'date-time': '2026-01-01T12:00:00Z',
  date: '2026-01-01',
  time: '12:00:00Z',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '00000000-0000-4000-8000-000000000000',
  duration: 'PT1H',
};

/** The example of a payload schema; null when there is no schema object. */
export function examplePayload(schema: unknown): unknown {
  if (!isSchema(schema)) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  return sample(schema, { root: schema, left: MAX_EXAMPLE_NODES, sizes: new WeakMap() }, 0);
}

function sample(node: unknown, walk: Walk, depth: number): Json {
  if (walk.left <= 0) return null;
  walk.left -= 1;
  if (node === true) return {};
  if (!isSchema(node) || depth > MAX_DEPTH) return null;
  // The schema's own values are as large as the schema, but one may be reached many times.
  if ('const' in node) return charged(node.const as Json, walk);
  if ('default' in node) return charged(node.default as Json, walk);
  if (Array.isArray(node.examples) && node.examples.length > 0) return charged(node.examples[0] as Json, walk);
  if (Array.isArray(node.enum) && node.enum.length > 0) return charged(node.enum[0] as Json, walk);
  if (typeof node.$ref === 'string') return sample(resolveRef(walk.root, node.$ref), walk, depth + 1);
  if (Array.isArray(node.allOf) && node.allOf.length > 0) {
    const parts = node.allOf.map((part) => sample(part, walk, depth + 1));
    const own = typeOf(node) ? sample({ ...node, allOf: undefined }, walk, depth + 1) : undefined;
    return merge([...parts, ...(own === undefined ? [] : [own])]);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = node[keyword];
    if (Array.isArray(options) && options.length > 0) {
      // The first option that is not `null`: `anyOf: [{ type: 'null' }, {...}]` means "optional".
      const chosen = options.find((option) => !(isSchema(option) && option.type === 'null')) ?? options[0];
      return sample(chosen, walk, depth + 1);
    }
  }
  switch (typeOf(node)) {
    case 'object':
      return sampleObject(node, walk, depth);
    case 'array':
      return sampleArray(node, walk, depth);
    case 'string':
      return charged(sampleString(node), walk);
    case 'integer':
      return sampleNumber(node, true);
    case 'number':
      return sampleNumber(node, false);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function typeOf(node: Schema): string | undefined {
  const type = Array.isArray(node.type) ? (node.type.find((t) => t !== 'null') ?? node.type[0]) : node.type;
  if (typeof type === 'string') return type;
  if (isSchema(node.properties) || 'additionalProperties' in node || Array.isArray(node.required)) return 'object';
  if ('items' in node || Array.isArray(node.prefixItems)) return 'array';
  return undefined;
}

function sampleObject(node: Schema, walk: Walk, depth: number): Json {
  const value: Record<string, Json> = {};
  const properties = isSchema(node.properties) ? node.properties : {};
  for (const [name, property] of Object.entries(properties)) value[name] = sample(property, walk, depth + 1);
  // Required names without a property schema still appear, so the sample validates.
  for (const name of Array.isArray(node.required) ? node.required : []) {
    if (typeof name === 'string' && !(name in value)) value[name] = null;
  }
  return value;
}

function sampleArray(node: Schema, walk: Walk, depth: number): Json {
  const prefix = Array.isArray(node.prefixItems) ? node.prefixItems.map((item) => sample(item, walk, depth + 1)) : [];
  const before = walk.left;
  const items = 'items' in node && node.items !== false ? [sample(node.items, walk, depth + 1)] : [];
  const value = [...prefix, ...(prefix.length === 0 ? items : [])];
  const minItems = typeof node.minItems === 'number' ? node.minItems : 0;
  // Each copy is charged as if built again: a shared value is still written out in full.
  const copyCost = Math.max(1, before - walk.left);
  while (value.length < minItems && value.length < 100 && walk.left >= copyCost) {
    walk.left -= copyCost;
    value.push(value[value.length - 1] ?? null);
  }
  return value;
}

/** A value taken whole (from the schema, or a padded string), charged by its size. */
function charged<T extends Json>(value: T, walk: Walk): T | null {
  let cost = 0;
  if (typeof value === 'string') cost = Math.floor(value.length / 64);
  else if (value !== null && typeof value === 'object') {
    cost = walk.sizes.get(value) ?? Math.ceil(JSON.stringify(value).length / 64);
    walk.sizes.set(value, cost);
  }
  if (cost > walk.left) return null;
  walk.left -= cost;
  return value;
}

function sampleString(node: Schema): string {
  let text = (typeof node.format === 'string' && STRING_FORMATS[node.format]) || 'string';
  const minLength = typeof node.minLength === 'number' ? Math.min(node.minLength, 1_000) : 0;
  if (text.length < minLength) text = text.padEnd(minLength, 'x');
  if (typeof node.maxLength === 'number' && text.length > node.maxLength) text = text.slice(0, Math.max(0, node.maxLength));
  return text;
}

function sampleNumber(node: Schema, integer: boolean): number {
  const step = integer ? 1 : 0.5;
  let value = 0;
  if (typeof node.minimum === 'number') value = node.minimum;
  else if (typeof node.exclusiveMinimum === 'number') value = node.exclusiveMinimum + step;
  else if (typeof node.maximum === 'number' && node.maximum < 0) value = node.maximum;
  else if (typeof node.exclusiveMaximum === 'number' && node.exclusiveMaximum <= 0) value = node.exclusiveMaximum - step;
  if (integer) value = Math.ceil(value);
  if (typeof node.multipleOf === 'number' && node.multipleOf > 0) value = Math.ceil(value / node.multipleOf) * node.multipleOf;
  return value;
}

/** `#/$defs/Name` and other JSON Pointers into the same document; anything else is unknown. */
function resolveRef(root: Schema, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isSchema(node) || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

function merge(parts: Json[]): Json {
  const objects = parts.filter((part): part is Record<string, Json> => typeof part === 'object' && part !== null && !Array.isArray(part));
  if (objects.length === 0) return parts.find((part) => part !== null) ?? null;
  return Object.assign({}, ...objects) as Json;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
