// De-risks endpoint input rules as pure functions: each SPEC rule on both sides of its boundary,
// every problem reported at once, and updates checking only what they change.
import { describe, expect, it } from 'vitest';
import { matchesEventType } from '../../src/engine/fan-out.ts';
import { validateEndpointCreate, validateEndpointUpdate, type RulesContext } from '../../src/endpoints/endpoint-rules.ts';

const context: RulesContext = {
  catalog: new Set(['conversation.created', 'conversation.message.sent', 'invoice.paid', 'webhook.test']),
  allowPrivateNetworks: false,
  signatureHeader: 'X-Herald-Signature',
};

function paths(input: Parameters<typeof validateEndpointCreate>[0], ctx = context) {
  const result = validateEndpointCreate({ eventTypes: ['*'], ...input }, ctx);
  return result.ok ? [] : result.issues.map((issue) => issue.path.join('.'));
}

describe('url', () => {
  it('accepts https URLs up to 2048 characters', () => {
    const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
    expect(url).toHaveLength(2048);
    expect(paths({ url })).toEqual([]);
    expect(paths({ url: `${url}b` })).toEqual(['url']);
  });

  it('accepts http and local hosts only when private networks are allowed', () => {
    const dev = { ...context, allowPrivateNetworks: true };
    for (const url of ['http://example.com/h', 'https://localhost/h', 'https://127.0.0.1:8443/h', 'https://[::1]/h', 'https://10.1.1.1/h']) {
      expect(paths({ url }), url).toEqual(['url']);
      expect(paths({ url }, dev), url).toEqual([]);
    }
    expect(paths({ url: 'https://169.254.169.254/' }, dev)).toEqual(['url']);
  });

  it('accepts http to this machine only in loopback mode', () => {
    const loopback = { ...context, allowPrivateNetworks: 'loopback' as const };
    for (const url of ['http://localhost:9000/h', 'http://127.0.0.1:9000/h', 'http://[::1]:9000/h', 'https://127.0.0.2/h']) expect(paths({ url }, loopback), url).toEqual([]);
    for (const url of ['http://example.com/h', 'http://10.1.1.1/h', 'https://10.1.1.1/h', 'https://192.168.0.1/h', 'https://169.254.169.254/']) expect(paths({ url }, loopback), url).toEqual(['url']);
  });

  it.each(['ftp://example.com', 'example.com/hook', 'https://u:p@example.com/', 'https://example.com/#frag', 'https://[::ffff:10.0.0.1]/', 'javascript:alert(1)'])(
    'refuses %s',
    (url) => {
      expect(paths({ url })).toEqual(['url']);
    },
  );

  it.each([
    ['http://2130706433:8443/x', 'http://127.0.0.1:8443/x'],
    ['http://0x7f.1:8443/x', 'http://127.0.0.1:8443/x'],
    ['HTTPS://Example.COM:443/a/../b?q', 'https://example.com/b?q'],
    ['https://[0:0:0:0:0:0:0:1]/h', 'https://[::1]/h'],
    ['https://example.com', 'https://example.com/'],
  ])('stores %s as its WHATWG form %s, the host the address policy judged', (typed, stored) => {
    const dev = { ...context, allowPrivateNetworks: true };
    const created = validateEndpointCreate({ url: typed, eventTypes: ['*'] }, dev);
    expect(created.ok && created.value.url).toBe(stored);
    const updated = validateEndpointUpdate({ url: typed }, dev);
    expect(updated.ok && updated.value.url).toBe(stored);
  });

  it('refuses an IPv4 literal in any spelling the address policy refuses', () => {
    for (const url of ['https://2130706433/', 'https://0x7f000001/', 'https://0177.0.0.1/', 'https://2852039166/']) expect(paths({ url }), url).toEqual(['url']);
  });

  it('leaves host names to the connect-time check', () => {
    expect(paths({ url: 'https://internal.corp.example/hook' })).toEqual([]);
  });
});

describe('name and description', () => {
  it('trims the name and bounds it to 1–255 characters', () => {
    const ok = validateEndpointCreate({ url: 'https://e.com', eventTypes: ['*'], name: `  ${'n'.repeat(255)}  ` }, context);
    expect(ok.ok && ok.value.name).toHaveLength(255);
    expect(paths({ url: 'https://e.com', name: 'n'.repeat(256) })).toEqual(['name']);
    expect(paths({ url: 'https://e.com', name: '   ' })).toEqual(['name']);
    expect(paths({ url: 'https://e.com', description: 'd'.repeat(1001) })).toEqual(['description']);
  });
});

describe('eventTypes', () => {
  it.each([['*'], ['invoice.paid'], ['conversation.*'], ['conversation.message.*', 'invoice.paid']])('accepts %j', (...eventTypes) => {
    expect(paths({ url: 'https://e.com', eventTypes })).toEqual([]);
  });

  it.each([
    [[], 'eventTypes'],
    [['unknown.type'], 'eventTypes.0'],
    [['billing.*'], 'eventTypes.0'],
    [['conv*'], 'eventTypes.0'],
    [['*.created'], 'eventTypes.0'],
    [['invoice.paid', 'invoice.paid'], 'eventTypes.1'],
  ])('refuses %j', (eventTypes, path) => {
    expect(paths({ url: 'https://e.com', eventTypes })).toContain(path);
  });

  it('matches patterns the way fan-out does', () => {
    expect(matchesEventType('*', 'invoice.paid')).toBe(true);
    expect(matchesEventType('conversation.*', 'conversation.message.sent')).toBe(true);
    expect(matchesEventType('conversation.*', 'conversation')).toBe(false);
    expect(matchesEventType('conversation.*', 'conversations.created')).toBe(false);
    expect(matchesEventType('invoice.paid', 'invoice.paid')).toBe(true);
    expect(matchesEventType('invoice.paid', 'invoice.paid.late')).toBe(false);
  });
});

