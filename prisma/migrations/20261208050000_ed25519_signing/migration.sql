-- Ed25519 signatures (Standard Webhooks v1a). The private key is sealed in secret_sealed like
-- every secret; its public key is kept beside it in the clear, so the API and the public JWKS
-- read it without opening a secret. jwks_id names the JWKS URL: random, so the URL says nothing
-- of the endpoint's id, organization or creation time.
-- AlterEnum
ALTER TYPE "SignatureScheme" ADD VALUE 'STANDARD_WEBHOOKS_ED25519';

-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN "signing_public_key" TEXT,
ADD COLUMN "previous_signing_public_key" TEXT,
ADD COLUMN "jwks_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_jwks_id_key" ON "endpoints"("jwks_id");
