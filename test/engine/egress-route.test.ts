import { describe, expect, it } from 'vitest';
import { bypassesProxy, EgressProxyValueError, parseEgressProxyUrl, parseNoProxy } from '../../src/engine/egress-route.ts';

describe('HERALD_EGRESS_NO_PROXY', () => {
  const rules = parseNoProxy(' internal.example , .corp.test,10.0.0.0/8, ::1, 192.168.1.7 ');

  it.each([
    ['internal.example', true],
    ['hooks.internal.example', true],
    ['INTERNAL.EXAMPLE.', true],
    ['notinternal.example', false],
    ['corp.test', true],
    ['a.b.corp.test', true],
    ['10.20.30.40', true],
    ['11.0.0.1', false],
    ['[::1]', true],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['example.com', false],
  ])('%s bypasses the proxy: %s', (host, expected) => {
    expect(bypassesProxy(host, rules)).toBe(expected);
  });

  it('`*` exempts everything; an empty list nothing', () => {
    expect(bypassesProxy('anything.example', parseNoProxy('*'))).toBe(true);
    expect(bypassesProxy('anything.example', parseNoProxy(' , '))).toBe(false);
  });

  it.each([
    ['10.0.0.0/33', '"10.0.0.0/33": the prefix length must be 0–32'],
    ['10.0.0.0/x', '"10.0.0.0/x": the prefix length must be 0–32'],
    ['exa mple.com', '"exa mple.com" is not a host name, domain, IP address or CIDR range'],
    ['example.com/8', '"example.com/8" is not a host name, domain, IP address or CIDR range'],
  ])('refuses %s', (text, message) => {
    expect(() => parseNoProxy(text)).toThrow(new EgressProxyValueError(message));
  });
});

describe('HERALD_EGRESS_PROXY', () => {
  it('reads host, port (80 by default) and percent-encoded credentials', () => {
    expect(parseEgressProxyUrl('http://proxy:3128')).toEqual({ host: 'proxy', port: 3128, authorization: null });
    expect(parseEgressProxyUrl('http://a%3Ab:c%40d@proxy')).toEqual({ host: 'proxy', port: 80, authorization: `Basic ${Buffer.from('a:b:c@d').toString('base64')}` });
  });
});