describe('projects', () => {
  it('bounds count, length and characters, and refuses duplicates', () => {
    expect(paths({ url: 'https://e.com', projects: ['acme', 'acme:eu-1', 'a.b_c'] })).toEqual([]);
    expect(paths({ url: 'https://e.com', projects: Array.from({ length: 51 }, (_, i) => `p${i}`) })).toEqual(['projects']);
    expect(paths({ url: 'https://e.com', projects: ['has space'] })).toEqual(['projects.0']);
    expect(paths({ url: 'https://e.com', projects: ['x'.repeat(101)] })).toEqual(['projects.0']);
    expect(paths({ url: 'https://e.com', projects: ['a', 'a'] })).toEqual(['projects.1']);
  });
});

describe('headers', () => {
  const header = (name: string, value = 'v') => ({ url: 'https://e.com', headers: [{ name, value }] });

  it('accepts up to 50 token-named headers with values up to 4096 characters', () => {
    expect(paths({ url: 'https://e.com', headers: Array.from({ length: 50 }, (_, i) => ({ name: `X-H${i}`, value: 'v'.repeat(4096) })) })).toEqual([]);
    expect(paths({ url: 'https://e.com', headers: Array.from({ length: 51 }, (_, i) => ({ name: `X-H${i}`, value: 'v' })) })).toEqual(['headers']);
  });

  it.each(['Host', 'content-type', 'Content-Length', 'User-Agent', 'webhook-id', 'Webhook-Signature', 'webhook-anything', 'x-herald-signature', 'Connection', 'Transfer-Encoding', 'Proxy-Authorization', 'X Bad', '', 'ä', 'x'.repeat(256)])(
    'refuses the header name %j',
    (name) => {
      expect(paths(header(name))).toEqual(['headers.0.name']);
    },
  );

  it.each(['__proto__', 'constructor', 'prototype', 'Constructor', 'hasOwnProperty', 'toString', '__defineGetter__'])(
    'refuses the header name %j, which a plain object of headers already has',
    (name) => {
      expect(paths(header(name))).toEqual(['headers.0.name']);
    },
  );

  it.each(['X-Custom', 'x_custom', "!#$%&'*+-.^_`|~", 'Proto', 'X-Constructor'])('accepts the header name %j', (name) => {
    expect(paths(header(name))).toEqual([]);
  });

  // RFC 9110 field-value: visible ASCII, spaces and tabs only inside. Node refuses the rest when it
  // sends (ERR_INVALID_CHAR), which failed every delivery to the endpoint.
  it.each([
    '', 'a\rb', 'a\nb', 'a\0b', 'v'.repeat(4097),
    'price €5', 'café', '\u0001', 'a\u007fb', '\u0080', '\u00a0', '😀', '\ud800', 'a\u001bb', '\u2028',
    ' leading', 'trailing ', '\tleading', 'trailing\t', ' ',
  ])('refuses the header value %j', (value) => {
    expect(paths(header('X-Custom', value))).toEqual(['headers.0.value']);
  });

  it.each(['v', 'Bearer abc.def-ghi_jkl==', 'a b\tc', 'x'.repeat(4096), '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'])('accepts the header value %j', (value) => {
    expect(paths(header('X-Custom', value))).toEqual([]);
  });

  it('checks headers on update the same way', () => {
    const result = validateEndpointUpdate({ headers: [{ name: '__proto__', value: 'x' }, { name: 'X-Price', value: 'price €5' }] }, context);
    expect(result.ok === false && result.issues.map((issue) => issue.path.join('.'))).toEqual(['headers.0.name', 'headers.1.value']);
  });

  it('refuses the same name twice, whatever its case', () => {
    expect(paths({ url: 'https://e.com', headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }] })).toEqual(['headers.1.name']);
  });

  it('follows the configured signature header', () => {
    expect(paths(header('X-Acme-Signature'), { ...context, signatureHeader: 'X-Acme-Signature' })).toEqual(['headers.0.name']);
  });
});

describe('create and update', () => {
  it('requires url and eventTypes on create and reports every problem at once', () => {
    const result = validateEndpointCreate({}, context);
    expect(result.ok === false && result.issues.map((i) => i.path.join('.'))).toEqual(['url', 'eventTypes']);
    const many = validateEndpointCreate({ url: 'ftp://x', eventTypes: ['nope'], name: '', headers: [{ name: 'Host', value: '' }] }, context);
    expect(many.ok === false && many.issues.length).toBe(5);
  });

  it('checks only the fields an update gives', () => {
    expect(validateEndpointUpdate({}, context)).toEqual({ ok: true, value: {} });
    expect(validateEndpointUpdate({ name: 'New' }, context)).toEqual({ ok: true, value: { name: 'New' } });
    expect(validateEndpointUpdate({ url: 'http://e.com' }, context).ok).toBe(false);
  });
});
