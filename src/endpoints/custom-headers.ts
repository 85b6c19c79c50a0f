// An endpoint's custom headers as stored (`endpoints.headers`, jsonb): names in the clear, values
// sealed (src/endpoints/secret-box.ts), since they are often the receiver's credentials. Rows
// written before values were sealed hold `{ name, value }`; `sealPlainHeaderValues` (run at
// start-up) seals them, and until then they still open.
import type { EndpointHeader } from './endpoint-rules.ts';
import { openHeaderValue, sealHeaderValue, type EncryptionKey } from './secret-box.ts';

export type StoredHeader = { name: string; sealed: string } | { name: string; value: string };

/** What keys without endpoints:write see instead of a value. */
export const MASKED_HEADER_VALUE = '••••••••';

export function sealHeaders(headers: readonly EndpointHeader[], key: EncryptionKey, endpointId: string): StoredHeader[] {
  return headers.map(({ name, value }) => ({ name, sealed: sealHeaderValue(value, key, endpointId, name) }));
}

export function openHeaders(stored: unknown, keys: readonly EncryptionKey[], endpointId: string): EndpointHeader[] {
  return storedHeaders(stored).map((header) => ({
    name: header.name,
    value: 'sealed' in header ? openHeaderValue(header.sealed, keys, endpointId, header.name) : header.value,
  }));
}

export function maskHeaders(stored: unknown): EndpointHeader[] {
  return storedHeaders(stored).map(({ name }) => ({ name, value: MASKED_HEADER_VALUE }));
}

/** True when some value is still stored in the clear. */
export function hasPlainValues(stored: unknown): boolean {
  return storedHeaders(stored).some((header) => !('sealed' in header));
}

// jsonb comes back as `unknown` (Prisma's JsonValue); only Herald writes the column.
function storedHeaders(stored: unknown): StoredHeader[] {
  return Array.isArray(stored) ? (stored as StoredHeader[]) : [];
}
