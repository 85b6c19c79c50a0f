// API key tokens. A key is 32 random bytes in base62 behind a recognisable prefix (so secret
// scanners can find leaked keys); only its SHA-256 is stored, and lookups go by that hash.
import { createHash, timingSafeEqual } from 'node:crypto';

const PREFIX = { ADMIN: 'hrld_admin_', ORGANIZATION: 'hrld_org_', PORTAL: 'hrld_portal_' } as const;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** How much of the token is stored in clear, to tell keys apart in a list. */
const SHOWN_CHARACTERS = 6;

export function generateApiKey(kind: keyof typeof PREFIX, randomBytes: (n: number) => Buffer): { token: string; prefix: string; hash: Buffer } {
  const token = `${PREFIX[kind]}${toBase62(randomBytes(32))}`;
  return { token, prefix: token.slice(0, PREFIX[kind].length + SHOWN_CHARACTERS), hash: hashApiKey(token) };
}

export function hashApiKey(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Digests have equal length, so timingSafeEqual never throws and leaks nothing by timing. */
export function tokensMatch(storedHash: Buffer, candidateToken: string): boolean {
  const candidate = hashApiKey(candidateToken);
  return storedHash.length === candidate.length && timingSafeEqual(storedHash, candidate);
}

/** What an Authorization header holds: nothing, something other than a bearer token, or a token. */
export type BearerHeader = { kind: 'MISSING' } | { kind: 'MALFORMED' } | { kind: 'TOKEN'; token: string };

export function readBearer(header: string | null | undefined): BearerHeader {
  if (!header || header.trim() === '') return { kind: 'MISSING' };
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return match ? { kind: 'TOKEN', token: match[1]! } : { kind: 'MALFORMED' };
}

/** The token of `Authorization: Bearer <token>`, or null for anything else. */
export function parseBearer(header: string | null | undefined): string | null {
  const bearer = readBearer(header);
  return bearer.kind === 'TOKEN' ? bearer.token : null;
}

function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(43, '0');
}
