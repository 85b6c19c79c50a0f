-- A token endpoint (OAuth2 client credentials) that failed: an attempt error of its own kind.
ALTER TYPE "AttemptErrorKind" ADD VALUE 'AUTHENTICATION';

-- How Herald authenticates to the receiver (docs/receiver-authentication.md). Both hold their
-- secret part sealed (src/endpoints/receiver-auth.ts): the OAuth2 client secret and the TLS client key.
ALTER TABLE "endpoints" ADD COLUMN "oauth2" JSONB;
ALTER TABLE "endpoints" ADD COLUMN "tls" JSONB;
