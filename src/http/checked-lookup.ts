// A DNS lookup for outbound requests that drops every address the policy refuses. Node connects to
// the address this returns, so the address checked is the address used: no DNS-rebinding window.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { checkAddress, type PrivateNetworks } from '../engine/address-policy.ts';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export class BlockedAddressError extends Error {
  code = 'EHERALDBLOCKED';
}

/** The resolver underneath; tests pass a fake one so no query leaves the machine. */
export type Resolver = (hostname: string, options: LookupOptions & { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export function createCheckedLookup(options: { allowPrivateNetworks: PrivateNetworks; resolve?: Resolver }) {
  const resolve: Resolver = options.resolve ?? dnsLookup;
  return function checkedLookup(hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((entry) => checkAddress(entry.address, options).allowed);
      if (allowed.length === 0) {
        const first = addresses[0];
        const why = first ? checkAddress(first.address, options) : { allowed: false as const, reason: 'no address' };
        const reason = why.allowed ? 'no address' : why.reason;
        return callback(new BlockedAddressError(`${hostname} resolves to a refused address (${reason})`), []);
      }
      if (lookupOptions.all) return callback(null, allowed);
      const first = allowed[0]!;
      callback(null, first.address, first.family);
    });
  };
}
