-- Attempt forensics: the headers each way (secret values redacted), the address connected to and
-- a timing breakdown. Nullable: attempts recorded before this, and attempts that sent nothing, have none.
ALTER TABLE attempts
  ADD COLUMN request_headers jsonb,
  ADD COLUMN response_headers jsonb,
  ADD COLUMN remote_address text,
  ADD COLUMN timings jsonb;
