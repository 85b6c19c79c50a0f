-- The key that minted a portal session (docs/portal.md): revoking that key revokes its sessions in
-- the same transaction, so a browser token never outlives the credential it was cut from. Null for
-- a session minted by `herald portal-link` (no key) and for sessions minted before this column.
-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN "minted_by_key_id" UUID;

-- CreateIndex
CREATE INDEX "api_keys_minted_by_key_id_idx" ON "api_keys"("minted_by_key_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_minted_by_key_id_fkey" FOREIGN KEY ("minted_by_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
