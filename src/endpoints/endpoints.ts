// Endpoint management: every write checks its input first and is scoped to one organization, so an
// id of another organization answers exactly like a missing one.
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../uuid7.ts';
import { EndpointVerificationError, LimitExceededError, NotFoundError, ValidationError } from '../errors.ts';
import { endpointNotice, notifyChange } from '../pubsub/notices.ts';
import { cancelPendingDeliveries } from '../delivery-state/transitions.ts';
import { spendToggle } from '../operational-events/toggle-budget.ts';
import { emitEndpointToggled } from '../operational-events/endpoint-toggles.ts';
import { resetRateLimiter } from '../delivery-state/rate-limit.ts';
import { eventTypeNames } from '../event-types/event-types.ts';
import type { CatalogView } from '../event-types/catalog-view.ts';
import { Prisma, type Endpoint } from '../generated/prisma/client.ts';
import type { SignatureScheme } from '../generated/prisma/enums.ts';
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Db } from '../db/prisma.ts';
import type { AppServices } from '../services.ts';
import {
  type CheckedEndpointFields,
  type EndpointInput,
  validateEndpointCreate,
  validateEndpointUpdate,
} from './endpoint-rules.ts';
import { hasPlainValues, openHeaders, sealHeaders } from './custom-headers.ts';
import { sealSecret, type EncryptionKey } from './secret-box.ts';
import { generateSecretFor, parseSecretFor } from './signing-secret.ts';
import { checkReceiverAuth, openTls, storedOAuth2, storedTls, type ReceiverAuthColumns, type ReceiverAuthInput } from './receiver-auth.ts';
import { recordEndpointChange, SECRET_ROTATED } from '../audit/endpoint-audit.ts';

/** Whether deliveries carry the publisher's W3C trace context (docs/telemetry.md); absent or null: unchanged (false on create). */
export interface TraceContextChoice {
  propagateTraceContext?: boolean | null | undefined;
}

export interface CreateEndpointInput extends EndpointInput, ReceiverAuthInput, TraceContextChoice {
  signatureScheme?: SignatureScheme | null | undefined;
  verify?: boolean | null | undefined;
  secret?: string | null | undefined;
}

/** The longest rotation grace period: a week, like Svix and Stripe. */
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;

export async function createEndpoint(
  services: AppServices,
  view: CatalogView,
  organizationId: string,
  input: CreateEndpointInput,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const { db, config } = services;
  const checked = validateEndpointCreate(input, await rulesContext(services, view));
  const issues = checked.ok ? [] : [...checked.issues];
  const scheme = input.signatureScheme ?? 'STANDARD_WEBHOOKS';
  const chosen = chooseSecret(scheme, input.secret);
  if (!chosen.ok) issues.push({ path: ['secret'], message: chosen.message });
  const auth = checkReceiverAuth(input, null, { allowPrivateNetworks: config.allowPrivateNetworks, now: new Date(), url: checked.ok ? checked.value.url : undefined });
  if (!auth.ok) issues.push(...auth.issues);
  if (!checked.ok || !chosen.ok || !auth.ok || issues.length > 0) throw new ValidationError(issues);
  const { secret, publicKey } = chosen;
  const fields = checked.value;

  // Checked before the (slow) verification and again under the lock, where it is authoritative.
  const limit = config.maxEndpointsPerOrg;
  if ((await db.endpoint.count({ where: { organizationId } })) >= limit) throw endpointLimit(limit);

  let verifiedAt: Date | null = null;
  if (input.verify) {
    const verdict = await services.verifyEndpoint(fields.url);
    if (!verdict.ok) throw new EndpointVerificationError(`Endpoint verification failed: ${verdict.reason}`);
    verifiedAt = new Date();
  }

  const id = uuidv7();
  const endpoint = await db.$transaction(async (tx) => {
    // Serializes creations per organization so two concurrent requests cannot both pass the limit.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${organizationId}, 0))`;
    if ((await tx.endpoint.count({ where: { organizationId } })) >= limit) throw endpointLimit(limit);
    const created = await tx.endpoint.create({
      data: {
        id,
        organizationId,
        ...toColumns(fields, services.encryptionKey, id),
        ...authColumns(auth.value(services.encryptionKey, id)),
        url: fields.url,
        name: fields.name ?? defaultName(fields.url),
        signatureScheme: scheme,
        secretSealed: sealSecret(secret, services.encryptionKey, id),
        verifiedAt,
        propagateTraceContext: input.propagateTraceContext ?? false,
        ...(publicKey !== null ? { signingPublicKey: publicKey, jwksId: randomBytes(18).toString('base64url') } : {}),
      },
    });
    await recordEndpointChange(tx, services, 'endpoint.created', null, created);
    return created;
  });
  return { endpoint, secret };
}

