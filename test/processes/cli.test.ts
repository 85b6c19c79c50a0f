// De-risks the `herald` command as an operator uses it: real child processes against a real
// database — migrate, organizations, keys (printed alone on stdout for scripts), event types,
// configuration errors, every usage error as one line, the list/show/revoke/retry commands, help
// pages and docs/cli.md, and `herald api` serving probes and draining on SIGTERM.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { authenticate, createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { COMMANDS } from '../../src/cli/command-table.ts';
import { cliMarkdown } from '../../src/cli/help.ts';
import { resolve } from '../../src/cli/dispatch.ts';
import { encodeGlobalId, idOfType } from '../../src/global-id.ts';
import { uuidv7 } from '../../src/uuid7.ts';
import { waitFor } from '../support/wait.ts';
import { createTestDatabase } from '../support/database.ts';
import { runHerald } from '../support/cli.ts';
import { startHeraldProcess } from '../support/herald-process.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-cli-')) };
});
afterAll(() => database.drop());

describe('herald CLI', () => {
  it('migrates (nothing to do on a migrated database)', async () => {
    const result = await runHerald(['migrate'], env);
    expect(result.code).toBe(0);
  });

  it('creates an organization and a key printed alone on stdout', async () => {
    const org = await runHerald(['org', 'create', 'cli-co', '--name', 'CLI Co'], env);
    expect(org.code).toBe(0);
    expect(org.stdout).toBe('cli-co\n');
    const key = await runHerald(['key', 'create', '--org', 'cli-co', '--scope', 'endpoints:read', '--scope', 'events:read'], env);
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^hrld_org_\S+\n$/);
    const principal = await authenticate(database.prisma, key.stdout.trim());
    expect(principal).toMatchObject({ kind: 'organization' });
    expect(principal?.kind === 'organization' && [...principal.scopes].sort()).toEqual(['endpoints:read', 'events:read']);
  });

  it('creates an admin key', async () => {
    const result = await runHerald(['admin-key', 'create'], env);
    expect(result.code).toBe(0);
    expect(await authenticate(database.prisma, result.stdout.trim())).toMatchObject({ kind: 'admin' });
  });

  it('adds an event type with a JSON Schema from a file', async () => {
    const file = join(env.HERALD_DATA_DIR!, 'schema.json');
    writeFileSync(file, JSON.stringify({ type: 'object', properties: { total: { type: 'number' } } }));
    const result = await runHerald(['event-type', 'create', 'invoice.paid', '--description', 'Paid', '--schema', file], env);
    expect(result.code).toBe(0);
    const row = await database.prisma.eventType.findUniqueOrThrow({ where: { name: 'invoice.paid' } });
    expect(row).toMatchObject({ description: 'Paid', schema: { type: 'object' } });
  });

  it('prints a portal link alone on stdout, naming HERALD_PUBLIC_URL, read-only and expiring as asked', async () => {
    const before = Date.now();
    const result = await runHerald(['portal-link', '--org', 'cli-co', '--read-only', '--expires', '2h'], { ...env, HERALD_PUBLIC_URL: 'https://hooks.example.com' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^https:\/\/hooks\.example\.com\/portal\/#token=hrld_portal_[0-9A-Za-z]{43}\n$/);
    const token = result.stdout.trim().split('#token=')[1]!;
    const principal = await authenticate(database.prisma, token);
    expect(principal?.kind === 'organization' && [...principal.scopes]).toEqual(['endpoints:read', 'events:read', 'deliveries:read']);
    const expiresAt = principal?.kind === 'organization' ? principal.session!.expiresAt.getTime() : 0;
    expect(expiresAt - before).toBeGreaterThan(7_190_000);
    expect(expiresAt - before).toBeLessThan(7_300_000);
    // Without HERALD_PUBLIC_URL the link names this machine's port; the default lifetime is an hour.
    const local = await runHerald(['portal-link', '--org', 'cli-co'], { ...env, PORT: '4123' });
    expect(local.stdout).toMatch(/^http:\/\/localhost:4123\/portal\/#token=hrld_portal_\S+\n$/);
    // Without --scope, what the portal uses and never events:publish; named, it is given.
    const plain = await authenticate(database.prisma, local.stdout.trim().split('#token=')[1]!);
    expect(plain?.kind === 'organization' && [...plain.scopes]).toEqual(['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:read', 'deliveries:write']);
    const publishing = await runHerald(['portal-link', '--org', 'cli-co', '--scope', 'events:publish', '--scope', 'endpoints:read'], env);
    const publisher = await authenticate(database.prisma, publishing.stdout.trim().split('#token=')[1]!);
    expect(publisher?.kind === 'organization' && [...publisher.scopes]).toEqual(['endpoints:read', 'events:publish']);
  });

  it.each([
    ['a portal link past 24 hours', ['portal-link', '--org', 'cli-co', '--expires', '48h'], /^herald: --expires: a portal link lasts from 1s to 24h, got "48h"$/],
    ['a portal link with a bad duration', ['portal-link', '--org', 'cli-co', '--expires', 'soon'], /--expires/],
    ['a portal link for an unknown organization', ['portal-link', '--org', 'nobody'], /no organization with slug "nobody"/],
    ['an unknown organization', ['key', 'create', '--org', 'nobody'], /no organization with slug "nobody"/],
    ['an unknown scope', ['key', 'create', '--org', 'cli-co', '--scope', 'root'], /^herald: --scope: /],
    ['a bad slug', ['org', 'create', 'Bad Slug'], /^herald: <slug>: must be/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate" \(see herald help\)$/],
    ['a mistyped command', ['delivry', 'list'], /unknown command "delivry list"; did you mean "delivery list"\?/],
    ['a mistyped subcommand', ['key', 'revok', 'key_0190'], /unknown command "key revok"; did you mean "key revoke"\?/],
    ['a mistyped one-word command', ['mirgate'], /did you mean "migrate"\?/],
    ['a flag before the command', ['--json', 'org', 'list'], /unknown flag --json before the command: flags follow it/],
    ['a group without its command', ['delivery'], /delivery needs a command: delivery list, delivery show, delivery retry/],
    ['a mistyped flag', ['endpoint', 'list', '--ogr', 'cli-co'], /endpoint list: unknown flag --ogr; did you mean --org\?/],
    ['a flag of no command', ['org', 'list', '--frobnicate'], /org list: unknown flag --frobnicate \(see herald org list --help\)$/],
    ['a flag without its value', ['key', 'create', '--org'], /key create: --org needs a value/],
    ['a missing required flag', ['key', 'create'], /key create: --org is required/],
    ['an extra argument (an unquoted name with a space)', ['event-type', 'create', 'Bad', 'Type'], /event-type create: unexpected argument "Type"/],
    ['an argument to a command that takes none', ['org', 'list', 'acme'], /org list: unexpected argument "acme"/],
    ['a missing argument', ['delivery', 'show'], /delivery show: missing <id>/],
    ['an id of the wrong type', ['delivery', 'show', 'ep_0190000000007000800000000000dead'], /<id>: "ep_0190000000007000800000000000dead" is not a delivery id \(dlv_…\)/],
    ['a missing delivery', ['delivery', 'retry', 'dlv_0190000000007000800000000000dead'], /no delivery dlv_0190000000007000800000000000dead/],
    ['a bad status filter', ['delivery', 'list', '--status', 'FIALED'], /--status: "FIALED" is not a delivery status .*did you mean FAILED\?/],
    ['a bad limit', ['event', 'list', '--limit', 'lots'], /--limit: expected a whole number from 1 to 500, got "lots"/],
  ])('fails with one clear line and exit 2 on %s', async (_label, args, message) => {
    const result = await runHerald(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses an extra argument instead of creating a truncated event type', async () => {
    await runHerald(['event-type', 'create', 'Bad', 'Type'], env);
    expect(await database.prisma.eventType.findUnique({ where: { name: 'Bad' } })).toBeNull();
  });

  it('stops with one line naming the variable when the configuration is bad', async () => {
    const result = await runHerald(['migrate'], { ...env, HERALD_DELIVERY_TIMEOUT: 'soon' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/HERALD_DELIVERY_TIMEOUT/);
  });

  it('serves the API with probes, then drains and exits 0 on SIGTERM', async () => {
    const api = await startHeraldProcess('api', env);
    const base = api.origin;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE herald_deliveries_total counter$/m);
    expect(text).toMatch(/^herald_open_subscriptions 0$/m);
    const graphql = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { slug } }' }),
    });
    expect(((await graphql.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    // The portal is served by the API process (its page when built, the 503 page until then), under its own policy.
    const portal = await fetch(`${base}/portal/`);
    expect([200, 503]).toContain(portal.status);
    expect(portal.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    // A live graphql-ws subscription is closed with 1001 (going away) by the drain.
    const organization = await createOrganization(database.prisma, { slug: 'socket-co' });
    const { token } = await createOrganizationKey(database.prisma, { organizationId: organization.id });
    let closeCode: number | undefined;
    const socketClient = createClient({
      url: `ws://127.0.0.1:${api.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
    });
    let subscribed = false;
    socketClient.subscribe({ query: 'subscription { deliveryUpdated { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    socketClient.on('connected', () => void (subscribed = true));
    await waitFor(async () => subscribed, 'the socket to connect');

    expect(await api.stop()).toBe(0);
    await waitFor(async () => closeCode !== undefined, 'the socket to close');
    expect(closeCode).toBe(1001);
    await socketClient.dispose();
  });
});

// Each read is a child process: seconds apiece when the machine is shared, hence the longer timeout.
describe('herald CLI reads and undoes', { timeout: 120_000 }, () => {
  const ids = { endpoint: '', event: '', delivery: '', key: '' };
  let organizationId = '';

  beforeAll(async () => {
    const organization = await createOrganization(database.prisma, { slug: 'look-co', name: 'Look Co' });
    organizationId = organization.id;
    const { token } = await createOrganizationKey(database.prisma, { organizationId, scopes: ['events:read'], name: 'reader' });
    const key = await database.prisma.apiKey.findFirstOrThrow({ where: { organizationId, name: 'reader' } });
    expect(token.startsWith(key.prefix)).toBe(true);
    // Rows as the worker leaves them after one failed attempt: what an operator looks at and retries.
    const endpoint = await database.prisma.endpoint.create({
      data: { id: uuidv7(), organizationId, name: 'look.example', url: 'https://look.example/hook', eventTypes: ['*'], secretSealed: 'sealed-by-test' },
    });
    const event = await database.prisma.event.create({ data: { id: uuidv7(), organizationId, type: 'invoice.paid', payload: { total: 42 } } });
    const delivery = await database.prisma.delivery.create({
      data: { id: uuidv7(), organizationId, eventId: event.id, endpointId: endpoint.id, status: 'FAILED', attemptCount: 1, lastStatusCode: 500, lastError: 'HTTP 500', completedAt: new Date() },
    });
    await database.prisma.attempt.create({
      data: { id: uuidv7(), deliveryId: delivery.id, number: 1, startedAt: new Date(), durationMs: 12, responseStatus: 500, responseBody: 'boom', errorKind: 'HTTP_STATUS', errorMessage: 'HTTP 500' },
    });
    ids.endpoint = encodeGlobalId('Endpoint', endpoint.id);
    ids.event = encodeGlobalId('Event', event.id);
    ids.delivery = encodeGlobalId('Delivery', delivery.id);
    ids.key = encodeGlobalId('ApiKey', key.id);
  });

  const json = async (args: string[]) => {
    const result = await runHerald([...args, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as any; // the records' shapes are what the assertions check
  };

  it('lists and shows organizations, as JSON and as a table', async () => {
    const orgs = (await json(['org', 'list'])) as Array<{ slug: string; name: string; id: string }>;
    expect(orgs.find((org) => org.slug === 'look-co')).toEqual({ id: encodeGlobalId('Organization', organizationId), slug: 'look-co', name: 'Look Co', createdAt: expect.any(String) });
    expect(await json(['org', 'show', 'look-co'])).toMatchObject({ slug: 'look-co', endpoints: 1, unrevokedKeys: 1 });
    const table = await runHerald(['org', 'list'], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^SLUG\s+NAME\s+ID\s+CREATEDAT$/);
    expect(table.stdout).toMatch(/^look-co\s+Look Co\s+org_[0-9a-f]{32}\s+\S+Z$/m);
  });

  it('lists and shows keys with their standing, never a secret', async () => {
    const keys = await json(['key', 'list', '--org', 'look-co']);
    expect(keys).toEqual([expect.objectContaining({ id: ids.key, kind: 'ORGANIZATION', organization: 'look-co', name: 'reader', scopes: ['events:read'], standing: 'VALID' })]);
    expect(await json(['key', 'show', ids.key])).toMatchObject({ id: ids.key, standing: 'VALID', mintedBy: null });
    expect(JSON.stringify(keys)).not.toMatch(/hash/);
  });

  it('lists and shows endpoints and events', async () => {
    expect(await json(['endpoint', 'list', '--org', 'look-co'])).toEqual([expect.objectContaining({ id: ids.endpoint, url: 'https://look.example/hook', active: true })]);
    const endpoint = await json(['endpoint', 'show', ids.endpoint]);
    expect(endpoint).toMatchObject({ id: ids.endpoint, organization: 'look-co', signatureScheme: 'STANDARD_WEBHOOKS' });
    expect(JSON.stringify(endpoint)).not.toMatch(/sealed-by-test/);
    expect(await json(['event', 'list', '--org', 'look-co', '--type', 'invoice.paid'])).toEqual([expect.objectContaining({ id: ids.event, type: 'invoice.paid' })]);
    expect(await json(['event', 'list', '--org', 'look-co', '--type', 'other.type'])).toEqual([]);
    expect(await json(['event', 'show', ids.event])).toMatchObject({ payload: { total: 42 }, deliveries: [{ id: ids.delivery, endpoint: ids.endpoint, status: 'FAILED', attemptCount: 1 }] });
    const table = await runHerald(['endpoint', 'list', '--org', 'nobody-here'], env);
    expect(table.code).toBe(2);
    expect(table.stderr).toMatch(/--org: no organization with slug "nobody-here"/);
  });

  it('lists deliveries by status and shows one with its attempts', async () => {
    expect(await json(['delivery', 'list', '--org', 'look-co', '--status', 'failed', '--endpoint', ids.endpoint])).toEqual([
      expect.objectContaining({ id: ids.delivery, status: 'FAILED', eventType: 'invoice.paid', lastStatusCode: 500 }),
    ]);
    expect(await json(['delivery', 'list', '--status', 'SUCCEEDED', '--event', ids.event])).toEqual([]);
    const shown = await json(['delivery', 'show', ids.delivery]);
    expect(shown).toMatchObject({ id: ids.delivery, endpointUrl: 'https://look.example/hook', attempts: [{ number: 1, durationMs: 12, responseStatus: 500, error: { kind: 'HTTP_STATUS', message: 'HTTP 500' }, responseBody: 'boom' }] });
    const human = await runHerald(['delivery', 'show', ids.delivery], env);
    expect(human.stdout).toMatch(/^status\s+FAILED$/m);
    expect(human.stdout).toMatch(/^attempts:\nNUMBER\s+STARTEDAT\s+DURATIONMS\s+RESPONSESTATUS\s+ERRORKIND\s+ERRORMESSAGE\n1\s+\S+\s+12\s+500\s+HTTP_STATUS\s+HTTP 500$/m);
  });

  it('retries a failed delivery through the queue, and refuses one already queued', async () => {
    const retried = await runHerald(['delivery', 'retry', ids.delivery], env);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe(`${ids.delivery} PENDING: attempt 2 is queued\n`);
    expect(await json(['delivery', 'show', ids.delivery])).toMatchObject({ status: 'PENDING' });
    const jobs = await database.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM pgboss.job WHERE data->>'deliveryId' = $1`, idOfType(ids.delivery, 'Delivery'));
    expect(Number(jobs[0]!.n)).toBeGreaterThan(0);
    const again = await runHerald(['delivery', 'retry', ids.delivery], env);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`herald: cannot retry ${ids.delivery}: The delivery is PENDING: it is queued for an attempt already.`);
  });

  it('revokes a key, so it no longer authenticates, and says so the second time', async () => {
    const { token } = await createOrganizationKey(database.prisma, { organizationId, name: 'doomed' });
    const row = await database.prisma.apiKey.findFirstOrThrow({ where: { organizationId, name: 'doomed' } });
    const id = encodeGlobalId('ApiKey', row.id);
    const revoked = await runHerald(['key', 'revoke', id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${id}\n`);
    expect(await authenticate(database.prisma, token)).toBeNull();
    expect(await json(['key', 'show', id])).toMatchObject({ standing: 'REVOKED' });
    const again = await runHerald(['key', 'revoke', id], env);
    expect(again.stdout).toMatch(new RegExp(`^${id} was revoked already \\(\\S+Z\\)\\n$`));
    const missing = await runHerald(['key', 'revoke', 'key_0190000000007000800000000000dead'], env);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'herald: no API key key_0190000000007000800000000000dead (herald key list shows them)']);
  });

  it('prints a help page per command and per group, and the command list for help', async () => {
    // Every command's page, drawn in-process from the same resolve() the child runs (a child per command costs seconds on a loaded machine)...
    for (const command of COMMANDS) {
      const help = resolve([...command.name.split(' '), '--help']);
      expect(help).toMatchObject({ kind: 'help', code: 0 });
      expect(help.kind === 'help' && help.text).toContain(`Usage: ${command.usage}\n`);
      expect(help.kind === 'help' && help.text).toContain(`herald ${command.example}`);
    }
    // ...and a few as a user runs them.
    const [retry, group, page, short] = await Promise.all([
      runHerald(['delivery', 'retry', '--help'], {}),
      runHerald(['help', 'delivery'], {}),
      runHerald(['help'], {}),
      runHerald(['key', 'list', '-h'], {}),
    ]);
    expect(retry).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: herald delivery retry <id>\n/) });
    expect(retry.stdout).toContain('Example:\n  herald delivery retry dlv_');
    expect(group.stdout).toMatch(/herald delivery list.*\n.*herald delivery show.*\n.*herald delivery retry/);
    expect(page.stdout).toMatch(/^ {2}delivery retry\s+attempt a finished/m);
    expect(short).toMatchObject({ code: 0, stdout: expect.stringContaining('--sessions') });
  });

  it('takes --json on every read and names every command in docs/cli.md, which is current', () => {
    const reads = COMMANDS.filter((command) => / (list|show)$/.test(command.name));
    expect(reads.map((command) => command.name).sort()).toEqual(['delivery list', 'delivery show', 'endpoint list', 'endpoint show', 'event list', 'event show', 'key list', 'key show', 'org list', 'org show']);
    for (const command of reads) expect(command.flags, command.name).toHaveProperty('json');
    const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(docs, 'docs/cli.md is stale: run npm run docs:cli').toBe(cliMarkdown(COMMANDS));
    for (const command of COMMANDS) expect(docs).toContain(`## herald ${command.name}\n`);
  });
});
