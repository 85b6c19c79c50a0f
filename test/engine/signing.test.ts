// De-risks what receivers verify: the three signature schemes against independently computed
// vectors, Standard Webhooks checked by the public `standardwebhooks` library, and both secrets
// signing during a rotation grace.
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, deliveryHeaders } from '../../src/engine/envelope.ts';
import { signatureHeaders } from '../../src/engine/signing.ts';

const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'utf8');
const secret = `whsec_${key.toString('base64')}`;
const body = '{"id":"evt_1","type":"order.created","timestamp":"2026-11-24T19:30:00.000Z","data":{"a":1}}';
const base = { messageId: 'evt_1', timestampSeconds: 1_795_000_000, body, keys: [key], signatureHeader: 'X-Herald-Signature' };
const hmac = (k: Buffer, text: string, enc: 'base64' | 'hex') => createHmac('sha256', k).update(text).digest(enc);

describe('STANDARD_WEBHOOKS', () => {
  it('signs "{id}.{timestamp}.{body}" as v1,<base64>', () => {
    const headers = signatureHeaders({ ...base, scheme: 'STANDARD_WEBHOOKS' });
    expect(headers).toEqual({ 'webhook-signature': `v1,${hmac(key, `evt_1.1795000000.${body}`, 'base64')}` });
  });

  it('verifies with the standardwebhooks library, and a tampered body does not', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(now),
      ...signatureHeaders({ ...base, timestampSeconds: now, scheme: 'STANDARD_WEBHOOKS' }),
    };
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ id: 'evt_1' });
    expect(() => new Webhook(secret).verify(body.replace('"a":1', '"a":2'), headers)).toThrow();
  });

  it('carries one signature per secret during a rotation, each verifying', () => {
    const next = randomBytes(32);
    const now = Math.floor(Date.now() / 1000);
    const signature = signatureHeaders({ ...base, timestampSeconds: now, keys: [next, key], scheme: 'STANDARD_WEBHOOKS' });
    expect(signature['webhook-signature']!.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), ...signature };
    expect(new Webhook(secret).verify(body, headers)).toBeTruthy();
    expect(new Webhook(`whsec_${next.toString('base64')}`).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow();
  });
});

describe('HMAC schemes', () => {
  it('HMAC_SHA256_TIMESTAMPED signs "{t}.{body}" as t=…,v1=<hex>, one v1 per secret', () => {
    const other = randomBytes(32);
    expect(signatureHeaders({ ...base, scheme: 'HMAC_SHA256_TIMESTAMPED' })).toEqual({
      'X-Herald-Signature': `t=1795000000,v1=${hmac(key, `1795000000.${body}`, 'hex')}`,
    });
    expect(signatureHeaders({ ...base, keys: [key, other], scheme: 'HMAC_SHA256_TIMESTAMPED' })['X-Herald-Signature']).toBe(
      `t=1795000000,v1=${hmac(key, `1795000000.${body}`, 'hex')},v1=${hmac(other, `1795000000.${body}`, 'hex')}`,
    );
  });

  it('HMAC_SHA256_BODY signs the raw body as hex, in the configured header', () => {
    expect(signatureHeaders({ ...base, signatureHeader: 'X-Acme-Signature', scheme: 'HMAC_SHA256_BODY' })).toEqual({
      'X-Acme-Signature': hmac(key, body, 'hex'),
    });
  });
});

describe('envelope and headers', () => {
  it('builds {id, type, timestamp, data} and marks test sends', () => {
    const createdAt = new Date('2026-11-24T19:30:00Z');
    expect(buildEnvelope({ id: 'evt_1', type: 'order.created', createdAt, payload: { a: 1 } })).toBe(body);
    expect(JSON.parse(buildEnvelope({ id: 'evt_1', type: 'webhook.test', createdAt, payload: {}, test: true }))._test).toBe(true);
  });

  it("sets Herald's headers after the endpoint's, so custom headers cannot override them", () => {
    const headers = deliveryHeaders({
      messageId: 'evt_1',
      timestampSeconds: 1_795_000_000,
      userAgent: 'Herald-Webhooks/1.0.0',
      customHeaders: [{ name: 'X-Team', value: 'a' }, { name: 'Webhook-Id', value: 'forged' }],
      signature: { 'webhook-signature': 'v1,abc' },
    });
    expect(headers).toEqual({
      'x-team': 'a',
      'webhook-id': 'evt_1',
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks/1.0.0',
      'webhook-timestamp': '1795000000',
      'webhook-signature': 'v1,abc',
    });
  });
});