export async function updateEndpoint(
  services: AppServices,
  view: CatalogView,
  organizationId: string,
  id: string,
  input: EndpointInput & ReceiverAuthInput & TraceContextChoice,
): Promise<Endpoint> {
  const checked = validateEndpointUpdate(input, await rulesContext(services, view));
  if (!checked.ok) throw new ValidationError(checked.issues);
  const existing = await findEndpoint(services, organizationId, id);
  const auth = checkReceiverAuth(
    input,
    {
      oauth2: storedOAuth2(existing.oauth2),
      tls: storedTls(existing.tls),
      openTlsKey: () => openTls(existing.tls, services.encryptionKeys, existing.id)?.clientKey ?? null,
    },
    { allowPrivateNetworks: services.config.allowPrivateNetworks, now: new Date(), url: checked.value.url ?? existing.url },
  );
  if (!auth.ok) throw new ValidationError(auth.issues);
  const fields = checked.value;
  const urlChanged = fields.url !== undefined && fields.url !== existing.url;
  const limitChanged =
    fields.rateLimit !== undefined &&
    ((fields.rateLimit?.perSecond ?? null) !== existing.rateLimitPerSecond || (fields.rateLimit?.burst ?? null) !== existing.rateLimitBurst);
  return services.db.$transaction(async (tx) => {
    if (limitChanged) await resetRateLimiter(tx, existing.id);
    const updated = await tx.endpoint.update({
      where: { id: existing.id },
      // A new URL has not answered the echo challenge.
      data: { ...toColumns(fields, services.encryptionKey, existing.id), ...authColumns(auth.value(services.encryptionKey, existing.id)), ...(fields.name ? { name: fields.name } : {}), ...(urlChanged ? { verifiedAt: null } : {}), ...(input.propagateTraceContext != null ? { propagateTraceContext: input.propagateTraceContext } : {}) },
    });
    await recordEndpointChange(tx, services, 'endpoint.updated', existing, updated);
    return updated;
  });
}

export async function rotateEndpointSecret(
  services: AppServices,
  organizationId: string,
  id: string,
  input: { gracePeriodSeconds?: number | null | undefined; secret?: string | null | undefined },
): Promise<{ endpoint: Endpoint; secret: string }> {
  const grace = input.gracePeriodSeconds ?? 0;
  const issues = [];
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_PERIOD_SECONDS) {
    issues.push({ path: ['gracePeriodSeconds'], message: `must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS} (7 days)` });
  }
  // The new secret is of the endpoint's scheme, which is known once the endpoint is found; a
  // missing endpoint still answers ValidationError first when the grace is out of range.
  if (issues.length > 0) throw new ValidationError(issues);
  const existing = await findEndpoint(services, organizationId, id);
  const chosen = chooseSecret(existing.signatureScheme, input.secret);
  if (!chosen.ok) throw new ValidationError([{ path: ['secret'], message: chosen.message }]);
  const { secret, publicKey } = chosen;
  const endpoint = await services.db.$transaction(async (tx) => {
    const rotated = await tx.endpoint.update({
      where: { id: existing.id },
      data: {
        secretSealed: sealSecret(secret, services.encryptionKey, existing.id),
        // With no grace the old secret stops at once; otherwise deliveries carry both signatures.
        previousSecretSealed: grace > 0 ? existing.secretSealed : null,
        previousSecretExpiresAt: grace > 0 ? new Date(Date.now() + grace * 1000) : null,
        signingPublicKey: publicKey,
        previousSigningPublicKey: grace > 0 ? existing.signingPublicKey : null,
      },
    });
    // Only the secret changed here (whatever a concurrent update did to the settings).
    await recordEndpointChange(tx, services, 'endpoint.secret_rotated', rotated, rotated, SECRET_ROTATED);
    return rotated;
  });
  return { endpoint, secret };
}

