// De-risks SSRF: every address range a webhook must never reach is refused, in every spelling
// (IPv4-mapped, NAT64, 6to4, Teredo), and development mode opens only what it should.
import { describe, expect, it } from 'vitest';
import { checkAddress, isLocalHostname } from '../../src/engine/address-policy.ts';

const strict = { allowPrivateNetworks: false };
const dev = { allowPrivateNetworks: true };
const loopback = { allowPrivateNetworks: 'loopback' as const };

describe('checkAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1', '64:ff9b::7f00:1'])('allows the loopback address %s in loopback mode', (ip) => {
    expect(checkAddress(ip, loopback)).toEqual({ allowed: true });
  });

  it.each(['10.0.0.5', '172.16.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', 'fd12::1', 'fe80::1', '::ffff:10.0.0.1', '169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '0.0.0.0', '::'])(
    'refuses %s in loopback mode',
    (ip) => {
      expect(checkAddress(ip, loopback).allowed).toBe(false);
    },
  );

  it.each([
    '127.0.0.1', '127.8.9.10', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1',
    '100.64.0.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1',
    '192.0.0.8', '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '198.19.255.255',
    '::1', '[::1]', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a00:5', '64:ff9b::7f00:1',
    '2002:7f00:1::1', '2002:a00:1::', '2001:0:4136:e378:8000:63bf:f5ff:fffe',
    '169.254.169.254', 'fd00:ec2::254', '100.100.100.200', 'not-an-ip', '',
  ])('refuses %s by default', (ip) => {
    const verdict = checkAddress(ip, strict);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason.length).toBeGreaterThan(5);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700::1111', '2a00:1450:4001:81b::200e', '::ffff:93.184.216.34'])(
    'allows the public address %s',
    (ip) => {
      expect(checkAddress(ip, strict)).toEqual({ allowed: true });
    },
  );

  it.each(['127.0.0.1', '10.0.0.5', '192.168.1.1', '100.64.0.1', '::1', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1', '169.254.1.1', 'fd00:ec3::23'])(
    'allows the private address %s when private networks are allowed',
    (ip) => {
      expect(checkAddress(ip, dev)).toEqual({ allowed: true });
    },
  );

  it.each([
    '169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', '::ffff:169.254.169.254',
    // EKS Pod Identity, ECS task credentials, AWS DNS, Azure WireServer, and their IPv6 and embedded spellings.
    '169.254.170.23', 'fd00:ec2::23', '[fd00:ec2::23]', 'fd00:ec2::23%eth0', 'fd00:ec2:0:0:0:0:0:254', '169.254.170.2', '169.254.169.253',
    '168.63.129.16', '::ffff:169.254.170.23', '::ffff:a9fe:aa17', '64:ff9b::a9fe:aa17', '::ffff:100.100.100.200', '::ffff:168.63.129.16',
  ])(
    'refuses %s even when private networks are allowed',
    (ip) => {
      expect(checkAddress(ip, dev).allowed).toBe(false);
    },
  );

  it('explains the embedded address of an IPv6 spelling', () => {
    const verdict = checkAddress('::ffff:7f00:1', strict);
    expect(verdict.allowed === false && verdict.reason).toMatch(/127\.0\.0\.1/);
  });
});

describe('isLocalHostname', () => {
  it.each([['localhost', true], ['LOCALHOST.', true], ['api.localhost', true], ['localhost.example.com', false], ['example.com', false]])(
    '%s → %s',
    (host, expected) => {
      expect(isLocalHostname(host)).toBe(expected);
    },
  );
});
