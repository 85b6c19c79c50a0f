// What a receiver gets: the JSON envelope and the headers around it.

export function buildEnvelope(event: { id: string; type: string; createdAt: Date; payload: unknown; test?: boolean }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: event.payload,
    ...(event.test ? { _test: true } : {}),
  });
}

/**
 * The same bytes as buildEnvelope, around a payload already written as JSON text (`dataText`, as
 * compactJsonbText answers it): the worker writes each event's envelope once per batch, without
 * parsing its payload into objects only to write them out again.
 */
export function buildEnvelopeFromText(event: { id: string; type: string; createdAt: Date; dataText: string; test?: boolean }): string {
  const head = JSON.stringify({ id: event.id, type: event.type, timestamp: event.createdAt.toISOString() });
  return `${head.slice(0, -1)},"data":${event.dataText}${event.test ? ',"_test":true' : ''}}`;
}

/**
 * The text `JSON.stringify(JSON.parse(text))` answers, for a text PostgreSQL wrote from a jsonb
 * value (`payload::text`): what receivers have always been sent, since node-postgres parses jsonb
 * with JSON.parse. PostgreSQL writes strings with the same escapes as JSON.stringify, keys unique
 * and in its own order, and ", " and ": " between items; so dropping those spaces outside strings
 * gives the same text, without building the objects, except where JavaScript would write it
 * otherwise: a number it cannot hold or writes shorter (1.50, 1.0, 2^53 + 1, 1e400 written out),
 * or an object with a key like "2" (JavaScript objects list such keys first, in numeric order).
 * Those payloads take the parse and stringify.
 */
export function compactJsonbText(text: string): string {
  const parts: string[] = [];
  let at = 0;
  while (at < text.length) {
    const quote = text.indexOf('"', at);
    const between = quote === -1 ? text.slice(at) : text.slice(at, quote);
    const compact = between.replaceAll(', ', ',').replaceAll(': ', ':');
    if (WHITESPACE.test(compact) || !numbersAsJavaScriptWrites(compact)) return reparsed(text);
    parts.push(compact);
    if (quote === -1) break;
    const end = stringEnd(text, quote);
    if (end === -1) return reparsed(text);
    const string = text.slice(quote, end);
    if (text.startsWith(': ', end) && INDEX_LIKE_KEY.test(string)) return reparsed(text);
    parts.push(string);
    at = end;
  }
  return parts.join('');
}

const WHITESPACE = /\s/;
/** A digit before a fraction or an exponent, or 16 digits in a row: a number JavaScript may write otherwise. */
const UNUSUAL_NUMBER = /\d[.eE]|\d{16}/;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
/** Array-index keys ("0" to "4294967294") are listed first by JavaScript; any all-digit key takes the parse. */
const INDEX_LIKE_KEY = /^"\d+"$/;

function numbersAsJavaScriptWrites(between: string): boolean {
  if (!UNUSUAL_NUMBER.test(between)) return true;
  for (const [number] of between.matchAll(NUMBER)) if (String(Number(number)) !== number) return false;
  return true;
}

/** The index just past the string opening at `quote`, or -1 when it does not close. */
function stringEnd(text: string, quote: number): number {
  let at = quote + 1;
  for (;;) {
    const next = text.indexOf('"', at);
    if (next === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(next - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    at = next + 1;
  }
}

function reparsed(text: string): string {
  return JSON.stringify(JSON.parse(text));
}
/** The endpoint's custom headers first; Herald's own are set last so none can be overridden. */
export function deliveryHeaders(input: {
  messageId: string;
  timestampSeconds: number;
  userAgent: string;
  customHeaders: ReadonlyArray<{ name: string; value: string }>;
  signature: Record<string, string>;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { name, value } of input.customHeaders) headers[name.toLowerCase()] = value;
  return {
    ...headers,
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    'webhook-id': input.messageId,
    'webhook-timestamp': String(input.timestampSeconds),
    ...Object.fromEntries(Object.entries(input.signature).map(([name, value]) => [name.toLowerCase(), value])),
  };
}
