// Which IP addresses Herald may connect to. Used when an endpoint is saved (literal IPs) and, on
// every outbound request, on the address DNS returned (src/http/checked-lookup.ts).
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * The non-public addresses a deployment may deliver to: none (`false`, production's default), this
 * machine only (`'loopback'`: 127.0.0.0/8 and ::1, what `npm run dev` sets so a receiver on the
 * developer's machine works while the LAN stays refused), or every private range (`true`).
 */
export type PrivateNetworks = boolean | 'loopback';

export interface AddressPolicy {
  allowPrivateNetworks: PrivateNetworks;
}

/**
 * Cloud metadata and credential services: refused always, even when private networks are allowed.
 * Whole blocks where a provider keeps several such services, so a new one in the block (as EKS Pod
 * Identity's 169.254.170.23 was) is refused before anyone lists it: AWS's link-local services
 * (169.254.169.0/24: instance metadata, DNS, NTP; 169.254.170.0/24: ECS task credentials, EKS Pod
 * Identity) and their IPv6 block fd00:ec2::/32; GCP, Azure and Oracle answer on 169.254.169.254;
 * Alibaba on 100.100.100.200; Azure's WireServer (168.63.129.16) hands out VM secrets.
 */
const METADATA: ReadonlyArray<[string, number]> = [
  ['169.254.169.0', 24],
  ['169.254.170.0', 24],
  ['100.100.100.200', 32],
  ['168.63.129.16', 32],
  ['fd00:ec2::', 32],
];

function isMetadataAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return METADATA.some(([base, bits]) => {
    const range = ipaddr.parse(base);
    return range.kind() === address.kind() && address.match(range, bits);
  });
}

/** Ranges refused always: never a webhook receiver, whatever the deployment. */
const ALWAYS_REFUSED_V4 = new Set(['unspecified', 'multicast', 'broadcast']);
const ALWAYS_REFUSED_V6 = new Set(['unspecified', 'multicast']);

/** Ranges that name this machine or a private network: allowed only in development. */
const PRIVATE_V4 = new Set(['loopback', 'private', 'linkLocal', 'carrierGradeNat']);
const PRIVATE_V6 = new Set(['loopback', 'uniqueLocal', 'linkLocal']);

/** ipaddr.js calls these "unicast" but they are not the public internet. */
const EXTRA_REFUSED_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network (0.0.0.0/8)'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['240.0.0.0', 4, 'reserved'],
];

export function checkAddress(ip: string, options: AddressPolicy): AddressVerdict {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(text.split('%')[0]!);
  } catch {
    return { allowed: false, reason: `${ip} is not an IP address` };
  }
  if (isMetadataAddress(address)) return refuse(ip, 'a cloud metadata address');
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    // Addresses that carry an IPv4 address are judged by the IPv4 address they reach.
    const embedded = embeddedIPv4(v6);
    if (embedded) {
      const verdict = checkAddress(embedded.toString(), options);
      return verdict.allowed ? verdict : refuse(ip, `an IPv6 form of ${embedded.toString()}: ${verdict.reason}`);
    }
    const range = v6.range();
    if (ALWAYS_REFUSED_V6.has(range)) return refuse(ip, describe(range));
    if (PRIVATE_V6.has(range)) return allowsPrivateRange(range, options) ? { allowed: true } : refuse(ip, describe(range));
    if (range !== 'unicast') return refuse(ip, describe(range));
    if (v6.match(ipaddr.IPv6.parse('2001:db8::'), 32)) return refuse(ip, 'documentation');
    return { allowed: true };
  }
  const v4 = address as ipaddr.IPv4;
  const range = v4.range();
  if (ALWAYS_REFUSED_V4.has(range)) return refuse(ip, describe(range));
  if (PRIVATE_V4.has(range)) return allowsPrivateRange(range, options) ? { allowed: true } : refuse(ip, describe(range));
  if (range !== 'unicast') return refuse(ip, describe(range));
  for (const [base, bits, label] of EXTRA_REFUSED_V4) {
    if (v4.match(ipaddr.IPv4.parse(base), bits)) return refuse(ip, label);
  }
  return { allowed: true };
}

/** Whether the policy lets a private range through (ipaddr.js names 127.0.0.0/8 and ::1 both "loopback"). */
function allowsPrivateRange(range: string, { allowPrivateNetworks }: AddressPolicy): boolean {
  return allowPrivateNetworks === true || (allowPrivateNetworks === 'loopback' && range === 'loopback');
}

/** Whether a literal IP address is a loopback address (127.0.0.0/8, ::1, or an IPv6 form of 127.x). */
export function isLoopbackAddress(ip: string): boolean {
  return checkAddress(ip, { allowPrivateNetworks: 'loopback' }).allowed && !checkAddress(ip, { allowPrivateNetworks: false }).allowed;
}

/** `localhost` and `*.localhost` always name the loopback interface (RFC 6761). */
export function isLocalHostname(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = v6.range();
  if (range === 'ipv4Mapped') return v6.toIPv4Address();
  const parts = v6.parts;
  // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96, deprecated) keep the IPv4 in the last 32 bits.
  const nat64 = v6.match(ipaddr.IPv6.parse('64:ff9b::'), 96);
  const compatible = parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || parts[7]! > 1);
  if (nat64 || compatible) return fromWords(parts[6]!, parts[7]!);
  // 6to4 (2002::/16) embeds the IPv4 in bits 16–47.
  if (range === '6to4') return fromWords(parts[1]!, parts[2]!);
  // Teredo (2001::/32) embeds the client IPv4, inverted, in the last 32 bits.
  if (range === 'teredo') return fromWords(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff);
  return null;
}

function fromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

const LABELS: Record<string, string> = {
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  loopback: 'a loopback address',
  private: 'a private network address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a unique local (private) IPv6 address',
  reserved: 'a reserved address',
};

function describe(range: string): string {
  return LABELS[range] ?? `a ${range} address`;
}

function refuse(ip: string, reason: string): AddressVerdict {
  return { allowed: false, reason: `${ip} is ${reason.startsWith('a') || reason.startsWith('the') ? reason : `in a ${reason} range`}` };
}
