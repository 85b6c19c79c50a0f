import type { SignatureScheme } from '@herald/sdk';

export const SCHEMES: ReadonlyArray<{ value: SignatureScheme; label: string; line: string }> = [
  {
    value: 'STANDARD_WEBHOOKS',
    label: 'Standard Webhooks',
    line: 'webhook-id, webhook-timestamp and webhook-signature headers; libraries exist for most languages. Recommended.',
  },
  {
    value: 'STANDARD_WEBHOOKS_ED25519',
    label: 'Standard Webhooks, Ed25519',
    line: 'The same headers, signed with a private key that stays here: you verify with a public key, so there is no shared secret to keep safe.',
  },
  {
    value: 'HMAC_SHA256_TIMESTAMPED',
    label: 'HMAC-SHA256 with timestamp',
    line: 'The signature header carries t=<unix time>,v1=<hex HMAC of "t.body">; old requests can be rejected.',
  },
  {
    value: 'HMAC_SHA256_BODY',
    label: 'HMAC-SHA256 of the body',
    line: 'The signature header carries the hex HMAC of the body; simplest, but a replayed request verifies too.',
  },
];
