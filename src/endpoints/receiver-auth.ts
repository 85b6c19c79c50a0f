// An endpoint's receiver authentication: OAuth2 client credentials (`authentication.oauth2`) and
// mTLS with a private CA (`tls`). Checked on input with every problem reported at once; stored in
// the `oauth2` and `tls` jsonb columns with the client secret and the client key sealed
// (src/endpoints/secret-box.ts); opened for the worker; shown without the secret parts.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { FieldIssue } from '../errors.ts';
import type { PrivateNetworks } from '../engine/address-policy.ts';
import type { EndpointTls, OAuth2ClientAuthentication, OAuth2Credentials } from '../engine/receiver-credentials.ts';
import { checkUrl } from './endpoint-rules.ts';
import { openCredential, sealCredential, type EncryptionKey } from './secret-box.ts';

export interface OAuth2Input {
  tokenUrl: string;
  clientId: string;
  /** Required unless the endpoint has one already: absent keeps it (forms never see it again). */
  clientSecret?: string | null | undefined;
  scopes?: string[] | null | undefined;
  audience?: string | null | undefined;
  clientAuthentication?: OAuth2ClientAuthentication | null | undefined;
}

export interface AuthenticationInput {
  /** Null removes it. */
  oauth2?: OAuth2Input | null | undefined;
}

export interface TlsInput {
  clientCertificate?: string | null | undefined;
  /** Absent with a clientCertificate keeps the endpoint's key, if it matches the certificate. */
  clientKey?: string | null | undefined;
  caCertificates?: string | null | undefined;
  trustSystemCertificates?: boolean | null | undefined;
}

export interface StoredOAuth2 {
  tokenUrl: string;
  clientId: string;
  scopes: string[];
  audience: string | null;
  clientAuthentication: OAuth2ClientAuthentication;
  clientSecretSealed: string;
}

export interface StoredTls {
  clientCertificate: string | null;
  clientKeySealed: string | null;
  caCertificates: string | null;
  trustSystemCertificates: boolean;
}

export const RECEIVER_AUTH_LIMITS = {
  clientIdLength: 255,
  clientSecretLength: 1024,
  scopes: 50,
  scopeLength: 200,
  audienceLength: 2048,
  pemBytes: 64 * 1024,
  caCertificates: 100,
  caBytes: 512 * 1024,
} as const;

/** Checked, not yet sealed: a null secret or key keeps the one the endpoint has. */
export interface CheckedOAuth2 extends Omit<StoredOAuth2, 'clientSecretSealed'> {
  clientSecret: string | null;
}
export interface CheckedTls extends Omit<StoredTls, 'clientKeySealed'> {
  clientKey: string | null;
}

