// The administrative commands of the `herald` CLI. Each opens the runtime (so migrations are
// applied and the embedded database is found), does one thing, and prints its result on stdout;
// logs go to stderr, so `KEY=$(herald key create --org acme)` captures just the key.
import { readFileSync } from 'node:fs';
import { createAdminKey, createOrganizationKey, revokeApiKey } from '../api-keys/api-keys.ts';
import type { HeraldConfig } from '../config/config.ts';
import { InvalidStateError, NotFoundError, ValidationError } from '../errors.ts';
import { retryDelivery } from '../deliveries/operations.ts';
import { rowId } from './values.ts';
import { createEventType } from '../event-types/event-types.ts';
import type { Logger } from '../log.ts';
import { createOrganization, findOrganizationBySlug } from '../organizations/organizations.ts';
import { openRuntime, type Runtime } from '../processes/runtime.ts';
import { createPortalSession, MAX_SESSION_SECONDS, sessionGrant } from '../portal/portal-sessions.ts';
import { parseDuration } from '../config/units.ts';
import { UsageError } from './args.ts';

export { UsageError };
export { describeCommandError } from './command-error.ts';

/** One-shot commands start no queue; those that enqueue (a retry) start one that does no work. */
export async function withRuntime<T>(config: HeraldConfig, log: Logger, work: (runtime: Runtime) => Promise<T>, options: { enqueues: boolean } = { enqueues: false }): Promise<T> {
  const runtime = await openRuntime(config, log, { queue: options.enqueues, listen: false, work: false });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export async function migrateCommand(config: HeraldConfig, log: Logger): Promise<void> {
  await withRuntime(config, log, async () => undefined);
  log.info('migrations are up to date');
}

export async function orgCreate(config: HeraldConfig, log: Logger, slug: string, name: string | undefined): Promise<string> {
  return withRuntime(config, log, async ({ db }) => {
    const organization = await createOrganization(db, { slug, name });
    return `${organization.slug}`;
  });
}

export async function keyCreate(
  config: HeraldConfig,
  log: Logger,
  orgSlug: string,
  scopes: string[],
  name: string | undefined,
): Promise<string> {
  return withRuntime(config, log, async ({ db }) => {
    const organization = await findOrganizationBySlug(db, orgSlug);
    if (!organization) throw new UsageError(`no organization with slug "${orgSlug}" (create it with: herald org create ${orgSlug})`);
    const { token } = await createOrganizationKey(db, { organizationId: organization.id, scopes, name });
    return token;
  });
}

export async function adminKeyCreate(config: HeraldConfig, log: Logger, name: string | undefined): Promise<string> {
  return withRuntime(config, log, async ({ db }) => (await createAdminKey(db, name ?? '')).token);
}

export async function eventTypeCreate(
  config: HeraldConfig,
  log: Logger,
  name: string,
  description: string | undefined,
  schemaFile: string | undefined,
): Promise<string> {
  let schema: unknown;
  if (schemaFile) {
    try {
      schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    } catch (error) {
      throw new UsageError(`--schema ${schemaFile}: ${(error as Error).message}`);
    }
  }
  return withRuntime(config, log, async ({ db }) => (await createEventType(db, { name, description, schema })).name);
}

/** A portal session for the organization, printed as its link (the token rides in the fragment). */
export async function portalLink(
  config: HeraldConfig,
  log: Logger,
  options: { orgSlug: string; readOnly: boolean; expires: string | undefined; scopes: string[] },
): Promise<string> {
  let expiresInSeconds: number | undefined;
  if (options.expires !== undefined) {
    const ms = parseDuration(options.expires);
    if (ms === null || ms % 1_000 !== 0) throw new UsageError(`--expires: expected a duration such as 30m, 2h or 1d, got "${options.expires}"`);
    if (ms < 1_000 || ms > MAX_SESSION_SECONDS * 1_000) throw new UsageError(`--expires: a portal link lasts from 1s to 24h, got "${options.expires}"`);
    expiresInSeconds = ms / 1_000;
  }
  const grant = sessionGrant({ kind: 'admin' }, { scopes: options.scopes, readOnly: options.readOnly, expiresInSeconds });
  return withRuntime(config, log, async ({ db }) => {
    const organization = await findOrganizationBySlug(db, options.orgSlug);
    if (!organization) throw new UsageError(`no organization with slug "${options.orgSlug}" (create it with: herald org create ${options.orgSlug})`);
    // No key mints from the shell: the session is bounded by the organization's cap, not by a minter.
    return (await createPortalSession(db, config, organization.id, grant)).url;
  });
}


/** Revokes a key (and the portal sessions it minted); says so when it was revoked already. */
export async function keyRevoke(config: HeraldConfig, log: Logger, keyId: string): Promise<string> {
  const id = rowId(keyId, 'ApiKey', '<id>');
  return withRuntime(config, log, async ({ db }) => {
    const now = new Date();
    try {
      const key = await revokeApiKey(db, id, now);
      return key.revokedAt!.getTime() === now.getTime() ? `revoked ${keyId}` : `${keyId} was revoked already (${key.revokedAt!.toISOString()})`;
    } catch (error) {
      if (error instanceof NotFoundError) throw new UsageError(`no API key ${keyId} (herald key list shows them)`);
      throw error;
    }
  });
}

/** One more attempt of a delivery now, through the same operation as the API's retryDelivery. */
export async function deliveryRetry(config: HeraldConfig, log: Logger, deliveryId: string): Promise<string> {
  const id = rowId(deliveryId, 'Delivery', '<id>');
  return withRuntime(
    config,
    log,
    async ({ db, services }) => {
      const row = await db.delivery.findUnique({ where: { id }, select: { organizationId: true } });
      if (!row) throw new UsageError(`no delivery ${deliveryId} (herald delivery list shows them)`);
      try {
        const delivery = await retryDelivery(services, row.organizationId, id);
        return `${deliveryId} ${delivery.status}: attempt ${delivery.attemptCount + 1} is queued`;
      } catch (error) {
        if (error instanceof NotFoundError) throw new UsageError(`no delivery ${deliveryId} (herald delivery list shows them)`);
        if (error instanceof InvalidStateError) throw new UsageError(`cannot retry ${deliveryId}: ${error.message}`);
        if (error instanceof ValidationError) throw new UsageError(`cannot retry ${deliveryId}: ${error.fields.map((field) => field.message).join('; ')}`);
        throw error;
      }
    },
    { enqueues: true },
  );
}
