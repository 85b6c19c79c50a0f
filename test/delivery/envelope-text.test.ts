// De-risks the worker's envelope from payload text: for what PostgreSQL writes of a jsonb payload
// (`payload::text`), compactJsonbText answers the very text receivers were sent when the worker
// parsed each payload and wrote it out again (JSON.stringify(JSON.parse(text))), byte for byte:
// separators inside strings, escapes, numbers JavaScript writes otherwise, keys JavaScript lists
// first. Against a real PostgreSQL, since its jsonb output is what the claim reads (jsonb holds no
// \u0000, so none is tried).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, buildEnvelopeFromText, compactJsonbText } from '../../src/engine/envelope.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** What the claim reads of a payload published as `json` (the publish path's text). */
async function asJsonb(json: string): Promise<string> {
  const { rows } = await client.query<{ text: string }>('SELECT $1::jsonb::text AS text', [json]);
  return rows[0]!.text;
}

async function expectAsBefore(json: string) {
  const text = await asJsonb(json);
  expect(compactJsonbText(text), json).toBe(JSON.stringify(JSON.parse(text)));
}

describe('compactJsonbText', () => {
  it('drops the separators outside strings and keeps strings as they are', async () => {
    for (const json of [
      '{"x":[0,0,0]}',
      '{}',
      '{"a":[],"b":{},"c":[[],[{}]],"d":null,"e":true,"f":false}',
      '{"s":"x, y: z, \\"quoted, : \\" end"}',
      '{"t":"ends with a backslash \\\\","u":"\\\\\\"","v":"\\\\"}',
      '{"ctl":"\\u0001\\u001f\\b\\f\\n\\r\\t\\u007f","uni":"é 漢字 😀 \\u2028 \\u2029 /"}',
      '{"key, with: separators":{"nested":"a\\", \\"b"}}',
      '{"__proto__":{"x":1},"constructor":1}',
      '{"n":-5,"m":0,"big":123456789012345,"neg":-123456789012345}',
      '{"deep":[[[[[[[[[[[[{"a":[1,2,{"b":"c"}]}]]]]]]]]]]]]}',
    ]) {
      await expectAsBefore(json);
    }
  });

  it('takes the parse where JavaScript writes numbers otherwise', async () => {
    // 1.50 and 1.0 as stored (an SQL write), 1e21 and 1e-7 as JSON.stringify writes them (the API's).
    for (const json of ['{"p":1.50}', '{"p":1.0}', '{"p":-0.0}', '{"p":1e21}', '{"p":1e-7}', '{"p":12345678901234567890}', '{"p":9007199254740993}', '{"p":1e400}', '{"p":[0.5,12.99,1.25e3]}']) {
      await expectAsBefore(json);
    }
  });

  it('takes the parse for all-digit keys, which JavaScript lists first', async () => {
    for (const json of ['{"b":1,"10":2,"2":3}', '{"a":{"0":"x","z":"y"}}', '{"4294967295":1,"a":2}', '{"01":1,"a":2}']) {
      await expectAsBefore(json);
    }
  });

  it('agrees on generated payloads', async () => {
    let seed = 20;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const strings = ['', 'a', ', ', ': ', '"', '\\', 'x\\', '\n', '\u0001', 'é', '😀', '12', '0', 'k, v: w'];
    const numbers = [0, 1, -1, 42, 1.5, 0.1, 1e21, 1e-7, 2 ** 53 + 2, -0.25, 123.456];
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? pick(['s', 'n', 'l']) : pick(['s', 'n', 'l', 'a', 'o', 'o']);
      if (kind === 's') return pick(strings) + pick(strings);
      if (kind === 'n') return pick(numbers);
      if (kind === 'l') return pick([true, false, null]);
      const size = Math.floor(random() * 4);
      if (kind === 'a') return Array.from({ length: size }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: size }, () => [pick(strings) + pick(strings), value(depth + 1)]));
    };
    for (let i = 0; i < 300; i++) await expectAsBefore(JSON.stringify({ v: value(0) }));
  });
});

describe('buildEnvelopeFromText', () => {
  it('writes the same bytes as buildEnvelope, test sends included', () => {
    const createdAt = new Date('2026-11-24T19:30:00Z');
    const payload = { a: 1, s: 'x, "y": z', list: [1, { b: null }] };
    for (const test of [false, true]) {
      const event = { id: 'evt_"1"', type: 'order.created', createdAt, test };
      expect(buildEnvelopeFromText({ ...event, dataText: JSON.stringify(payload) })).toBe(buildEnvelope({ ...event, payload }));
    }
  });
});