export interface ExistingCredentials {
  oauth2: StoredOAuth2 | null;
  tls: StoredTls | null;
  /** The endpoint's TLS client key, unsealed (to check it against a new certificate). */
  openTlsKey(): string | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

const PRINTABLE = /^[^\u0000-\u001F\u007F]+$/;
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function checkOAuth2(input: OAuth2Input, existing: StoredOAuth2 | null, allowPrivateNetworks: PrivateNetworks): Checked<CheckedOAuth2> {
  const issues: FieldIssue[] = [];
  const path = (field: string, ...rest: string[]) => ['authentication', 'oauth2', field, ...rest];
  const url = checkUrl(input.tokenUrl, allowPrivateNetworks);
  if ('problem' in url) issues.push({ path: path('tokenUrl'), message: url.problem });
  const { clientIdLength, clientSecretLength, scopes: maxScopes, scopeLength, audienceLength } = RECEIVER_AUTH_LIMITS;
  if (input.clientId.length < 1 || input.clientId.length > clientIdLength || !PRINTABLE.test(input.clientId)) {
    issues.push({ path: path('clientId'), message: `must be 1–${clientIdLength} characters, without control characters` });
  }
  const secret = input.clientSecret;
  if (secret == null) {
    if (!existing) issues.push({ path: path('clientSecret'), message: 'is required (the endpoint has none yet)' });
  } else if (secret.length < 1 || secret.length > clientSecretLength || !PRINTABLE.test(secret)) {
    issues.push({ path: path('clientSecret'), message: `must be 1–${clientSecretLength} characters, without control characters` });
  }
  const scopes = input.scopes ?? [];
  if (scopes.length > maxScopes) issues.push({ path: path('scopes'), message: `must list at most ${maxScopes}` });
  else {
    const seen = new Set<string>();
    scopes.forEach((scope, index) => {
      if (scope.length > scopeLength || !SCOPE_TOKEN.test(scope)) {
        issues.push({ path: path('scopes', String(index)), message: `must be 1–${scopeLength} visible ASCII characters other than " and \\ (an RFC 6749 scope token)` });
      } else if (seen.has(scope)) issues.push({ path: path('scopes', String(index)), message: `"${scope}" is listed twice` });
      seen.add(scope);
    });
  }
  const audience = input.audience ?? null;
  if (audience !== null && (audience.length < 1 || audience.length > audienceLength || !PRINTABLE.test(audience))) {
    issues.push({ path: path('audience'), message: `must be 1–${audienceLength} characters, without control characters` });
  }
  if (issues.length > 0 || 'problem' in url) return { ok: false, issues };
  return {
    ok: true,
    value: { tokenUrl: url.url, clientId: input.clientId, clientSecret: secret ?? null, scopes, audience, clientAuthentication: input.clientAuthentication ?? 'BASIC' },
  };
}

export function checkTls(input: TlsInput, existing: ExistingCredentials | null, now: Date): Checked<CheckedTls> {
  const issues: FieldIssue[] = [];
  const path = (field: string) => ['tls', field];
  const { pemBytes, caCertificates: maxCas, caBytes } = RECEIVER_AUTH_LIMITS;
  const trustSystemCertificates = input.trustSystemCertificates ?? true;

  let leaf: X509Certificate | null = null;
  const certificate = input.clientCertificate ?? null;
  if (certificate !== null) {
    const parsed = certificatesIn(certificate, pemBytes, 20, now);
    if ('problem' in parsed) issues.push({ path: path('clientCertificate'), message: parsed.problem });
    else leaf = parsed.certificates[0]!;
  }

  const key = input.clientKey ?? null;
  let privateKey: KeyObject | null = null;
  if (key !== null) {
    const parsed = privateKeyIn(key, pemBytes);
    if ('problem' in parsed) issues.push({ path: path('clientKey'), message: parsed.problem });
    else privateKey = parsed.key;
    if (certificate === null) issues.push({ path: path('clientCertificate'), message: 'is required with a clientKey' });
  }
  let keptKey = false;
  if (certificate !== null && key === null) {
    const kept = existing?.tls?.clientKeySealed ? existing.openTlsKey() : null;
    if (kept === null) issues.push({ path: path('clientKey'), message: 'is required with a clientCertificate' });
    else if (leaf && !leaf.checkPrivateKey(createPrivateKey(kept))) {
      issues.push({ path: path('clientKey'), message: "is required: the endpoint's current key does not match this certificate" });
    } else keptKey = true;
  }
  if (leaf && privateKey && !leaf.checkPrivateKey(privateKey)) {
    issues.push({ path: path('clientKey'), message: 'does not match the client certificate (the first certificate in clientCertificate)' });
  }

  const cas = input.caCertificates ?? null;
  if (cas !== null) {
    const parsed = certificatesIn(cas, caBytes, maxCas, now);
    if ('problem' in parsed) issues.push({ path: path('caCertificates'), message: parsed.problem });
  }
  if (!trustSystemCertificates && cas === null) {
    issues.push({ path: path('trustSystemCertificates'), message: "may be false only with caCertificates: otherwise no receiver's certificate could be trusted" });
  }
  if (certificate === null && key === null && cas === null && trustSystemCertificates) {
    issues.push({ path: ['tls'], message: 'must give a clientCertificate and clientKey, caCertificates, or both (null removes the TLS settings)' });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { clientCertificate: certificate, clientKey: keptKey ? null : key, caCertificates: cas, trustSystemCertificates } };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/** One or more PEM certificates and nothing else but whitespace, each readable and valid now. */
function certificatesIn(text: string, maxBytes: number, maxCount: number, now: Date): { certificates: X509Certificate[] } | { problem: string } {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { problem: `must be at most ${maxBytes / 1024} KiB` };
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0 || text.replace(PEM_CERTIFICATE, '').trim() !== '') {
    return { problem: 'must be PEM: one or more "-----BEGIN CERTIFICATE-----" blocks and nothing else' };
  }
  if (blocks.length > maxCount) return { problem: `must hold at most ${maxCount} certificates` };
  const certificates: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    const which = blocks.length > 1 ? `certificate ${index + 1} ` : 'the certificate ';
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch {
      return { problem: `${which}is not a readable X.509 certificate` };
    }
    const subject = certificate.subject.replaceAll('\n', ', ');
    if (new Date(certificate.validToDate) <= now) return { problem: `${which}(${subject}) expired on ${new Date(certificate.validToDate).toISOString()}` };
    if (new Date(certificate.validFromDate) > now) return { problem: `${which}(${subject}) is not valid until ${new Date(certificate.validFromDate).toISOString()}` };
    certificates.push(certificate);
  }
  return { certificates };
}

function privateKeyIn(text: string, maxBytes: number): { key: KeyObject } | { problem: string } {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { problem: `must be at most ${maxBytes / 1024} KiB` };
  const trimmed = text.trim();
  if (/^-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(trimmed) || /Proc-Type: 4,ENCRYPTED/.test(trimmed)) {
    return { problem: 'must be an unencrypted PEM private key (this one needs a passphrase)' };
  }
  if (!/^-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----$/.test(trimmed)) {
    return { problem: 'must be PEM: a "-----BEGIN PRIVATE KEY-----" block' };
  }
  try {
    return { key: createPrivateKey(trimmed) };
  } catch {
    return { problem: 'is not a readable private key' };
  }
}

export function sealOAuth2(checked: CheckedOAuth2, existing: StoredOAuth2 | null, key: EncryptionKey, endpointId: string): StoredOAuth2 {
  const { clientSecret, ...rest } = checked;
  const sealed = clientSecret !== null ? sealCredential(clientSecret, key, endpointId, 'oauth2-client-secret') : existing!.clientSecretSealed;
  return { ...rest, clientSecretSealed: sealed };
}

