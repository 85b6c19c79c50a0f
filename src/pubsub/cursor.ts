// The cursor a subscription item carries (`extensions.herald.cursor`) and `resumeAfter` takes back:
// its place in the change log, its organization and topic, and when it was logged, sealed with
// AES-256-GCM under a key derived from HERALD_ENCRYPTION_KEY. Sealed rather than signed: the log's
// positions count every organization's changes, which is no organization's business. Authenticated:
// a forged or altered cursor does not open, and one of another organization opens to a place that
// is not the caller's, so both are refused alike and the answer tells nothing. The IV is derived
// from the place (as AES-GCM-SIV would), so one change has one cursor on every process: repeating
// an IV only ever repeats the same plaintext, which shows nothing but that the cursors are equal.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import type { LogKey } from './change-log.ts';
import type { ChangeTopic } from './notices.ts';

export interface CursorPlace extends LogKey {
  organizationId: string;
  kind: ChangeTopic;
  /** When the change was logged (ms since the epoch): the cursor expires HERALD_CHANGE_RETENTION after. */
  atMs: number;
}

const PREFIX = 'c1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The cursor key of an encryption key: never the key itself, so a cursor opens nothing else. */
export function cursorKeyOf(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'herald change cursor v1', 32));
}

export function sealCursor(place: CursorPlace, key: Buffer): string {
  const plain = JSON.stringify([place.organizationId, place.kind, place.xid.toString(), place.position.toString(), place.atMs]);
  const iv = createHmac('sha256', key).update('iv').update(plain).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return PREFIX + sealed.toString('base64url');
}

/** The place a cursor names, or null when it does not open under any of `keys` (forged, altered, not a cursor). */
export function openCursor(text: string, keys: readonly Buffer[]): CursorPlace | null {
  if (!text.startsWith(PREFIX) || text.length > 512) return null;
  const sealed = Buffer.from(text.slice(PREFIX.length), 'base64url');
  if (sealed.length <= IV_BYTES + TAG_BYTES) return null;
  for (const key of keys) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      const [organizationId, kind, xid, position, atMs] = JSON.parse(plain) as [string, ChangeTopic, string, string, number];
      return { organizationId, kind, xid: BigInt(xid), position: BigInt(position), atMs };
    } catch {
      // Not sealed under this key: try the next one.
    }
  }
  return null;
}