/**
 * Sets the explicit target state. Turning off cancels the endpoint's pending retries; turning on
 * clears the disable reason and the failure count. A change of state is announced as an
 * operational event (herald.endpoint.disabled / .enabled) in the same transaction, within the
 * organization's toggle budget (src/operational-events/toggle-budget.ts).
 */
export async function toggleEndpoint(
  services: AppServices,
  organizationId: string,
  id: string,
  active: boolean,
): Promise<Endpoint> {
  const existing = await findEndpoint(services, organizationId, id);
  return services.db.$transaction(async (tx) => {
    // Takes the row lock first: of two toggles racing, only the one that flips the state announces it.
    const { count: flipped } = await tx.endpoint.updateMany({ where: { id: existing.id, active: !active }, data: { active } });
    // A change of state is announced to the operator: it spends the organization's toggle budget
    // (refused past it, RateLimitedError, rolling all of this back). A toggle to the state it has is free.
    if (flipped > 0) await spendToggle(tx, organizationId);
    if (!active) await cancelPendingDeliveries(tx, existing.id, organizationId);
    const endpoint = await tx.endpoint.update({
      where: { id: existing.id },
      data: active
        ? { active: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null }
        : // Pausing an endpoint already off keeps the time it went off.
          { active: false, disabledReason: 'MANUAL', ...(flipped > 0 ? { disabledAt: new Date() } : {}) },
    });
    await notifyChange(tx, endpointNotice(endpoint));
    if (flipped > 0) await emitEndpointToggled(tx, services.queue, endpoint);
    if (flipped > 0) await recordEndpointChange(tx, services, active ? 'endpoint.enabled' : 'endpoint.disabled', { ...endpoint, active: !active }, endpoint);
    return endpoint;
  });
}

/** Deletes the endpoint with its deliveries and attempts; jobs left in the queue find nothing. */
export async function deleteEndpoint(services: AppServices, organizationId: string, id: string): Promise<void> {
  await services.db.$transaction(async (tx) => {
    const existing = await tx.endpoint.findFirst({ where: { id, organizationId } });
    const { count } = existing ? await tx.endpoint.deleteMany({ where: { id: existing.id } }) : { count: 0 };
    if (!existing || count === 0) throw new NotFoundError('Endpoint');
    await recordEndpointChange(tx, services, 'endpoint.deleted', existing, null);
  });
}

export async function findEndpoint(services: AppServices, organizationId: string, id: string): Promise<Endpoint> {
  const endpoint = await services.db.endpoint.findFirst({ where: { id, organizationId } });
  if (!endpoint) throw new NotFoundError('Endpoint');
  return endpoint;
}

/**
 * The secret given (checked against the scheme's format) or a new one; `publicKey` is the `whpk_`
 * key of an Ed25519 secret, null for HMAC.
 */
function chooseSecret(
  scheme: SignatureScheme,
  given: string | null | undefined,
): { ok: true; secret: string; publicKey: string | null } | { ok: false; message: string } {
  const parsed = parseSecretFor(scheme, given ?? generateSecretFor(scheme, randomBytes));
  return parsed.ok ? { ok: true, secret: parsed.secret, publicKey: parsed.publicKey } : parsed;
}