export function sealTls(checked: CheckedTls, existing: StoredTls | null, key: EncryptionKey, endpointId: string): StoredTls {
  const { clientKey, ...rest } = checked;
  const sealed = clientKey !== null ? sealCredential(clientKey, key, endpointId, 'tls-client-key') : rest.clientCertificate !== null ? existing!.clientKeySealed : null;
  return { ...rest, clientKeySealed: sealed };
}

// jsonb comes back as `unknown` (Prisma's JsonValue); only Herald writes these columns.
export function storedOAuth2(column: unknown): StoredOAuth2 | null {
  return column !== null && typeof column === 'object' ? (column as StoredOAuth2) : null;
}

export function storedTls(column: unknown): StoredTls | null {
  return column !== null && typeof column === 'object' ? (column as StoredTls) : null;
}

export function openOAuth2(column: unknown, keys: readonly EncryptionKey[], endpointId: string): OAuth2Credentials | null {
  const stored = storedOAuth2(column);
  if (!stored) return null;
  return {
    tokenUrl: stored.tokenUrl,
    clientId: stored.clientId,
    clientSecret: openCredential(stored.clientSecretSealed, keys, endpointId, 'oauth2-client-secret'),
    scopes: stored.scopes,
    audience: stored.audience,
    clientAuthentication: stored.clientAuthentication,
  };
}

export function openTls(column: unknown, keys: readonly EncryptionKey[], endpointId: string): EndpointTls | null {
  const stored = storedTls(column);
  if (!stored) return null;
  return {
    clientCertificate: stored.clientCertificate,
    clientKey: stored.clientKeySealed === null ? null : openCredential(stored.clientKeySealed, keys, endpointId, 'tls-client-key'),
    caCertificates: stored.caCertificates,
    trustSystemCertificates: stored.trustSystemCertificates,
  };
}

/** What the API shows of the OAuth2 settings: everything but the secret, and that one is set. */
export function oauth2View(column: unknown) {
  const stored = storedOAuth2(column);
  if (!stored) return null;
  const { clientSecretSealed, ...shown } = stored;
  return { ...shown, clientSecretSet: clientSecretSealed.length > 0 };
}

/** What the API shows of the TLS settings: the certificates (public) and whether a key is set. */
export function tlsView(column: unknown) {
  const stored = storedTls(column);
  if (!stored) return null;
  const { clientKeySealed, ...shown } = stored;
  const leaf = stored.clientCertificate ? new X509Certificate(stored.clientCertificate.match(PEM_CERTIFICATE)![0]!) : null;
  return {
    ...shown,
    clientKeySet: clientKeySealed !== null,
    clientCertificateSubject: leaf ? leaf.subject.replaceAll('\n', ', ') : null,
    clientCertificateExpiresAt: leaf ? new Date(leaf.validToDate) : null,
  };
}

export interface ReceiverAuthInput {
  /** Null removes every authentication setting; absent leaves them. */
  authentication?: AuthenticationInput | null | undefined;
  /** Null removes the TLS settings; absent leaves them. */
  tls?: TlsInput | null | undefined;
}

/** Columns to write: undefined leaves a column as it is, null clears it. */
export interface ReceiverAuthColumns {
  oauth2?: StoredOAuth2 | null;
  tls?: StoredTls | null;
}

/** Checks both settings (on update against what the endpoint has); sealing waits for the endpoint's id. */
export function checkReceiverAuth(
  input: ReceiverAuthInput,
  existing: ExistingCredentials | null,
  context: { allowPrivateNetworks: PrivateNetworks; now: Date; url: string | undefined },
): Checked<(key: EncryptionKey, endpointId: string) => ReceiverAuthColumns> {
  const issues: FieldIssue[] = [];
  let oauth2: CheckedOAuth2 | null | undefined;
  if (input.authentication === null || input.authentication?.oauth2 === null) oauth2 = null;
  else if (input.authentication?.oauth2) {
    const checked = checkOAuth2(input.authentication.oauth2, existing?.oauth2 ?? null, context.allowPrivateNetworks);
    if (checked.ok) oauth2 = checked.value;
    else issues.push(...checked.issues);
  }
  let tls: CheckedTls | null | undefined;
  if (input.tls === null) tls = null;
  else if (input.tls !== undefined) {
    const checked = context.url?.startsWith('http://')
      ? { ok: false as const, issues: [{ path: ['tls'], message: 'applies to https:// endpoints only (this one is http://)' }] }
      : checkTls(input.tls, existing, context.now);
    if (checked.ok) tls = checked.value;
    else issues.push(...checked.issues);
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: (key, endpointId) => ({
      ...(oauth2 !== undefined ? { oauth2: oauth2 && sealOAuth2(oauth2, existing?.oauth2 ?? null, key, endpointId) } : {}),
      ...(tls !== undefined ? { tls: tls && sealTls(tls, existing?.tls ?? null, key, endpointId) } : {}),
    }),
  };
}
