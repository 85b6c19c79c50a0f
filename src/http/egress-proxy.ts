// Deliveries through the egress proxy, so receivers can allow-list one address. The address policy
// still holds: Herald resolves the destination and checks it first (the checked lookup), then asks
// the proxy for that checked address — never the name, which the proxy would resolve again and
// could answer with an address Herald refuses. The Host header and TLS SNI keep the name.
// https:// goes through a CONNECT tunnel; http:// as an absolute-form request to the proxy.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { EgressProxy } from '../engine/egress-route.ts';
import type { createCheckedLookup } from './checked-lookup.ts';

type Lookup = ReturnType<typeof createCheckedLookup>;

/** A failure of the proxy itself (unreachable, 407, its own 5xx): an attempt error of kind PROXY. */
export class ProxyError extends Error {
  code = 'EHERALDPROXY';
}

/** The destination's checked address: the lookup refuses (EHERALDBLOCKED) what the policy refuses. */
export function checkedAddress(lookup: Lookup, host: string, timeoutMs: number): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  // A literal address was checked by the sender before it got here.
  if (isIP(bare)) return Promise.resolve(bare);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`resolving ${bare} took longer than ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    lookup(bare, {}, (error, address) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(address as string);
    });
  });
}

function authority(address: string, port: number): string {
  return `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
}

function proxyHeaders(proxy: EgressProxy): Record<string, string> {
  return proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {};
}

/**
 * An https.Agent whose sockets are TLS over a CONNECT tunnel to the checked address. Sockets are
 * kept alive per destination like the direct agents (the address was checked when each opened).
 */
export class TunnellingAgent extends HttpsAgent {
  readonly #proxy: EgressProxy;
  readonly #lookup: Lookup;
  readonly #lookupTimeoutMs: number;

  constructor(proxy: EgressProxy, lookup: Lookup, lookupTimeoutMs: number, options: AgentOptions) {
    super(options);
    this.#proxy = proxy;
    this.#lookup = lookup;
    this.#lookupTimeoutMs = lookupTimeoutMs;
  }

  // Node's Agent accepts a socket through the callback when createConnection returns nothing.
  override createConnection(options: RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    // The callback's stream is unused on error (Node's Agent checks the error first).
    const done = (error: Error | null, stream?: Duplex) => callback?.(error, stream as Duplex);
    const host = options.host ?? 'localhost';
    const port = Number(options.port ?? 443);
    checkedAddress(this.#lookup, host, this.#lookupTimeoutMs).then(
      (address) => {
        const target = authority(address, port);
        const connect = httpRequest({
          host: this.#proxy.host,
          port: this.#proxy.port,
          method: 'CONNECT',
          path: target,
          headers: { host: target, ...proxyHeaders(this.#proxy) },
          agent: false,
        });
        connect.once('connect', (answer, socket) => {
          if (answer.statusCode !== 200) {
            socket.destroy();
            done(new ProxyError(`the egress proxy answered ${answer.statusCode} to CONNECT ${isIP(host.replace(/^\[|\]$/g, '')) ? target : `${host}:${port}`}`));
            return;
          }
          const servername = isIP(host.replace(/^\[|\]$/g, '')) ? undefined : host;
          done(null, tlsConnect({ ...(options as ConnectionOptions), socket, ...(servername ? { servername } : {}) }));
        });
        connect.once('error', (error: NodeJS.ErrnoException) => done(new ProxyError(`the egress proxy could not be reached (${error.code ?? error.message})`)));
        connect.end();
      },
      (error: Error) => done(error),
    );
    return undefined;
  }
}

/**
 * got's request function for an http:// destination through the proxy: the request line names
 * the checked address (absolute form), the Host header the destination's name. Its connection is
 * to the proxy, so the sender reads a connection failure as the proxy's (PROXY).
 */
export function absoluteFormRequest(proxy: EgressProxy, lookup: Lookup, lookupTimeoutMs: number, agent: HttpAgent) {
  return async (url: URL, options: RequestOptions): Promise<ClientRequest> => {
    const address = await checkedAddress(lookup, url.hostname, lookupTimeoutMs);
    const port = url.port === '' ? 80 : Number(url.port);
    const request = httpRequest({
      ...options,
      host: proxy.host,
      hostname: proxy.host,
      port: proxy.port,
      path: `http://${authority(address, port)}${url.pathname}${url.search}`,
      headers: { ...options.headers, host: url.host, ...proxyHeaders(proxy) },
      agent,
      lookup: undefined,
    });
    return request;
  };
}
