// Signing secrets, custom header values and receiver credentials at rest: AES-256-GCM under HERALD_ENCRYPTION_KEY. A fresh 12-byte IV per seal;
// the 16-byte tag length is explicit on both sides (otherwise a truncated tag would be accepted);
// the endpoint id is associated data, so a sealed secret copied onto another row does not open;
// the key's fingerprint travels with the ciphertext, so a key rotation can still open old rows.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  /** First 8 hex characters of the key's SHA-256: the key version recorded in sealed secrets. */
  id: string;
  key: Buffer;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function encryptionKeyFromBytes(key: Buffer): EncryptionKey {
  if (key.length !== 32) throw new SecretBoxError(`an encryption key must be 32 bytes, got ${key.length}`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export function sealSecret(secret: string, key: EncryptionKey, endpointId: string, iv?: Buffer): string {
  return seal(secret, key, associatedData('endpoint-secret', endpointId), iv);
}

export function openSecret(sealed: string, keys: readonly EncryptionKey[], endpointId: string): string {
  return open(sealed, keys, associatedData('endpoint-secret', endpointId));
}

/**
 * Custom header values are often the receiver's credentials, so they are sealed like secrets. The
 * header's name is part of the associated data: a value copied onto another header (or row) does
 * not open.
 */
export function sealHeaderValue(value: string, key: EncryptionKey, endpointId: string, headerName: string, iv?: Buffer): string {
  return seal(value, key, associatedData('endpoint-header', `${endpointId}:${headerName.toLowerCase()}`), iv);
}

export function openHeaderValue(sealed: string, keys: readonly EncryptionKey[], endpointId: string, headerName: string): string {
  return open(sealed, keys, associatedData('endpoint-header', `${endpointId}:${headerName.toLowerCase()}`));
}

/**
 * An endpoint's other credentials: the OAuth2 client secret and the TLS client key. Each purpose
 * is associated data, so one cannot be copied into the other's place.
 */
export type CredentialPurpose = 'oauth2-client-secret' | 'tls-client-key';

export function sealCredential(plain: string, key: EncryptionKey, endpointId: string, purpose: CredentialPurpose, iv?: Buffer): string {
  return seal(plain, key, associatedData(`endpoint-${purpose}`, endpointId), iv);
}

export function openCredential(sealed: string, keys: readonly EncryptionKey[], endpointId: string, purpose: CredentialPurpose): string {
  return open(sealed, keys, associatedData(`endpoint-${purpose}`, endpointId));
}

function seal(plain: string, key: EncryptionKey, aad: Buffer, iv: Buffer = randomBytes(IV_BYTES)): string {
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [FORMAT, key.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

function open(sealed: string, keys: readonly EncryptionKey[], aad: Buffer): string {
  const [format, keyId, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (format !== FORMAT || !keyId || !iv || !tag || ciphertext === undefined || rest.length > 0) {
    throw new SecretBoxError('not a sealed secret');
  }
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) throw new SecretBoxError(`sealed with key ${keyId}, which is not configured`);
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError('not a sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('the sealed secret failed authentication');
  }
}

function associatedData(purpose: 'endpoint-secret' | 'endpoint-header' | `endpoint-${CredentialPurpose}`, subject: string): Buffer {
  return Buffer.from(`herald:${purpose}:${FORMAT}:${subject}`, 'utf8');
}
