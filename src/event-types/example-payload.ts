// A sample payload for an event type, so the portal can show what a webhook of that type looks
// like: the schema's own `examples[0]` when it has one (the author's words beat a guess), else a
// value built from the JSON Schema. Pure and bounded: local `$ref`s only, and a depth limit so a
// recursive schema ends.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

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
  return sample(schema, schema, 0);
}

function sample(node: unknown, root: Schema, depth: number): Json {
  if (node === true) return {};
  if (!isSchema(node) || depth > MAX_DEPTH) return null;
  if ('const' in node) return node.const as Json;
  if ('default' in node) return node.default as Json;
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0] as Json;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0] as Json;
  if (typeof node.$ref === 'string') return sample(resolveRef(root, node.$ref), root, depth + 1);
  if (Array.isArray(node.allOf) && node.allOf.length > 0) {
    const parts = node.allOf.map((part) => sample(part, root, depth + 1));
    const own = typeOf(node) ? sample({ ...node, allOf: undefined }, root, depth + 1) : undefined;
    return merge([...parts, ...(own === undefined ? [] : [own])]);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = node[keyword];
    if (Array.isArray(options) && options.length > 0) {
      // The first option that is not `null`: `anyOf: [{ type: 'null' }, {...}]` means "optional".
      const chosen = options.find((option) => !(isSchema(option) && option.type === 'null')) ?? options[0];
      return sample(chosen, root, depth + 1);
    }
  }
  switch (typeOf(node)) {
    case 'object':
      return sampleObject(node, root, depth);
    case 'array':
      return sampleArray(node, root, depth);
    case 'string':
      return sampleString(node);
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

function sampleObject(node: Schema, root: Schema, depth: number): Json {
  const value: Record<string, Json> = {};
  const properties = isSchema(node.properties) ? node.properties : {};
  for (const [name, property] of Object.entries(properties)) value[name] = sample(property, root, depth + 1);
  // Required names without a property schema still appear, so the sample validates.
  for (const name of Array.isArray(node.required) ? node.required : []) {
    if (typeof name === 'string' && !(name in value)) value[name] = null;
  }
  return value;
}

function sampleArray(node: Schema, root: Schema, depth: number): Json {
  const prefix = Array.isArray(node.prefixItems) ? node.prefixItems.map((item) => sample(item, root, depth + 1)) : [];
  const items = 'items' in node && node.items !== false ? [sample(node.items, root, depth + 1)] : [];
  const value = [...prefix, ...(prefix.length === 0 ? items : [])];
  const minItems = typeof node.minItems === 'number' ? node.minItems : 0;
  while (value.length < minItems && value.length < 100) value.push(value[value.length - 1] ?? null);
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