/** What an endpoint may name is what the key saving it sees of the catalog (src/event-types/catalog-view.ts). */
async function rulesContext(services: AppServices, view: CatalogView) {
  return {
    catalog: await eventTypeNames(services.db, view),
    allowPrivateNetworks: services.config.allowPrivateNetworks,
    signatureHeader: services.config.signatureHeader,
  };
}

type EndpointColumns = Pick<
  Prisma.EndpointUncheckedCreateInput,
  'url' | 'description' | 'eventTypes' | 'projects' | 'headers' | 'rateLimitPerSecond' | 'rateLimitBurst' | 'filter'
>;

function toColumns(fields: CheckedEndpointFields, key: EncryptionKey, endpointId: string): Partial<EndpointColumns> {
  return {
    ...(fields.url !== undefined ? { url: fields.url } : {}),
    ...(fields.description != null ? { description: fields.description } : {}),
    ...(fields.eventTypes != null ? { eventTypes: fields.eventTypes } : {}),
    ...(fields.projects != null ? { projects: fields.projects } : {}),
    ...(fields.headers != null ? { headers: sealHeaders(fields.headers, key, endpointId) } : {}),
    ...(fields.rateLimit !== undefined ? { rateLimitPerSecond: fields.rateLimit?.perSecond ?? null, rateLimitBurst: fields.rateLimit?.burst ?? null } : {}),
    ...(fields.filter !== undefined ? { filter: fields.filter === null ? Prisma.DbNull : (fields.filter as Prisma.InputJsonValue) } : {}),
  };
}

function authColumns(columns: ReceiverAuthColumns): Pick<Prisma.EndpointUncheckedCreateInput, 'oauth2' | 'tls'> {
  const json = (value: object | null) => (value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue));
  return {
    ...(columns.oauth2 !== undefined ? { oauth2: json(columns.oauth2) } : {}),
    ...(columns.tls !== undefined ? { tls: json(columns.tls) } : {}),
  };
}

function defaultName(url: string): string {
  return new URL(url).host.slice(0, 255);
}

function endpointLimit(limit: number): LimitExceededError {
  // The portal shows this to the integrator's customer: what they can do, not the deployment's
  // setting (HERALD_MAX_ENDPOINTS_PER_ORG, docs/configuration.md); `limit` carries the number.
  return new LimitExceededError(`You can have at most ${limit} endpoints: delete one you no longer use to add another.`, limit);
}

export const PLAIN_HEADER_VALUES = checkedQuery({
  name: 'endpoints with header values in the clear',
  columns: { id: sqlTypes.uuid, headers: sqlTypes.json<unknown>('jsonb') },
  sample: {},
  sql: () => Prisma.sql`SELECT id, headers FROM endpoints WHERE jsonb_path_exists(headers, '$[*] ? (exists(@.value))')`,
});

/**
 * Seals custom header values that an older Herald stored in the clear. Run at start-up, after the
 * migrations: an SQL migration cannot do it (the encryption key never reaches the database).
 * Returns how many endpoints were sealed.
 */
export async function sealPlainHeaderValues(db: Db, keys: readonly EncryptionKey[]): Promise<number> {
  const [current] = keys;
  if (!current) throw new Error('sealPlainHeaderValues needs an encryption key');
  const rows = await PLAIN_HEADER_VALUES.run(db, {});
  let sealed = 0;
  for (const row of rows) {
    if (!hasPlainValues(row.headers)) continue;
    const headers = sealHeaders(openHeaders(row.headers, keys, row.id), current, row.id);
    // Guarded by the old value: an endpoint updated meanwhile keeps what its update wrote.
    const { count } = await db.endpoint.updateMany({ where: { id: row.id, headers: { equals: row.headers as Prisma.InputJsonValue } }, data: { headers } });
    sealed += count;
  }
  return sealed;
}
