// What an endpoint tells the world of its Ed25519 keys: the `whpk_` keys that sign now and the
// public JWKS of them. The JWKS is named by the endpoint's jwksId, a random name kept for this
// alone, so its URL reveals neither the endpoint's id nor its organization nor when it was made.
import type { Endpoint } from '../generated/prisma/client.ts';
import type { HeraldConfig } from '../config/config.ts';
import type { Db } from '../db/prisma.ts';
import { jwksOf, type Jwks } from '../engine/jwks.ts';
import { keysThatSign } from '../engine/signing-keys.ts';

type EndpointPublicKeys = Pick<Endpoint, 'signatureScheme' | 'signingPublicKey' | 'previousSigningPublicKey' | 'previousSecretExpiresAt'>;

/** 18 random bytes, base64url (src/endpoints/endpoints.ts makes them). */
const JWKS_ID = /^[A-Za-z0-9_-]{24}$/;

/** The public keys that sign now, current first; empty for the HMAC schemes, whose secret is the only key. */
export function signingPublicKeysOf(endpoint: EndpointPublicKeys, now: Date): string[] {
  if (endpoint.signatureScheme !== 'STANDARD_WEBHOOKS_ED25519' || endpoint.signingPublicKey === null) return [];
  return keysThatSign({ current: endpoint.signingPublicKey, previous: endpoint.previousSigningPublicKey, previousExpiresAt: endpoint.previousSecretExpiresAt }, now);
}

export function jwksPath(jwksId: string): string {
  return `/jwks/${jwksId}.json`;
}

export function jwksUrlOf(config: Pick<HeraldConfig, 'publicUrl' | 'port'>, jwksId: string): string {
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  return `${base.replace(/\/+$/, '')}${jwksPath(jwksId)}`;
}

/** Null for a name no Ed25519 endpoint has: unknown, malformed and HMAC endpoints alike. */
export async function endpointJwks(db: Db, jwksId: string, now: Date): Promise<Jwks | null> {
  if (!JWKS_ID.test(jwksId)) return null;
  const endpoint = await db.endpoint.findUnique({
    where: { jwksId },
    select: { signatureScheme: true, signingPublicKey: true, previousSigningPublicKey: true, previousSecretExpiresAt: true },
  });
  const keys = endpoint ? signingPublicKeysOf(endpoint, now) : [];
  return keys.length > 0 ? jwksOf(keys) : null;
}
