// GET /jwks/<jwksId>.json: an Ed25519 endpoint's public keys as a JWKS, served without a key, so a
// receiver can fetch the keys instead of pasting them. Public data only (the keys that sign now,
// src/endpoints/jwks.ts); anything not a known Ed25519 endpoint's JWKS answers the same 404.
import type { Plugin } from 'graphql-yoga';
import type { Db } from '../db/prisma.ts';
import { endpointJwks } from '../endpoints/jwks.ts';

const PATH = /^\/jwks\/([^/]+)\.json$/;
// Five minutes: a receiver refreshes within that of a rotation; docs/signing.md asks for a grace
// period longer than it, so no delivery is signed only by a key a cache has not seen.
const MAX_AGE_SECONDS = 300;

export function useJwksRoute(db: Db): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const match = PATH.exec(url.pathname);
      if (!match || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const jwks = await endpointJwks(db, match[1]!, new Date());
      if (!jwks) {
        return endResponse(new Response(JSON.stringify({ error: 'not found' }), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } }));
      }
      return endResponse(
        new Response(JSON.stringify(jwks), {
          headers: {
            'content-type': 'application/jwk-set+json',
            'cache-control': `public, max-age=${MAX_AGE_SECONDS}`,
            // Public keys: any page may read them, and no credential is ever involved.
            'access-control-allow-origin': '*',
          },
        }),
      );
    },
  };
}
