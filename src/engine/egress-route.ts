// Whether a delivery leaves through the egress proxy (HERALD_EGRESS_PROXY) or directly: the
// proxy's address, its credentials, and the destinations exempted by HERALD_EGRESS_NO_PROXY.
// Pure: parsing and matching only; src/http/egress-proxy.ts does the connecting.
import ipaddr from 'ipaddr.js';

export interface EgressProxy {
  /** The proxy's host (an IPv6 literal without brackets) and port. */
  host: string;
  port: number;
  /** `Basic …` for a proxy URL with user information; sent as Proxy-Authorization. */
  authorization: string | null;
  /** Destinations reached directly, not through the proxy. */
  noProxy: NoProxyRule[];
}

export type NoProxyRule =
  | { kind: 'every' }
  /** The host itself and every name under it (`example.com` and `.example.com` alike, as curl reads them). */
  | { kind: 'domain'; domain: string }
  | { kind: 'range'; base: ipaddr.IPv4 | ipaddr.IPv6; bits: number };

/** Why a value could not be read, for the configuration error. */
export class EgressProxyValueError extends Error {}

/** HERALD_EGRESS_PROXY: `http://[user:password@]host:port`. Credentials may be percent-encoded. */
export function parseEgressProxyUrl(text: string): Omit<EgressProxy, 'noProxy'> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EgressProxyValueError('expected an http:// URL such as http://proxy.internal:3128');
  }
  if (url.protocol !== 'http:') {
    throw new EgressProxyValueError(`expected an http:// proxy URL (https:// endpoints are tunnelled through it with CONNECT), got ${url.protocol}//`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') throw new EgressProxyValueError('expected no path, query or fragment: http://host:port');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 80 : Number(url.port),
    authorization: user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null,
  };
}

/** HERALD_EGRESS_NO_PROXY: comma-separated `*`, host names or domains, IP addresses and CIDR ranges. */
export function parseNoProxy(text: string): NoProxyRule[] {
  const rules: NoProxyRule[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') {
      rules.push({ kind: 'every' });
      continue;
    }
    const [address, bits] = entry.split('/');
    const literal = address!.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(literal)) {
      const base = ipaddr.parse(literal);
      const max = base.kind() === 'ipv4' ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
        throw new EgressProxyValueError(`${JSON.stringify(raw.trim())}: the prefix length must be 0–${max}`);
      }
      rules.push({ kind: 'range', base, bits: prefix });
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (bits !== undefined || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(domain)) {
      throw new EgressProxyValueError(`${JSON.stringify(raw.trim())} is not a host name, domain, IP address or CIDR range`);
    }
    rules.push({ kind: 'domain', domain });
  }
  return rules;
}

/** Whether a destination (its URL's host name, or a literal address) bypasses the proxy. */
export function bypassesProxy(host: string, rules: readonly NoProxyRule[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const address = ipaddr.isValid(name) ? ipaddr.parse(name) : null;
  return rules.some((rule) => {
    if (rule.kind === 'every') return true;
    if (rule.kind === 'domain') return address === null && (name === rule.domain || name.endsWith(`.${rule.domain}`));
    return address !== null && address.kind() === rule.base.kind() && address.match(rule.base, rule.bits);
  });
}
