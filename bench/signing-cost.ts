// `node bench/signing-cost.ts`: what one delivery's signature costs per scheme, in µs, for a 1 KiB
// body, on this machine, in one process (no database, no network). Ed25519 is signed both as the
// worker does it (the key imported once per endpoint and batch, src/worker/deliver-batch.ts) and
// from a bare seed (an import per signature), to show why the worker passes imported keys.
// Bounded: a fixed number of rounds per case.
import { randomBytes } from 'node:crypto';
import { ed25519PrivateKey, signatureHeaders, type SignatureScheme, type SigningKey } from '../src/engine/signing.ts';

const ROUNDS = 20_000;
const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'order.created', timestamp: new Date(0).toISOString(), data: { note: 'x'.repeat(1024) } }), 'utf8');
const seed = randomBytes(32);

function microseconds(scheme: SignatureScheme, keys: SigningKey[]): number {
  const input = { scheme, messageId: 'evt_1', timestampSeconds: 1_800_000_000, body, keys, signatureHeader: 'X-Herald-Signature' };
  for (let i = 0; i < 1_000; i++) signatureHeaders(input);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) signatureHeaders(input);
  return Number(process.hrtime.bigint() - started) / 1_000 / ROUNDS;
}

const rows: Array<[string, number]> = [
  ['STANDARD_WEBHOOKS (HMAC-SHA256)', microseconds('STANDARD_WEBHOOKS', [randomBytes(32)])],
  ['STANDARD_WEBHOOKS_ED25519, imported key', microseconds('STANDARD_WEBHOOKS_ED25519', [ed25519PrivateKey(seed)])],
  ['STANDARD_WEBHOOKS_ED25519, two keys (rotation grace)', microseconds('STANDARD_WEBHOOKS_ED25519', [ed25519PrivateKey(seed), ed25519PrivateKey(randomBytes(32))])],
  ['STANDARD_WEBHOOKS_ED25519, from the seed each time', microseconds('STANDARD_WEBHOOKS_ED25519', [seed])],
];
for (const [name, us] of rows) console.log(`${name.padEnd(56)} ${us.toFixed(1).padStart(7)} µs`);
